import type { TaskVendor } from '../../shared/task/vendor';
import { PiApiClient } from './client';
import { piApiDownloadUrl } from './download-url-support';
import { piApiProfile } from './profile';

/** PiAPI as the cross-vendor nodes reach it. */
export const piApi: TaskVendor = {
	...piApiProfile,
	taskReader: async (context) => {
		const client = await PiApiClient.create(context);
		return async (taskId) => await client.getTask(taskId);
	},
	downloadUrl: piApiDownloadUrl,
};
