import type { TaskVendor } from '../../shared/task/vendor';
import { SellerPicClient } from './client';
import { sellerPicDownloadUrl } from './download-url-support';
import { sellerPicProfile } from './profile';

/** SellerPic as the cross-vendor nodes reach it. */
export const sellerPic: TaskVendor = {
	...sellerPicProfile,
	taskReader: async (context) => {
		const client = await SellerPicClient.create(context);
		return async (taskId) => await client.getTask(taskId);
	},
	downloadUrl: sellerPicDownloadUrl,
};
