import type { IExecuteFunctions } from 'n8n-workflow';

import { planLimitOnce } from '../../nodes/shared/runtime/plan-limit';

const context = (executionId: string | undefined) =>
	({ getExecutionId: () => executionId }) as unknown as IExecuteFunctions;

describe('planLimitOnce', () => {
	it('asks once per execution and account, however many runs ask at once', async () => {
		const read = jest.fn().mockResolvedValue(3);
		const answers = await Promise.all([
			planLimitOnce(context('e1'), 'piApiApi:1', read),
			planLimitOnce(context('e1'), 'piApiApi:1', read),
			planLimitOnce(context('e1'), 'piApiApi:1', read),
		]);
		expect(answers).toEqual([3, 3, 3]);
		expect(read).toHaveBeenCalledTimes(1);
		await planLimitOnce(context('e1'), 'piApiApi:2', read);
		await planLimitOnce(context('e2'), 'piApiApi:1', read);
		expect(read).toHaveBeenCalledTimes(3);
	});

	it('reads a failure, or an answer that is not a whole number of at least 1, as not said', async () => {
		const failing = jest.fn().mockRejectedValue(new Error('HTTP 500'));
		expect(await planLimitOnce(context('e3'), 'a', failing)).toBeUndefined();
		expect(await planLimitOnce(context('e3'), 'a', failing)).toBeUndefined();
		expect(failing).toHaveBeenCalledTimes(1);
		for (const [index, value] of [0, -1, 2.5, Number.NaN].entries())
			expect(await planLimitOnce(context(`e4-${index}`), 'a', async () => value)).toBeUndefined();
	});

	it('without an execution id, asks every time (nothing to share it by)', async () => {
		const read = jest.fn().mockResolvedValue(1);
		await planLimitOnce(context(undefined), 'a', read);
		await planLimitOnce(context(undefined), 'a', read);
		expect(read).toHaveBeenCalledTimes(2);
	});
});
