import { runWorkflow } from './engine';

describe('real-engine harness', () => {
	it('runs a Manual Trigger workflow through WorkflowExecute with paired items', async () => {
		const run = await runWorkflow({
			nodes: [
				{
					id: '1',
					name: 'Start',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					id: '2',
					name: 'Items',
					type: 'test.testItems',
					typeVersion: 1,
					position: [200, 0],
					parameters: {
						items:
							'={{ JSON.stringify([{ json: { sku: "A-" + (1 + 1) } }, { json: { sku: "B" } }]) }}',
					},
				},
			],
			connections: { Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] } },
		});
		expect(run.status).toBe('success');
		expect(run.output('Items').map((item) => item.json.sku)).toEqual(['A-2', 'B']);
		expect(run.output('Items')[0].pairedItem).toEqual({ item: 0 });
	});
});
