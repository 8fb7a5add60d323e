/* What the nodes assume of PiAPI, each with where the code relies on it: the live check's list. */
import { piApiProfile } from '../../nodes/vendors/piapi/profile';
import type { Assumption } from './record';

const CLIENT = 'nodes/vendors/piapi/client.ts';
const CREDENTIAL = 'credentials/PiApiApi.credentials.ts';
const PROFILE = 'nodes/vendors/piapi/profile.ts';
export const DEFAULT_CAP = piApiProfile.polling.maxConcurrentTasks;

/** What the nodes assume of PiAPI, and where they rely on it. */
export const PIAPI_ASSUMPTIONS = {
	credentialTest: {
		id: 'credential-test',
		claim: 'GET /account/info with x-api-key answers HTTP 200, code 200 (or 0), a data object',
		reliedOn: [`${CREDENTIAL} test (request; only HTTP 401 fails it)`],
	},
	accountConcurrency: {
		id: 'account-concurrency',
		claim:
			"data.max_concurrent_task_count of /account/info, when present, is a whole number >= 1 (the plan's tasks at once); absent, the nodes learn the limit",
		reliedOn: [
			"nodes/vendors/piapi/account.ts (the run's starting capacity)",
			`${PROFILE} maxConcurrentTasks ${DEFAULT_CAP}`,
		],
	},
	wrongKey: {
		id: 'wrong-key',
		claim: 'a wrong key is refused with HTTP 401 (account info and task status)',
		reliedOn: [
			`${CREDENTIAL} test rule (401)`,
			`${CLIENT} unwrapEnvelope (401: check the API key)`,
		],
	},
	unknownTask: {
		id: 'unknown-task',
		claim:
			'GET /api/v1/task/<unknown id> is refused: HTTP 404 or an error code (not 200 or 0), never a task',
		reliedOn: [`${CLIENT} getTask (task-not-found hint)`],
	},
	upload: {
		id: 'upload',
		claim:
			'POST <upload host>/api/ephemeral_resource {file_name, file_data: data URI} answers HTTP 200 with data.url (or a top-level url); HTTP 403 means the plan has no uploads',
		reliedOn: [`${CLIENT} uploadOnce`],
	},
	uploadUrl: {
		id: 'upload-url',
		claim: 'the uploaded URL serves the same bytes, without a key',
		reliedOn: ['nodes/PiApiSegment (a binary image is given to the task as that URL)'],
	},
	create: {
		id: 'create',
		claim: 'POST /api/v1/task answers HTTP 200, code 200 (or 0), data.task_id a UUID string',
		reliedOn: [`${CLIENT} createSegmentTask`, `${PROFILE} isTaskId (UUID)`],
	},
	statuses: {
		id: 'statuses',
		claim:
			'statuses (create reply included) are pending, staged, processing, completed, failed (or success, in_progress, "", any case), in that order, ending completed (or failed)',
		reliedOn: [`${CLIENT} STATUS_BY_VENDOR, toSegmentationTask`],
	},
	outputFields: {
		id: 'output-fields',
		claim:
			'a completed task has at least one URL in output.image_url (a string or null), output.image_urls or output.temporary_image_urls (each a list, one URL or null); any of them may be absent',
		reliedOn: [`${CLIENT} outputUrls`],
	},
	metaTimes: {
		id: 'meta-times',
		claim:
			'meta.created_at and meta.ended_at of a finished task are RFC 3339 times, ended >= created',
		reliedOn: [`${CLIENT} reportedDuration`],
	},
	errorShape: {
		id: 'error-shape',
		claim:
			'a completed task states no error (error absent, null, "", or code 0 with no message); a failed one gives its words in error.message or error.raw_message (or error as a string)',
		reliedOn: [`${CLIENT} toSegmentationTask (hasError, the error message)`],
	},
	fileWithoutKey: {
		id: 'file-without-key',
		claim: 'the output URL is fetched without the API key: HTTP 200 and its bytes',
		reliedOn: [`${CLIENT} downloadPiApiResult`, 'nodes/shared/transport/download.ts downloadFile'],
	},
	mask: {
		id: 'mask',
		claim: "every output file is a PNG of the input image's width and height",
		reliedOn: [
			'nodes/vendors/piapi/download-url.ts (masks named .png)',
			'nodes/shared/task/download-url.ts mimeOf',
		],
	},
	overCapacity: {
		id: 'over-capacity',
		claim:
			"over the plan's limit a create is refused with HTTP 429 (Retry-After) or an envelope code 429, and the limit is the one /account/info reports",
		reliedOn: [
			`${CLIENT} unwrapEnvelope (code 429)`,
			'nodes/shared/transport/replies.ts httpStatusError (429: atCapacity)',
		],
	},
} satisfies Record<string, Assumption>;
