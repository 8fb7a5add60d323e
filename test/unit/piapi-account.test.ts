import { planLimitIn } from '../../nodes/vendors/piapi/account';

describe("PiAPI's plan limit in GET /account/info", () => {
	it.each([
		['in data, a number', { code: 200, data: { max_concurrent_task_count: 5 } }, 5],
		['in data, numeric text', { code: 200, data: { max_concurrent_task_count: ' 30 ' } }, 30],
		['at the top level', { max_concurrent_task_count: 1, name: 'me' }, 1],
		['data first', { max_concurrent_task_count: 9, data: { max_concurrent_task_count: 2 } }, 2],
		['top level when data lacks it', { max_concurrent_task_count: 4, data: { plan: 'x' } }, 4],
	])('reads it %s', (_where, reply, limit) => {
		expect(planLimitIn(reply)).toBe(limit);
	});

	it.each([
		['absent', { code: 200, data: { account_id: 'a' } }],
		['zero', { data: { max_concurrent_task_count: 0 } }],
		['negative', { data: { max_concurrent_task_count: -3 } }],
		['a fraction', { data: { max_concurrent_task_count: 1.5 } }],
		['text', { data: { max_concurrent_task_count: 'unlimited' } }],
		['null', { data: { max_concurrent_task_count: null } }],
		['an array body', [1]],
		['a text body', '<html>'],
		['no body', undefined],
	])('reads nothing when it is %s', (_shape, reply) => {
		expect(planLimitIn(reply)).toBeUndefined();
	});
});
