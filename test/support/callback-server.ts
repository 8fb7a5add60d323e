import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
	runWorkflow,
	type RunOptions,
	type WorkflowJson,
	type WorkflowRun,
} from '../harness/engine';
import { callResumeUrl, type WebhookAnswer } from '../harness/waiting';

/**
 * The n8n address a fake vendor calls back in in-process tests: POST /webhook-waiting/<id>
 * resumes the waiting run registered for <id>, as n8n's waiting webhooks do. Resumed runs
 * replace the waiting one, so a later call finds the execution no longer waiting. A run started
 * with `runUntilWaiting` is refused as running (409) until it is saved as waiting, as in n8n.
 */
export class CallbackServer {
	readonly answers: Array<WebhookAnswer & { executionId: string }> = [];
	private readonly runs = new Map<string, WorkflowRun>();
	private readonly running = new Set<string>();
	private readonly resumed = new Map<string, Array<(run: WorkflowRun) => void>>();
	private queue: Promise<unknown> = Promise.resolve();

	private constructor(
		private readonly server: Server,
		readonly baseUrl: string,
	) {}

	static async start(): Promise<CallbackServer> {
		let instance: CallbackServer | undefined;
		const server = createServer((request, response) => void instance!.handle(request, response));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		instance = new CallbackServer(
			server,
			`http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		);
		return instance;
	}

	/** Makes a waiting run reachable at its resume URL. */
	register(run: WorkflowRun) {
		this.runs.set(run.executionId, run);
	}

	/**
	 * Runs a workflow with this server as n8n's address and registers it once it waits. n8n saves
	 * an execution as waiting only after the node has returned, under load seconds later:
	 * `saveDelayMs` holds the run in that state, where calls for it are refused as running.
	 */
	async runUntilWaiting(
		workflow: WorkflowJson,
		options: RunOptions = {},
		saveDelayMs = 0,
	): Promise<WorkflowRun> {
		let executionId: string | undefined;
		const run = await runWorkflow(workflow, {
			...options,
			baseUrl: this.baseUrl,
			onStarted: (cancel, id) => {
				executionId = id;
				this.running.add(id);
				options.onStarted?.(cancel, id);
			},
		});
		if (saveDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, saveDelayMs));
		if (executionId) this.running.delete(executionId);
		if (run.status === 'waiting') this.register(run);
		return run;
	}

	/** The run an execution became once resumed by a callback. */
	async whenResumed(executionId: string): Promise<WorkflowRun> {
		const current = this.runs.get(executionId);
		if (current && current.status !== 'waiting') return current;
		return await new Promise((resolve) =>
			this.resumed.set(executionId, [...(this.resumed.get(executionId) ?? []), resolve]),
		);
	}

	async close() {
		await new Promise((resolve) => this.server.close(resolve));
	}

	private async handle(request: IncomingMessage, response: import('node:http').ServerResponse) {
		const chunks: Buffer[] = [];
		for await (const chunk of request) chunks.push(chunk as Buffer);
		const executionId = new URL(request.url ?? '/', this.baseUrl).pathname.split('/')[2] ?? '';
		// n8n handles one call to a waiting execution at a time: the first resume wins.
		const delivery = this.queue.then(
			async () => await this.deliver(executionId, request, Buffer.concat(chunks)),
		);
		this.queue = delivery;
		const answer = await delivery;
		response
			.writeHead(answer.status, { 'content-type': 'application/json' })
			.end(JSON.stringify(answer.body));
	}

	private async deliver(
		executionId: string,
		request: IncomingMessage,
		body: Buffer,
	): Promise<WebhookAnswer> {
		if (this.running.has(executionId))
			return {
				status: 409,
				body: { code: 409, message: `The execution "${executionId}" is running already.` },
			};
		const run = this.runs.get(executionId);
		if (!run)
			return { status: 404, body: { message: `The execution "${executionId}" does not exist.` } };
		const headers = Object.fromEntries(
			Object.entries(request.headers).map(([key, value]) => [key, String(value)]),
		);
		const answer = await callResumeUrl(run, {
			headers,
			body: JSON.parse(body.toString('utf8') || '{}') as unknown,
		});
		this.answers.push({ ...answer, executionId });
		if (answer.run) {
			this.runs.set(executionId, answer.run);
			for (const resolve of this.resumed.get(executionId) ?? []) resolve(answer.run);
			this.resumed.delete(executionId);
		}
		return answer;
	}
}
