/** What differs between the packages that hold SellerPic's nodes: here, SellerPic's own package. */
export const SELLERPIC_CREDENTIAL_TYPE = 'sellerPicSegmentApi';
