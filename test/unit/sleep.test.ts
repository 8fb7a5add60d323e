/*
 * The one wait of every node, on each shape of n8n-workflow a supported n8n has: sleepWithAbort
 * (1.98 to 2.33), sleep with a signal (2.34 on), and a sleep that ignores the signal.
 */
type SleepModule = typeof import('../../nodes/shared/runtime/sleep');

/** The sleep module as it loads against an n8n-workflow that exports only these. */
function loadWith(exports: Record<string, unknown>): SleepModule {
	let loaded: SleepModule | undefined;
	jest.isolateModules(() => {
		jest.doMock('n8n-workflow', () => exports);
		loaded = jest.requireActual<SleepModule>('../../nodes/shared/runtime/sleep');
	});
	jest.dontMock('n8n-workflow');
	return loaded!;
}

/** n8n-workflow 2.34+: sleep(ms, signal) clears its timer and rejects with the reason. */
const sleepTakingSignal = jest.fn(
	async (ms: number, signal?: AbortSignal) =>
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(resolve, ms);
			signal?.addEventListener('abort', () => {
				clearTimeout(timer);
				reject(signal.reason);
			});
		}),
);

/** A sleep that ignores the signal; unref'd so it cannot hold the test process open. */
const sleepIgnoringSignal = jest.fn(
	async (ms: number) => await new Promise<void>((resolve) => setTimeout(resolve, ms).unref()),
);

const variants: Array<[string, Record<string, unknown>]> = [
	['n8n-workflow 1.98 to 2.33 (sleepWithAbort)', jest.requireActual('n8n-workflow')],
	['n8n-workflow 2.34 and later (sleep takes the signal)', { sleep: sleepTakingSignal }],
	['an n8n-workflow whose sleep ignores the signal', { sleep: sleepIgnoringSignal }],
];

describe.each(variants)('cancellableSleep with %s', (_name, exports) => {
	const { cancellableSleep } = loadWith(exports);

	it('waits the given time', async () => {
		const started = Date.now();
		await cancellableSleep(60, new AbortController().signal);
		expect(Date.now() - started).toBeGreaterThanOrEqual(55);
	});

	it('waits without a signal', async () => {
		await expect(cancellableSleep(5)).resolves.toBeUndefined();
	});

	it('ends at once when the execution is cancelled', async () => {
		const controller = new AbortController();
		// Set before the wait begins, for the wait's own time: a wait that ignored the cancel would end after it fires.
		let waitOver = false;
		const waitTime = setTimeout(() => (waitOver = true), 5_000);
		const waiting = cancellableSleep(5_000, controller.signal);
		setTimeout(() => controller.abort(new Error('stopped by the user')), 20);
		await expect(waiting).rejects.toThrow();
		clearTimeout(waitTime);
		expect(waitOver).toBe(false);
	});

	it('does not start when the execution was already cancelled', async () => {
		const controller = new AbortController();
		controller.abort(new Error('stopped by the user'));
		await expect(cancellableSleep(60_000, controller.signal)).rejects.toThrow();
	});
});

test('the signal reaches sleep on n8n-workflow 2.34+, so its timer is cleared', async () => {
	const { cancellableSleep } = loadWith({ sleep: sleepTakingSignal });
	const controller = new AbortController();
	await cancellableSleep(10, controller.signal);
	expect(sleepTakingSignal).toHaveBeenLastCalledWith(10, controller.signal);
});
