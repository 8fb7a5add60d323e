/*
 * A fake OpenAI-compatible chat model for AI Agent tests: `POST /v1/chat/completions` (no
 * streaming) and `GET /v1/models`, on loopback. It records every request body and answers as a
 * script says. The default script reads the conversation like a very literal model: it calls the
 * tool it is offered with arguments taken from the user's message, tries the next image URL of
 * the message when the tool result is an error, and answers with what the tool returned.
 */
import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';

import {
	baseCounters,
	FakeServer,
	isObject,
	parseJson,
	type Counters,
	type Reply,
	type RequestContext,
} from './fake-server';

export interface ChatToolCall {
	id: string;
	type: 'function';
	function: { name: string; arguments: string };
}

export interface ChatMessage {
	role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
	content: string | null | Array<{ type: string; text?: string }>;
	tool_calls?: ChatToolCall[];
	tool_call_id?: string;
}

export interface JsonSchemaProperty {
	type?: string;
	description?: string;
}

export interface ChatTool {
	type: 'function';
	function: {
		name: string;
		description?: string;
		parameters?: {
			type?: string;
			properties?: Record<string, JsonSchemaProperty>;
			required?: string[];
		};
	};
}

export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	tools?: ChatTool[];
	stream?: boolean;
	[key: string]: unknown;
}

/** What the model does next: call a tool, or give its final answer. */
export type ChatTurn =
	| { call: { name: string; arguments: Record<string, unknown> } }
	| { answer: string };

export type ChatScript = (request: ChatRequest) => ChatTurn;

export interface OpenAiChatConfig {
	apiKey: string;
	/** The model the fake claims to be (listed by GET /v1/models). */
	model: string;
	script: ChatScript;
}

export interface OpenAiChatCounters extends Counters {
	completions: number;
	toolCalls: number;
}

export class OpenAiChatFake extends FakeServer<OpenAiChatConfig, OpenAiChatCounters> {
	/** Every chat completion request, as sent. */
	readonly chats: ChatRequest[] = [];

	constructor(options: Partial<OpenAiChatConfig>) {
		super({
			apiKey: 'sk-fake-chat-key',
			model: 'gpt-4o-mini',
			script: readConversation,
			...options,
		});
		this.setRoutes([
			{
				method: 'POST',
				path: '/v1/chat/completions',
				endpoint: 'chatCompletions',
				auth: true,
				handle: (c) => this.complete(c),
			},
			{
				method: 'GET',
				path: '/v1/models',
				endpoint: 'models',
				auth: true,
				handle: () => this.models(),
			},
		]);
	}

	/** The base URL to give n8n's OpenAI credential (its `url` field). */
	get apiUrl(): string {
		return `${this.baseUrl}/v1`;
	}

	protected newCounters(): OpenAiChatCounters {
		return { ...baseCounters(), completions: 0, toolCalls: 0 };
	}

	protected onReset(): void {
		this.chats.length = 0;
	}

	protected isAuthorized(req: IncomingMessage): boolean {
		return req.headers.authorization === `Bearer ${this.config.apiKey}`;
	}

	protected unauthorized(): Reply {
		return {
			status: 401,
			json: openAiError('Incorrect API key provided', 'invalid_request_error', 'invalid_api_key'),
		};
	}

	protected httpError(status: number, message: string): Reply {
		return {
			status,
			json: openAiError(message, status >= 500 ? 'server_error' : 'invalid_request_error', null),
		};
	}

	protected envelopeError(_code: number | undefined, message: string): Reply {
		return this.httpError(400, message);
	}

	private models(): Reply {
		return {
			status: 200,
			json: {
				object: 'list',
				data: [{ id: this.config.model, object: 'model', created: 0, owned_by: 'fake' }],
			},
		};
	}

	private async complete(ctx: RequestContext): Promise<Reply> {
		const body = parseJson(await ctx.readBody());
		if (!isObject(body) || !Array.isArray(body.messages))
			return this.httpError(400, 'messages is required');
		const request = body as ChatRequest;
		this.chats.push(request);
		this.counters.completions++;
		if (request.stream) return this.httpError(400, 'this fake does not stream; send stream: false');
		const turn = this.config.script(request);
		const message =
			'call' in turn
				? {
						role: 'assistant',
						content: null,
						tool_calls: [toolCall(turn.call.name, turn.call.arguments)],
					}
				: { role: 'assistant', content: turn.answer };
		if ('call' in turn) this.counters.toolCalls++;
		return {
			status: 200,
			json: {
				id: `chatcmpl-${randomBytes(8).toString('hex')}`,
				object: 'chat.completion',
				created: Math.floor(Date.now() / 1000),
				model: request.model,
				choices: [
					{
						index: 0,
						message,
						logprobs: null,
						finish_reason: 'call' in turn ? 'tool_calls' : 'stop',
					},
				],
				usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
			},
		};
	}
}

