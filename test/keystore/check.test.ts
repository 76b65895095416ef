import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { certificateWarnings, checkCertificate, checkKeyEntry, keysNotOpeningWith, openKeystore } from '../../src/keystore';
import type { CertInfo, CheckKeyEntryOptions } from '../../src/keystore';
import { parseJks, serializeJks } from '../../src/keystore/jks';
import { copyTo, describeWithKeytool, genKeyPair, keytool, listVerbose, makeKeystores, PW, tmpDir, withManyKeys, WSO2_SECURITY, type MadeKeystores } from '../helpers/keytool';
import { errorOf } from '../helpers/errors';

function check(file: string, password: string, opts: Omit<CheckKeyEntryOptions, 'storePassword'>): CertInfo {
  const bytes = readFileSync(file);
  return checkKeyEntry(openKeystore(bytes, { password }), bytes, { storePassword: password, ...opts });
}

describe('checkKeyEntry on wso2carbon.jks', () => {
  const file = `${WSO2_SECURITY}/wso2carbon.jks`;

  it('recovers the wso2carbon key (Sun KeyProtector) and matches it to its certificate', () => {
    const cert = check(file, 'wso2carbon', { alias: 'wso2carbon' });
    expect(cert.sha256).toBe('50:F0:ED:A5:89:8A:F3:A1:15:C2:C5:08:19:49:56:E7:E1:14:FE:23:47:43:E9:D2:2F:70:9A:E7:CB:80:1B:BD');
  });

  it('ALIAS_MISSING lists the aliases that exist', () => {
    const e = errorOf(() => check(file, 'wso2carbon', { alias: 'nope' }));
    expect(e.code).toBe('ALIAS_MISSING');
    expect(e.message).toContain('wso2carbon');
    expect(e.message).toContain('nope');
  });

  it('ALIAS_NOT_KEY for a trusted certificate', () => {
    const e = errorOf(() => check(file, 'wso2carbon', { alias: 'entrustclientca' }));
    expect(e.code).toBe('ALIAS_NOT_KEY');
    expect(e.message).toContain('trusted certificate');
  });

  it('KEY_CERT_MISMATCH when the chain holds another key’s certificate', () => {
    // Swap the key entry's certificate for a trusted one and re-sign the file: structurally valid, wrong pair.
    const raw = parseJks(readFileSync(file), 'wso2carbon', 'fixture');
    const key = raw.entries.find((e) => e.alias === 'wso2carbon')!;
    key.certs = [raw.entries.find((e) => e.alias === 'entrustclientca')!.certs[0]];
    const bytes = serializeJks(raw, 'wso2carbon');
    const ks = openKeystore(bytes, { password: 'wso2carbon' });
    const e = errorOf(() => checkKeyEntry(ks, bytes, { alias: 'wso2carbon', storePassword: 'wso2carbon' }));
    expect(e.code).toBe('KEY_CERT_MISMATCH');
  });
});

describe('ALIAS_MISSING on a keystore with more than 20 keys', () => {
  const missing = (bytes: Buffer) =>
    errorOf(() => checkKeyEntry(openKeystore(bytes, { password: 'wso2carbon' }), bytes, { alias: 'nope', storePassword: 'wso2carbon', label: 'many.jks' }));
  const names = (n: number) => Array.from({ length: n }, (_, i) => `key${String(i + 1).padStart(2, '0')}`).join(', ');

  it('names the first 20 keys and counts them all; the 21st still opens', () => {
    const bytes = withManyKeys(21);
    const e = missing(bytes);
    expect(e.code).toBe('ALIAS_MISSING');
    expect(e.message).toBe(`many.jks has no entry "nope"; it has its private keys: ${names(20)}, … (21 keys) (and 35 trusted certificates)`);
    expect(e.message).not.toContain('key21');
    // Only the message is cut short: the unnamed key is a key entry like the others.
    const ks = openKeystore(bytes, { password: 'wso2carbon' });
    expect(checkKeyEntry(ks, bytes, { alias: 'key21', storePassword: 'wso2carbon' }).sha256).toBe(
      checkKeyEntry(ks, bytes, { alias: 'KEY01', storePassword: 'wso2carbon' }).sha256,
    );
  });

  it('names all of exactly 20 keys, without an ellipsis', () => {
    expect(missing(withManyKeys(20)).message).toBe(`many.jks has no entry "nope"; it has its private keys: ${names(20)} (and 35 trusted certificates)`);
  });

  describeWithKeytool('the 21-key keystore, as Java sees it', () => {
    it('is a JKS keytool opens, with 21 private keys and 35 trusted certificates', () => {
      const file = join(tmpDir('many-keys'), 'many.jks');
      writeFileSync(file, withManyKeys(21));
      const java = listVerbose(file, 'wso2carbon');
      expect(java.filter((x) => x.kind === 'privateKey').map((x) => x.alias).sort().join(', ')).toBe(names(21));
      expect(java.filter((x) => x.kind === 'trustedCert')).toHaveLength(35);
    });
  });
});

