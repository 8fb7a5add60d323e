import type { ImageLimits } from '../../shared/image/limits';
import type { VendorProfile } from '../../shared/task/vendor';
import { PIAPI_CREDENTIAL_TYPE, PIAPI_NODE_NAMES } from './identity';

/** PiAPI's API and its file upload host, also the credential's defaults. */
export const PIAPI_BASE_URL = 'https://api.piapi.ai';
export const PIAPI_UPLOAD_BASE_URL = 'https://upload.theapi.app';

export const PIAPI_MODEL = 'Qubico/image-toolkit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** PiAPI's file upload takes at most 10 MB. */
export const PIAPI_UPLOAD_LIMITS: ImageLimits = { vendor: 'PiAPI', maxBytes: 10 * 1024 * 1024 };

/** How long PiAPI keeps tasks and their results (undocumented beyond "about 3 days"). */
export const PIAPI_RETENTION = 'PiAPI keeps tasks and results about 3 days';

export const piApiProfile: VendorProfile = {
	id: 'piapi',
	name: 'PiAPI',
	credentialType: PIAPI_CREDENTIAL_TYPE,
	nodeNames: PIAPI_NODE_NAMES,
	isTaskId: (id) => UUID.test(id),
	idExample: 'PiAPI task IDs are UUIDs such as 3f2c9a4e-8b1d-4c6e-9f0a-1b2c3d4e5f60',
	polling: {
		// PiAPI documents no minimum between checks; one second keeps a late task from being polled
		// hot.
		minGapMs: 1_000,
		// Undocumented; a first check this long after creation finds most segmentations done.
		expectedDurationMs: 5_000,
		pollIntervalSeconds: 5,
		pollIntervalNote:
			"PiAPI documents no minimum between checks: they start a second apart, come when this run's tasks are usually done, and slow down to Poll Interval while a task takes longer.",
		maxWaitSeconds: 600,
		// PiAPI publishes no concurrency numbers; third-party notes say 5 for its "creator" plan.
		maxConcurrentTasks: 5,
		maxConcurrentTasksDescription:
			'How many tasks this node keeps running at the vendor at once. PiAPI documents no limit; plans are said to allow 1 (free), 5 or 30.',
	},
	linkLifetime: 'about 3 days',
	hints: {
		taskNotFound: `Check the task ID: PiAPI does not know it (${PIAPI_RETENTION}).`,
		taskFailed: 'Check that the image URL is public and the prompt names something in the image.',
	},
};
