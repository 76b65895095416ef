import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addTrustedCertificate, containsCertificate, openKeystore } from '../../src/keystore';
import {
  describeWithKeytool,
  listCount,
  listVerbose,
  makeKeystores,
  PW,
  tmpDir,
  WSO2_SECURITY,
  type MadeKeystores,
} from '../helpers/keytool';
import { codeOf } from '../helpers/errors';

const TRUST = `${WSO2_SECURITY}/client-truststore.jks`;
const CARBON = `${WSO2_SECURITY}/wso2carbon.jks`;

const fromCarbon = (alias: string) => openKeystore(readFileSync(CARBON), { password: 'wso2carbon' }).entries.find((e) => e.alias === alias)!.chain[0];
/** The wso2carbon key's certificate (client-truststore.jks already trusts it). */
const carbonCert = () => fromCarbon('wso2carbon');
/** A certificate wso2carbon.jks trusts and client-truststore.jks does not. */
const myCert = () => fromCarbon('mycert');

describe('addTrustedCertificate on client-truststore.jks (in memory)', () => {
  const before = readFileSync(TRUST);
  const cert = myCert();

  it('appends one trusted entry with a lower-cased alias and keeps every old entry byte-for-byte', () => {
    const after = addTrustedCertificate(before, { type: 'JKS', password: 'wso2carbon', alias: 'NewPartner', certDer: cert.der, date: new Date(0) });
    const ks = openKeystore(after, { password: 'wso2carbon' });
    expect(ks.entries).toHaveLength(97);
    expect(ks.entries[96]).toMatchObject({ alias: 'newpartner', kind: 'trustedCert', date: new Date(0) });
    expect(ks.entries[96].chain[0].sha256).toBe(cert.sha256);
    // Header differs only in the count; the old entries follow unchanged.
    expect(after.readUInt32BE(8)).toBe(97);
    expect(after.subarray(12, before.length - 20).equals(before.subarray(12, before.length - 20))).toBe(true);
    expect(containsCertificate(ks, cert.sha256)).toBe(true);
    expect(containsCertificate(openKeystore(before, { password: 'wso2carbon' }), cert.sha256)).toBe(false);
  });

  it('matches fingerprints in any hex form, in trusted entries and as a key entry\'s own certificate (as Java trusts)', () => {
    const ks = openKeystore(readFileSync(CARBON), { password: 'wso2carbon' });
    // sun.security.validator.TrustStoreUtil.getTrustedCerts takes a key entry's first certificate too.
    expect(containsCertificate(ks, carbonCert().sha256.replace(/:/g, '').toLowerCase())).toBe(true);
    const keyless = { ...ks, entries: ks.entries.filter((e) => e.kind !== 'privateKey') };
    // wso2carbon.jks holds that certificate only in its key entry (keytool lists its fingerprint once): without the key, it is not there.
    expect(containsCertificate(keyless, carbonCert().sha256)).toBe(false);
    const trusted = ks.entries.find((e) => e.kind === 'trustedCert')!.chain[0].sha256;
    expect(containsCertificate(ks, trusted.replace(/:/g, '').toLowerCase())).toBe(true);
  });

  it('refuses an existing alias (case-insensitive), a wrong password, a wrong type and a non-certificate', () => {
    const add = (o: Partial<Parameters<typeof addTrustedCertificate>[1]>) =>
      codeOf(() => addTrustedCertificate(before, { type: 'JKS', password: 'wso2carbon', alias: 'x', certDer: cert.der, ...o }));
    expect(add({ alias: 'DigiCertAssuredIDRootCA' })).toBe('ALIAS_EXISTS');
    expect(add({ password: 'nope' })).toBe('KEYSTORE_PASSWORD');
    expect(add({ type: 'PKCS12' })).toBe('KEYSTORE_TYPE_MISMATCH');
    expect(add({ certDer: Buffer.from('not a cert') })).toBe('CERT_INVALID');
    expect(add({})).toBeUndefined();
  });
});

describeWithKeytool('Java accepts what addTrustedCertificate writes', () => {
  let made: MadeKeystores;
  let dir: string;
  beforeAll(() => {
    made = makeKeystores('trust');
    dir = tmpDir('trust-out');
  });

  it('JKS: a copy of client-truststore.jks with one more certificate lists in keytool', () => {
    const copy = join(dir, 'client-truststore.jks');
    writeFileSync(copy, addTrustedCertificate(readFileSync(TRUST), { type: 'JKS', password: 'wso2carbon', alias: 'Partner-CA', certDer: made.partnerCert }));
    const { count, text } = listCount(copy, 'wso2carbon');
    expect(count).toBe(96 + 1);
    expect(text).toMatch(/^partner-ca, .*trustedCertEntry/m);
    const java = listVerbose(copy, 'wso2carbon').find((e) => e.alias === 'partner-ca')!;
    expect(java.sha256[0]).toBe(openKeystore(readFileSync(copy), { password: 'wso2carbon' }).entries[96].chain[0].sha256);
  });

  it('JKS with a non-ASCII store password', () => {
    const out = join(dir, 'mixed.jks');
    writeFileSync(out, addTrustedCertificate(readFileSync(made.jks), { type: 'JKS', password: PW.jksStore, alias: 'wso2', certDer: carbonCert().der }));
    expect(listCount(out, PW.jksStore).count).toBe(5 + 1);
  });

  it.each([
    ['PKCS12 (PBES2, HMAC-SHA256)', 'p12', PW.p12],
    ['legacy PKCS12 (SHA-1 MAC)', 'legacy', PW.legacy],
  ] as const)('%s: keytool lists the new entry as trustedCertEntry', (_name, which, password) => {
    const src = made[which];
    const before = listVerbose(src, password);
    const out = join(dir, `${which}-added.p12`);
    writeFileSync(out, addTrustedCertificate(readFileSync(src), { type: 'PKCS12', password, alias: 'WSO2-Carbon', certDer: carbonCert().der }));
    const after = listVerbose(out, password);
    expect(after).toHaveLength(before.length + 1);
    expect(after.find((e) => e.alias === 'wso2-carbon')).toMatchObject({ kind: 'trustedCert', sha256: [carbonCert().sha256] });
    // The old entries are unchanged in Java's eyes.
    expect(after.filter((e) => e.alias !== 'wso2-carbon')).toEqual(before);
    // And we read back what we wrote.
    const ks = openKeystore(readFileSync(out), { password });
    expect(containsCertificate(ks, carbonCert().sha256)).toBe(true);
  });
});