describeWithKeytool('checkKeyEntry on keystores made by keytool', () => {
  let made: MadeKeystores;
  beforeAll(() => {
    made = makeKeystores('check');
  });

  it('JKS: opens a key whose password differs from the store password, when given', () => {
    expect(check(made.jks, PW.jksStore, { alias: 'server', keyPassword: PW.jksKey }).subject).toBe('CN=localhost, OU=Dev, O="Acme, Inc.", C=US');
  });

  it('JKS: KEY_PASSWORD when the differing key password is not given, saying so', () => {
    const e = errorOf(() => check(made.jks, PW.jksStore, { alias: 'server' }));
    expect(e.code).toBe('KEY_PASSWORD');
    expect(e.message).toMatch(/differs from the keystore password/);
  });

  it('JKS: KEY_PASSWORD when the key password is wrong (non-ASCII matters), without echoing it', () => {
    const e = errorOf(() => check(made.jks, PW.jksStore, { alias: 'server', keyPassword: 'key&<u>"\'' }));
    expect(e.code).toBe('KEY_PASSWORD');
    expect(e.message).toMatch(/wrong/);
    expect(e.describe()).not.toContain('key&<u>');
  });

  it('JKS: keys under the store password, RSA and EC, alias case-insensitive', () => {
    expect(check(made.jks, PW.jksStore, { alias: 'signer' }).keyAlgorithm).toBe('RSA');
    expect(check(made.jks, PW.jksStore, { alias: 'ecKey' }).keySize).toBe('secp256r1');
  });

  it('JKS: ALIAS_NOT_KEY for the trusted entry', () => {
    expect(errorOf(() => check(made.jks, PW.jksStore, { alias: 'partner' })).code).toBe('ALIAS_NOT_KEY');
  });

  it('PKCS12 (PBES2) RSA and EC keys, and KEY_PASSWORD for a key password that differs', () => {
    expect(check(made.p12, PW.p12, { alias: 'server' }).keyAlgorithm).toBe('RSA');
    expect(check(made.p12, PW.p12, { alias: 'edge' }).keyAlgorithm).toBe('EC');
    expect(errorOf(() => check(made.p12, PW.p12, { alias: 'server', keyPassword: 'other-pass' })).code).toBe('KEY_PASSWORD');
  });

  it('a PKCS12 secret key entry is counted as one, not as a trusted certificate, and is ALIAS_NOT_KEY', () => {
    const file = copyTo(made.p12, tmpDir('check-secret'), 'with-secret.p12');
    keytool(['-genseckey', '-alias', 'aeskey', '-keyalg', 'AES', '-keysize', '128', '-keystore', file, '-storetype', 'PKCS12', '-storepass', PW.p12]);
    const e = errorOf(() => check(file, PW.p12, { alias: 'nope', label: 'with-secret.p12' }));
    expect(e.code).toBe('ALIAS_MISSING');
    expect(e.message).toBe('with-secret.p12 has no entry "nope"; it has its private keys: server, edge (and 1 trusted certificate, 1 secret key)');
    const n = errorOf(() => check(file, PW.p12, { alias: 'aeskey' }));
    expect(n.code).toBe('ALIAS_NOT_KEY');
    expect(n.message).toMatch(/is a secret key, not a private key/);
  });

  it('legacy PKCS12 (3DES) key', () => {
    expect(check(made.legacy, PW.legacy, { alias: 'server' }).subject).toBe('CN=server, O=Test');
  });

  it('the expired certificate is CERT_EXPIRED unless allowed', () => {
    const cert = check(made.jks, PW.jksStore, { alias: 'old' });
    expect(errorOf(() => checkCertificate(cert, { now: new Date() })).code).toBe('CERT_EXPIRED');
    expect(checkCertificate(cert, { now: new Date(), allowExpired: true })).toEqual([expect.stringMatching(/expired on/)]);
  });
});

