import type { ImageLimits } from '../../shared/image/limits';
import type { VendorProfile } from '../../shared/task/vendor';
import { SELLERPIC_CREDENTIAL_TYPE, SELLERPIC_NODE_NAMES } from './identity';

/** SellerPic's API, also the credential's default Base URL. */
export const SELLERPIC_BASE_URL = 'https://api.sellerpic.ai';

const SELLERPIC_ID = /^\d{1,19}$/;
const INT64_MAX = BigInt('9223372036854775807');

const MB = 1024 * 1024;

/** Documented input limits per task type. */
export const SELLERPIC_LIMITS: Record<'prompt' | 'type', ImageLimits> = {
	prompt: { vendor: 'SellerPic', maxBytes: 10 * MB, maxSide: 4096 },
	type: { vendor: 'SellerPic', maxBytes: 10 * MB, maxSide: 2000 },
};

export const sellerPicProfile: VendorProfile = {
	id: 'sellerpic',
	name: 'SellerPic',
	credentialType: SELLERPIC_CREDENTIAL_TYPE,
	nodeNames: SELLERPIC_NODE_NAMES,
	// Task and result IDs are int64 numbers (documented), sent as text.
	isTaskId: (id) => SELLERPIC_ID.test(id) && BigInt(id) <= INT64_MAX,
	idExample: 'SellerPic IDs are whole numbers such as 1946000000000000123',
	polling: {
		// SellerPic asks for consecutive checks of a task to be at least a minute apart.
		minGapMs: 60_000,
		// Undocumented; a first check this long after creation finds most segmentations done.
		expectedDurationMs: 10_000,
		pollIntervalSeconds: 60,
		pollIntervalNote:
			'SellerPic asks for at least 60 seconds between checks of a task: the node keeps that gap, and slows down to Poll Interval while a task takes longer. Set it below 60 only if your SellerPic account allows faster checks: checks then come that often.',
		maxWaitSeconds: 900,
		// SellerPic's documented limit of segmentation tasks per account at once.
		maxConcurrentTasks: 5,
		maxConcurrentTasksDescription:
			'How many tasks this node keeps running at the vendor at once. SellerPic allows 5 segmentation tasks per account at once.',
	},
	linkLifetime: '12 hours',
	hints: {
		taskNotFound:
			'Check the task ID: SellerPic does not know it. Use the taskId SellerPic Segment returned (not a result ID).',
		taskFailed: 'Try a clearer prompt, or check the image. Failed tasks are refunded by SellerPic.',
	},
};