export async function startOpenAiChatFake(
	options: Partial<OpenAiChatConfig> & { port?: number } = {},
): Promise<OpenAiChatFake> {
	const { port, ...config } = options;
	const fake = new OpenAiChatFake(config);
	await fake.listen(port ?? 0);
	return fake;
}

function openAiError(message: string, type: string, code: string | null) {
	return { error: { message, type, param: null, code } };
}

function toolCall(name: string, args: Record<string, unknown>): ChatToolCall {
	return {
		id: `call_${randomBytes(8).toString('hex')}`,
		type: 'function',
		function: { name, arguments: JSON.stringify(args) },
	};
}

/** The text of a message, whether sent as a string or as content parts. */
export function messageText(message: ChatMessage): string {
	if (typeof message.content === 'string') return message.content;
	return (message.content ?? []).map((part) => part.text ?? '').join('');
}

/** The tool results the model has received so far, in order. */
export function toolResults(request: ChatRequest): string[] {
	return request.messages.filter((message) => message.role === 'tool').map(messageText);
}

const URL_PATTERN = /https?:\/\/[^\s"'<>)\]]+/g;
const TASK_ID_PATTERN =
	/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b\d{12,19}\b/i;

/**
 * The default script. To the first message it answers with a call of the first tool offered, its
 * arguments filled from the user's words by their names: a URL parameter (`imageUrl`) gets
 * the first URL of the message, a task ID parameter (`taskId`) the first UUID or long number, other text
 * what the user asked to cut out (`cut out the sofa in …` → `sofa`). After a tool result that is
 * an error it calls the tool again with the next URL of the message not yet tried, if any; after
 * any other result it answers with the mask URL or task status it got.
 */
export function readConversation(request: ChatRequest): ChatTurn {
	const tool = request.tools?.[0];
	if (!tool) return { answer: 'I have no tool for this.' };
	const userText = request.messages
		.filter((message) => message.role === 'user')
		.map(messageText)
		.join('\n');
	// A URL ends before the punctuation that follows it in a sentence.
	const urls = (userText.match(URL_PATTERN) ?? []).map((url) => url.replace(/[.,;:!?]+$/, ''));
	const tried = triedUrls(request);
	const last = request.messages.at(-1);
	if (last?.role !== 'tool')
		return {
			call: { name: tool.function.name, arguments: fillArguments(tool, userText, urls[0]) },
		};

	const result = firstItem(parseJson(Buffer.from(messageText(last))));
	if (typeof result.error === 'string') {
		const next = urls.find((url) => !tried.includes(url));
		if (next)
			return { call: { name: tool.function.name, arguments: fillArguments(tool, userText, next) } };
		return { answer: `The tool failed: ${result.error}` };
	}
	if (typeof result.maskUrl === 'string')
		return {
			answer: `Done: the mask of the ${objectToCut(userText)} is at ${result.maskUrl} (white = ${objectToCut(userText)}).`,
		};
	if (typeof result.status === 'string')
		return { answer: `Task ${String(result.taskId)} is ${result.status}.` };
	return { answer: `The tool returned: ${messageText(last)}` };
}

function fillArguments(
	tool: ChatTool,
	userText: string,
	url: string | undefined,
): Record<string, unknown> {
	const properties = tool.function.parameters?.properties ?? {};
	return Object.fromEntries(
		Object.entries(properties).map(([key, schema]) => {
			if (schema.type === 'number' || schema.type === 'integer') return [key, 0];
			if (schema.type === 'boolean') return [key, false];
			if (/url/i.test(key)) return [key, url ?? ''];
			if (/task.?id/i.test(key)) return [key, TASK_ID_PATTERN.exec(userText)?.[0] ?? ''];
			return [key, objectToCut(userText)];
		}),
	);
}

function objectToCut(userText: string): string {
	const quoted = /["“]([^"”]+)["”]/.exec(userText);
	if (quoted) return quoted[1];
	return (
		/cut out (?:the |a |an )?(.+?)(?: in | from | on |:|\.|$)/im.exec(userText)?.[1] ?? 'product'
	);
}

function triedUrls(request: ChatRequest): string[] {
	return request.messages
		.flatMap((message) => message.tool_calls ?? [])
		.flatMap((call) => Object.values(firstItem(parseJson(Buffer.from(call.function.arguments)))))
		.filter((value): value is string => typeof value === 'string' && /^https?:\/\//.test(value));
}

/** A tool result is the tool's output items' JSON: an array, or one object. */
function firstItem(value: unknown): Record<string, unknown> {
	const first = Array.isArray(value) ? (value[0] as unknown) : value;
	return isObject(first) ? first : {};
}
