export { HttpGranter, NfvoError, type NfvoAuth, type NfvoClientOptions } from './grant-client';
export { NfvoPackages } from './package-client';
