/*
 * The reply shapes the vendors' public clients show beyond their docs, all at once (see
 * docs/vendor-gaps.md): what one n8n version of the end-to-end matrix runs the examples against,
 * so the package is proven in real n8n on replies the docs never mention. Several masks per task
 * are left out here: the examples name their binaries, and the engine tests prove those.
 */
import type { PiApiConfig } from './piapi.fake';
import type { SellerPicConfig } from './sellerpic.fake';

export type VendorShapes = 'documented' | 'mixed';

export const MIXED_SHAPES: { sellerPic: Partial<SellerPicConfig>; piApi: Partial<PiApiConfig> } = {
	sellerPic: {
		capacityRefusalStatus: 400,
		idsAsNumbers: true,
		uploadReplyWithRequestId: true,
		uploadNameMustMatchBytes: true,
	},
	piApi: {
		statusWords: { pending: '', processing: 'in_progress', completed: 'success' },
		capitalisedStatus: true,
		successCode: 0,
		outputShape: 'image_url+temporary',
		taskErrorShape: 'string',
		uploadUrlAt: 'top',
		webhookProgressCalls: true,
	},
};

/** The fakes' settings for a set of shapes: none beyond their defaults for the documented ones. */
export function shapesConfig(shapes: VendorShapes) {
	return shapes === 'mixed' ? MIXED_SHAPES : { sellerPic: {}, piApi: {} };
}
