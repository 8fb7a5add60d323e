import type { TaskVendor } from '../shared/task/vendor';
import { piApi } from './piapi';
import { sellerPic } from './sellerpic';

/**
 * The vendors the cross-vendor nodes (Check Segmentation Task, Get Segmentation Download URL)
 * serve, in the order their Vendor parameter lists them; the first is the default. A new vendor
 * is a folder beside these two, registered here.
 */
export const VENDORS: readonly TaskVendor[] = [sellerPic, piApi];
