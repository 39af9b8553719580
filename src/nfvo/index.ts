export { HttpGranter, NfvoError, NfvoHttp, type NfvoAuth, type NfvoClientOptions } from './grant-client';
export { NfvoPackages } from './package-client';
export { NfvoPkgmSubscriptions } from './pkgm-subscriptions';
