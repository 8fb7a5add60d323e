/**
 * What differs between the packages that hold SellerPic's nodes: here, the combined package
 * (n8n-nodes-segmentation). SellerPic's own package replaces this one file (packaging/).
 */
export const SELLERPIC_CREDENTIAL_TYPE = 'sellerPicApi';

/**
 * The nodes that check a task and get its download URL, as this package names them (for advice in
 * errors).
 */
export const SELLERPIC_NODE_NAMES = {
	checkTask: 'Check Segmentation Task',
	downloadUrl: 'Get Segmentation Download URL',
};
