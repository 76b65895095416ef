export { detectKeystoreType } from './detect';
export { openKeystore } from './open';
export { checkKeyEntry, keysNotOpeningWith, privateKeyOf, certificateWarnings, checkCertificate, nameAliases, EXPIRY_WARNING_DAYS } from './check';
export type { CheckCertificateOptions } from './check';
export { containsCertificate, keyChain, trustAnchorAt, trustsChain, chainExpiry, addTrustedCertificate, freeAlias } from './truststore';
export type * from './types';
