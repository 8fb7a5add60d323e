import {
	combineResultStatuses,
	noResultError,
	resultUrls,
	succeededResultIds,
	taskFailedError,
	type SegmentationTask,
} from '../../nodes/shared/task/model';
import { vendorOfId } from '../../nodes/shared/task/vendor';
import { VENDORS } from '../../nodes/vendors/registry';

describe('combineResultStatuses: a task is done only when every result is', () => {
	it.each([
		[[], 'queued'],
		[['queued', 'queued'], 'queued'],
		[['queued', 'running'], 'running'],
		[['succeeded', 'queued'], 'running'],
		[['succeeded', 'running'], 'running'],
		[['succeeded', 'succeeded'], 'succeeded'],
		[['succeeded', 'failed'], 'succeeded'],
		[['failed', 'failed'], 'failed'],
	] as const)('%j → %s', (statuses, combined) =>
		expect(combineResultStatuses([...statuses])).toBe(combined),
	);
});

describe('vendorOfId', () => {
	it.each([
		['1946000000000000123', 'sellerpic'],
		['9223372036854775807', 'sellerpic'],
		['9223372036854775808', undefined],
		['3f2c9a4e-8b1d-4c6e-9f0a-1b2c3d4e5f60', 'piapi'],
		['3F2C9A4E-8B1D-4C6E-9F0A-1B2C3D4E5F60', 'piapi'],
		['12345678901234567890', undefined],
		['', undefined],
		['task-1', undefined],
		['3f2c9a4e8b1d4c6e9f0a1b2c3d4e5f60', undefined],
	])('%s → %s', (id, vendor) => expect(vendorOfId(id, VENDORS)?.id).toBe(vendor));
});

describe('task results', () => {
	const task: SegmentationTask = {
		vendor: 'sellerpic',
		vendorName: 'SellerPic',
		taskId: '17',
		status: 'succeeded',
		done: true,
		results: [
			{ id: 'r1', url: 'https://files/1.png', status: 'succeeded' },
			{ id: 'r2', status: 'failed' },
			{ url: 'https://files/3.png', status: 'succeeded' },
		],
		error: null,
		raw: {},
	};

	it('lists the URLs and the ids of succeeded results', () => {
		expect(resultUrls(task)).toEqual(['https://files/1.png', 'https://files/3.png']);
		expect(succeededResultIds(task)).toEqual(['r1']);
	});

	it('says why a failed task failed, with its vendor code and task id', () => {
		const failed = {
			...task,
			status: 'failed' as const,
			error: { code: '7', message: 'no object matched' },
		};
		const error = taskFailedError(failed, 'Try a clearer prompt.');
		expect(error.message).toBe(
			'SellerPic could not segment the image (task 17): no object matched',
		);
		expect(error.details).toMatchObject({
			vendor: 'SellerPic',
			vendorCode: '7',
			taskId: '17',
			hint: 'Try a clearer prompt.',
		});
		expect(noResultError(failed).message).toBe(
			'SellerPic task 17 failed, so it has no result to download: no object matched',
		);
	});
});
