import {
	readConversation,
	startOpenAiChatFake,
	type ChatMessage,
	type ChatRequest,
	type ChatTool,
	type OpenAiChatFake,
} from './openai-chat.fake';
import { call } from './test-client';

let fake: OpenAiChatFake;
const auth = { authorization: 'Bearer sk-fake-chat-key' };

beforeAll(async () => {
	fake = await startOpenAiChatFake();
});
afterAll(async () => {
	await fake.close();
});
beforeEach(() => fake.reset());

const SEGMENT_TOOL: ChatTool = {
	type: 'function',
	function: {
		name: 'Cut_out',
		description: 'Cuts objects out of an image',
		parameters: {
			type: 'object',
			properties: {
				imageUrl: { type: 'string', description: 'Public image URL' },
				prompt: { type: 'string', description: 'What to cut out' },
			},
			required: ['imageUrl', 'prompt'],
		},
	},
};
const CHECK_TOOL: ChatTool = {
	type: 'function',
	function: {
		name: 'Check_task',
		parameters: { type: 'object', properties: { taskId: { type: 'string' } } },
	},
};

const user = (content: string): ChatMessage => ({ role: 'user', content });
const calledWith = (args: Record<string, unknown>, name = 'Cut_out'): ChatMessage => ({
	role: 'assistant',
	content: null,
	tool_calls: [
		{ id: 'call_1', type: 'function', function: { name, arguments: JSON.stringify(args) } },
	],
});
const toolResult = (items: unknown): ChatMessage => ({
	role: 'tool',
	content: JSON.stringify(items),
	tool_call_id: 'call_1',
});
const chat = (messages: ChatMessage[], tools = [SEGMENT_TOOL]): ChatRequest => ({
	model: 'gpt-4o-mini',
	messages,
	tools,
});

describe('OpenAI chat fake: the API', () => {
	it('refuses a missing or wrong key with 401 in OpenAI’s error shape', async () => {
		for (const headers of [{}, { authorization: 'Bearer nope' }] as Array<Record<string, string>>) {
			const res = await call(`${fake.apiUrl}/chat/completions`, {
				method: 'POST',
				headers,
				json: chat([user('hi')]),
			});
			expect(res.status).toBe(401);
			expect(res.json).toMatchObject({
				error: { code: 'invalid_api_key', type: 'invalid_request_error' },
			});
		}
		expect(fake.chats).toHaveLength(0);
	});

	it('answers with a tool call, records the request, and counts it', async () => {
		const request = chat([user('Cut out the sofa in http://shop.test/sofa.jpg')]);
		const res = await call(`${fake.apiUrl}/chat/completions`, {
			method: 'POST',
			headers: auth,
			json: request,
		});
		expect(res.status).toBe(200);
		expect(res.json).toMatchObject({
			object: 'chat.completion',
			model: 'gpt-4o-mini',
			choices: [
				{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null } },
			],
			usage: { total_tokens: expect.any(Number) },
		});
		const [toolCall] = res.json.choices[0].message.tool_calls;
		expect(toolCall).toMatchObject({
			id: expect.stringMatching(/^call_/),
			type: 'function',
			function: { name: 'Cut_out' },
		});
		expect(JSON.parse(toolCall.function.arguments)).toEqual({
			imageUrl: 'http://shop.test/sofa.jpg',
			prompt: 'sofa',
		});
		expect(fake.chats).toEqual([request]);
		expect(fake.counters).toMatchObject({ completions: 1, toolCalls: 1 });
		// The request log keeps header names, never the key.
		expect(JSON.stringify(fake.requests)).not.toContain('sk-fake-chat-key');
	});

	it('answers with text when the script says so, and follows a script set by the test', async () => {
		fake.configure({ script: () => ({ answer: 'Hello.' }) });
		const res = await call(`${fake.apiUrl}/chat/completions`, {
			method: 'POST',
			headers: auth,
			json: chat([user('hi')]),
		});
		expect(res.json.choices[0]).toMatchObject({
			finish_reason: 'stop',
			message: { role: 'assistant', content: 'Hello.' },
		});
		expect(fake.counters).toMatchObject({ completions: 1, toolCalls: 0 });
	});

	it('refuses streaming requests and bodies without messages', async () => {
		const streamed = await call(`${fake.apiUrl}/chat/completions`, {
			method: 'POST',
			headers: auth,
			json: { ...chat([user('hi')]), stream: true },
		});
		expect(streamed.status).toBe(400);
		expect(streamed.json.error.message).toMatch(/does not stream/);
		const empty = await call(`${fake.apiUrl}/chat/completions`, {
			method: 'POST',
			headers: auth,
			json: { model: 'x' },
		});
		expect(empty.status).toBe(400);
	});

	it('lists its model', async () => {
		const res = await call(`${fake.apiUrl}/models`, { headers: auth });
		expect(res.json).toEqual({
			object: 'list',
			data: [{ id: 'gpt-4o-mini', object: 'model', created: 0, owned_by: 'fake' }],
		});
	});
});

