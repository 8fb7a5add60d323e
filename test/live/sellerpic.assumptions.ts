/* What the nodes assume of SellerPic, each with where the code relies on it: the live check's list. */
import { sellerPicProfile } from '../../nodes/vendors/sellerpic/profile';
import type { Assumption } from './record';

const CLIENT = 'nodes/vendors/sellerpic/client.ts';
const CREDENTIAL = 'credentials/SellerPicApi.credentials.ts';
const PROFILE = 'nodes/vendors/sellerpic/profile.ts';
export const CAP = sellerPicProfile.polling.maxConcurrentTasks;
export const LINK_HOURS = 12;

/** What the nodes assume of SellerPic, and where they rely on it. */
export const SELLERPIC_ASSUMPTIONS = {
	credentialTest: {
		id: 'credential-test',
		claim:
			'GET /v1/api/usage with the key answers HTTP 200, code 0, data {remaining, total, usage}',
		reliedOn: [`${CREDENTIAL} test (request and rules)`],
	},
	wrongKey: {
		id: 'wrong-key',
		claim:
			'a wrong key is refused (usage and status check) with HTTP 401 or 403, or HTTP 200 with success: false',
		reliedOn: [`${CREDENTIAL} test rules`, `${CLIENT} unwrapEnvelope (401/403: check the API key)`],
	},
	unknownTask: {
		id: 'unknown-task',
		claim:
			'a status check of an unknown task ID is refused: HTTP 404 or an error envelope (code not 0), never a task',
		reliedOn: [`${CLIENT} getTask (task-not-found hint)`],
	},
	upload: {
		id: 'upload',
		claim:
			'POST /v1/api/upload (multipart, field "file") answers HTTP 200/201, code 0, data.fileKey a non-empty string',
		reliedOn: [`${CLIENT} SellerPicClient.upload`],
	},
	create: {
		id: 'create',
		claim:
			'POST /v1/api/generate/promptSegmentation answers code 0 with data.id, a string or an integer (kept digit for digit), of 1 to 19 digits',
		reliedOn: [`${CLIENT} createTask`, `${PROFILE} isTaskId`],
	},
	statuses: {
		id: 'statuses',
		claim:
			'every status check answers code 0 with data.resultList (the first after create included); statuses CREATED, RUNNING, SUCCESS, FAILED in that order',
		reliedOn: [`${CLIENT} getTask, STATUS_BY_VENDOR (an unknown word reads as running)`],
	},
	checkTooSoon: {
		id: 'check-too-soon',
		claim:
			'a status check sooner than a minute after the previous one is answered as usual, or refused with HTTP 429 (retried), never with an error that would fail the item',
		reliedOn: [
			`${PROFILE} polling (Poll Interval 60 s, lowerable)`,
			`${CLIENT} call (429 is retried)`,
		],
	},
	resultFields: {
		id: 'result-fields',
		claim:
			'a finished task has resultList[] entries with id (a string or integer of 1 to 19 digits) and status; FAILED ones carry errorCode/errorMsg; fileUrl may be empty, null or absent',
		reliedOn: [
			`${CLIENT} getTask (results, error)`,
			'nodes/shared/parameters/read.ts readVendorId (a Result ID must pass isTaskId)',
		],
	},
	downloadUrl: {
		id: 'download-url',
		claim:
			'GET /v1/api/download?downloadFormat=png&id=<result id>&uhd=false answers code 0 with data.fileUrl (and data.name)',
		reliedOn: [
			`${CLIENT} getDownloadUrl`,
			'nodes/vendors/sellerpic/download-url.ts sellerPicFileName',
		],
	},
	downloadUrlRepeat: {
		id: 'download-url-repeat',
		claim: 'asking for the download URL again gives the same URL',
		reliedOn: [`${CLIENT} downloadResult (a URL is reused until it answers 403)`],
	},
	downloadUrlLifetime: {
		id: 'download-url-lifetime',
		claim: `the download URL lasts ${LINK_HOURS} hours (as its Expires / X-Amz-Expires states)`,
		reliedOn: [`${PROFILE} linkLifetime`, `${CLIENT} download (expired-link hint)`],
	},
	fileWithoutKey: {
		id: 'file-without-key',
		claim:
			'the file at fileUrl is fetched without the API key (another host): HTTP 200 and its bytes',
		reliedOn: ['nodes/shared/transport/download.ts downloadFile (sends no credential)'],
	},
	mask: {
		id: 'mask',
		claim: "the file is a PNG of the input image's width and height",
		reliedOn: [
			'nodes/vendors/sellerpic/formats.ts (png)',
			'nodes/shared/task/download-url.ts mimeOf',
		],
	},
	overCapacity: {
		id: 'over-capacity',
		claim: `of ${CAP + 1} tasks created at once, ${CAP} are accepted and one is refused with code 30003 (in a reply of any HTTP status)`,
		reliedOn: [
			`${CLIENT} CAP_REACHED, unwrapEnvelope (atCapacity)`,
			`${PROFILE} maxConcurrentTasks ${CAP}`,
		],
	},
} satisfies Record<string, Assumption>;