describe('certificateWarnings', () => {
  const base: CertInfo = {
    subject: 'CN=x',
    issuer: 'CN=x',
    sha256: 'AA',
    serial: '1',
    notBefore: new Date('2024-01-01T00:00:00Z'),
    notAfter: new Date('2026-01-01T00:00:00Z'),
    keyAlgorithm: 'RSA',
    keySize: 2048,
    sans: [],
    keyUsage: null,
    der: Buffer.alloc(0),
  };
  const now = new Date('2025-06-01T00:00:00Z');

  it('has nothing to say about a valid RSA certificate without key usage', () => {
    expect(certificateWarnings(base, now)).toEqual([]);
    expect(certificateWarnings({ ...base, keyUsage: ['digitalSignature', 'keyEncipherment'] }, now)).toEqual([]);
    expect(certificateWarnings({ ...base, keyUsage: ['dataEncipherment'] }, now)).toEqual([]);
  });

  it('warns 30 days ahead of expiry, not 31', () => {
    expect(certificateWarnings(base, new Date('2025-12-02T00:00:00Z'))).toEqual([]);
    expect(certificateWarnings(base, new Date('2025-12-03T00:00:00Z'))).toEqual(['certificate expires in 29 days (2026-01-01)']);
  });

  it('expired: a warning here, an error from checkCertificate', () => {
    const later = new Date('2026-01-02T00:00:00Z');
    expect(certificateWarnings(base, later)).toEqual(['certificate expired on 2026-01-01']);
    expect(errorOf(() => checkCertificate(base, { now: later })).code).toBe('CERT_EXPIRED');
    expect(checkCertificate(base, { now })).toEqual([]);
  });

  it('warns when key usage forbids encryption (Secure Vault), only when key usage is present', () => {
    const w = certificateWarnings({ ...base, keyUsage: ['digitalSignature'] }, now);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/Secure Vault/);
  });

  it('warns about non-RSA keys and not-yet-valid certificates', () => {
    expect(certificateWarnings({ ...base, keyAlgorithm: 'EC', keySize: 'secp256r1' }, now)).toEqual([expect.stringMatching(/EC key.*RSA/)]);
    expect(certificateWarnings(base, new Date('2023-06-01T00:00:00Z'))).toEqual(['certificate is not valid before 2024-01-01']);
  });
});

describeWithKeytool('keysNotOpeningWith: the keys that one key password (SunX509) would not recover', () => {
  it('JKS: names just the keys with another password; a wrong password names every key', () => {
    const file = join(tmpDir('not-opening'), 'mixed.jks');
    genKeyPair({ file, storeType: 'JKS', storePass: 'storepw1', keyPass: 'keypw-a', alias: 'k1' });
    genKeyPair({ file, storeType: 'JKS', storePass: 'storepw1', keyPass: 'keypw-b', alias: 'k2' });
    genKeyPair({ file, storeType: 'JKS', storePass: 'storepw1', keyPass: 'keypw-a', alias: 'k3' });
    const bytes = readFileSync(file);
    const ks = openKeystore(bytes, { password: 'storepw1' });
    expect(keysNotOpeningWith(ks, bytes, ['k1', 'k2', 'k3'], 'storepw1', 'keypw-a')).toEqual(['k2']);
    expect(keysNotOpeningWith(ks, bytes, ['k1', 'k3'], 'storepw1', 'keypw-b')).toEqual(['k1', 'k3']);
    expect(keysNotOpeningWith(ks, bytes, ['k2'], 'storepw1', 'keypw-b')).toEqual([]);
  });

  it('PKCS12 made by keytool: every key opens with the store password, none with another', () => {
    const file = join(tmpDir('not-opening'), 'two.p12');
    genKeyPair({ file, storeType: 'PKCS12', storePass: 'storepw1', alias: 'k1' });
    genKeyPair({ file, storeType: 'PKCS12', storePass: 'storepw1', alias: 'k2' });
    const bytes = readFileSync(file);
    const ks = openKeystore(bytes, { password: 'storepw1' });
    expect(keysNotOpeningWith(ks, bytes, ['k1', 'k2'], 'storepw1', 'storepw1')).toEqual([]);
    expect(keysNotOpeningWith(ks, bytes, ['k1', 'k2'], 'storepw1', 'other-pw')).toEqual(['k1', 'k2']);
  });
});