describe('OpenAI chat fake: the default script reads the conversation', () => {
	it('fills a task ID parameter with the UUID of the message', () => {
		const turn = readConversation(
			chat([user('Status of task 3f2c9a4e-8b1d-4c6e-9f0a-1b2c3d4e5f60?')], [CHECK_TOOL]),
		);
		expect(turn).toEqual({
			call: { name: 'Check_task', arguments: { taskId: '3f2c9a4e-8b1d-4c6e-9f0a-1b2c3d4e5f60' } },
		});
	});

	it('takes the object from quotes, else from "cut out the … in"', () => {
		const quoted = readConversation(
			chat([user('Please segment "red shoes" at https://a.test/1.jpg')]),
		);
		expect(quoted).toMatchObject({ call: { arguments: { prompt: 'red shoes' } } });
		const phrased = readConversation(
			chat([user('Cut out the product in this photo: https://a.test/1.jpg')]),
		);
		expect(phrased).toMatchObject({
			call: { arguments: { imageUrl: 'https://a.test/1.jpg', prompt: 'product' } },
		});
	});

	it('answers with the mask URL or the task status the tool returned', () => {
		const ask = user('Cut out the sofa in https://a.test/1.jpg');
		const mask = readConversation(
			chat([
				ask,
				calledWith({ imageUrl: 'https://a.test/1.jpg' }),
				toolResult([{ maskUrl: 'https://files.test/m.png' }]),
			]),
		);
		expect(mask).toEqual({
			answer: 'Done: the mask of the sofa is at https://files.test/m.png (white = sofa).',
		});
		const status = readConversation(
			chat([ask, calledWith({ taskId: 't1' }), toolResult([{ taskId: 't1', status: 'running' }])]),
		);
		expect(status).toEqual({ answer: 'Task t1 is running.' });
	});

	it('after an error, calls the tool again with the next URL of the message; with none left, reports the error', () => {
		const ask = user(
			'Cut out the sofa in https://intranet.test/1.jpg, or else https://public.test/1.jpg',
		);
		const firstTry = calledWith({ imageUrl: 'https://intranet.test/1.jpg', prompt: 'sofa' });
		const retry = readConversation(
			chat([ask, firstTry, toolResult([{ error: 'could not fetch' }])]),
		);
		expect(retry).toEqual({
			call: {
				name: 'Cut_out',
				arguments: { imageUrl: 'https://public.test/1.jpg', prompt: 'sofa' },
			},
		});
		const secondTry = calledWith({ imageUrl: 'https://public.test/1.jpg', prompt: 'sofa' });
		const givenUp = readConversation(
			chat([
				ask,
				firstTry,
				toolResult([{ error: 'x' }]),
				secondTry,
				toolResult([{ error: 'still not' }]),
			]),
		);
		expect(givenUp).toEqual({ answer: 'The tool failed: still not' });
	});

	it('without a tool, says so', () => {
		expect(readConversation(chat([user('hi')], []))).toEqual({
			answer: 'I have no tool for this.',
		});
	});
});
