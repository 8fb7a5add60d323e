/**
 * What differs between the packages that hold SellerPic's nodes: here, the combined package
 * (n8n-nodes-segmentation). SellerPic's own package replaces this one file (packaging/).
 */
export const SELLERPIC_CREDENTIAL_TYPE = 'sellerPicApi';
