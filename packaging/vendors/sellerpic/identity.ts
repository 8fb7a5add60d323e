/** What differs between the packages that hold SellerPic's nodes: here, SellerPic's own package. */
export const SELLERPIC_CREDENTIAL_TYPE = 'sellerPicSegmentApi';

/** The nodes that check a task and get its download URL, as this package names them (for advice in errors). */
export const SELLERPIC_NODE_NAMES = {
	checkTask: 'SellerPic Check Task',
	downloadUrl: 'SellerPic Download URL',
};
