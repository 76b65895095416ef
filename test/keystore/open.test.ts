import { readFileSync } from 'node:fs';
import { detectKeystoreType, openKeystore } from '../../src/keystore';
import { parseJks, serializeJks } from '../../src/keystore/jks';
import type { Keystore } from '../../src/keystore';
import { describeWithKeytool, listVerbose, makeKeystores, PW, WSO2_SECURITY, type ListedEntry, type MadeKeystores } from '../helpers/keytool';
import { codeOf, errorOf } from '../helpers/errors';

const WSO2_JKS = `${WSO2_SECURITY}/wso2carbon.jks`;
const WSO2_TRUST = `${WSO2_SECURITY}/client-truststore.jks`;

/** Our view and Java's must agree on every alias, kind, fingerprint, owner and serial. */
function expectSameAsKeytool(ks: Keystore, java: ListedEntry[]): void {
  const ours = ks.entries
    .map((e) => ({
      alias: e.alias,
      kind: e.kind,
      sha256: e.chain.map((c) => c.sha256),
      owners: e.chain.map((c) => c.subject),
      serials: e.chain.map((c) => c.serial),
    }))
    .sort((a, b) => a.alias.localeCompare(b.alias));
  const theirs = [...java].sort((a, b) => a.alias.localeCompare(b.alias));
  expect(ours).toEqual(theirs);
}

describe('detectKeystoreType', () => {
  it('reads the type from the magic bytes and the PKCS12 outer shape', () => {
    expect(detectKeystoreType(Buffer.from('feedfeed00000002', 'hex'))).toBe('JKS');
    expect(detectKeystoreType(Buffer.from('cececece00000002', 'hex'))).toBe('JCEKS');
    expect(detectKeystoreType(Buffer.from('3082010a020103', 'hex'))).toBe('PKCS12');
    expect(detectKeystoreType(Buffer.from('3080020103', 'hex'))).toBe('PKCS12');
    expect(detectKeystoreType(Buffer.from('3082010a020102', 'hex'))).toBe('unknown'); // version 2
    expect(detectKeystoreType(Buffer.from('<?xml version="1.0"?>'))).toBe('unknown');
    expect(detectKeystoreType(Buffer.alloc(0))).toBe('unknown');
  });
});

describe('malformed input', () => {
  it('rejects empty, truncated and garbage files as KEYSTORE_INVALID', () => {
    expect(codeOf(() => openKeystore(Buffer.alloc(0), { password: 'x', label: 'empty.jks' }))).toBe('KEYSTORE_INVALID');
    expect(codeOf(() => openKeystore(Buffer.from('hello world'), { password: 'x' }))).toBe('KEYSTORE_INVALID');
    const jks = readFileSync(WSO2_JKS);
    for (const cut of [8, 12, 40, 5000, jks.length - 10]) {
      expect(codeOf(() => openKeystore(jks.subarray(0, cut), { password: 'wso2carbon' }))).toBe('KEYSTORE_INVALID');
    }
  });

  it('names the file in the message', () => {
    const e = errorOf(() => openKeystore(Buffer.alloc(0), { password: 'x', label: 'conf/empty.jks' }));
    expect(e.message).toContain('conf/empty.jks');
    expect(e.message).toMatch(/^not a keystore/);
  });
});

describe('WSO2 fixtures (carbon-kernel 4.4.26)', () => {
  const bytes = { jks: readFileSync(WSO2_JKS), trust: readFileSync(WSO2_TRUST) };

  it('serialises a parsed JKS back byte-identical', () => {
    for (const b of [bytes.jks, bytes.trust]) {
      const out = serializeJks(parseJks(b, 'wso2carbon', 'fixture'), 'wso2carbon');
      expect(out.equals(b)).toBe(true);
    }
  });

  it('refuses a wrong store password with KEYSTORE_PASSWORD and Java wording, without echoing it', () => {
    const e = errorOf(() => openKeystore(bytes.jks, { password: 'secret-wrong', label: 'wso2carbon.jks' }));
    expect(e.code).toBe('KEYSTORE_PASSWORD');
    expect(e.message).toContain('Keystore was tampered with, or password was incorrect');
    expect(e.describe()).not.toContain('secret-wrong');
  });

  it('reports a declared type that differs from the file, naming both', () => {
    const e = errorOf(() => openKeystore(bytes.jks, { password: 'wso2carbon', declaredType: 'PKCS12', label: 'wso2carbon.jks' }));
    expect(e.code).toBe('KEYSTORE_TYPE_MISMATCH');
    expect(e.message).toMatch(/PKCS12.*JKS/);
  });

  it('does not load node-forge to read JKS', () => {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require('../../src/keystore') as typeof import('../../src/keystore');
      mod.openKeystore(bytes.trust, { password: 'wso2carbon' });
      expect(Object.keys(require.cache).filter((k) => k.includes('node-forge'))).toEqual([]);
    });
  });

  it('reads wso2carbon.jks: one private key (wso2carbon) and 35 trusted certificates', () => {
    const ks = openKeystore(bytes.jks, { password: 'wso2carbon' });
    expect(ks.type).toBe('JKS');
    expect(ks.entries.filter((e) => e.kind === 'privateKey').map((e) => e.alias)).toEqual(['wso2carbon']);
    expect(ks.entries).toHaveLength(36);
    const key = ks.entries.find((e) => e.alias === 'wso2carbon')!;
    expect(key.chain[0]).toMatchObject({ subject: 'CN=localhost, O=WSO2, L=Mountain View, ST=CA, C=US', keyAlgorithm: 'RSA', keySize: 2048 });
  });

  describeWithKeytool('agrees with keytool -list -v', () => {
    it('wso2carbon.jks', () => {
      expectSameAsKeytool(openKeystore(bytes.jks, { password: 'wso2carbon' }), listVerbose(WSO2_JKS, 'wso2carbon'));
    });
    it('client-truststore.jks (96 certificates)', () => {
      const ks = openKeystore(bytes.trust, { password: 'wso2carbon' });
      expect(ks.entries).toHaveLength(96);
      expectSameAsKeytool(ks, listVerbose(WSO2_TRUST, 'wso2carbon'));
    });
  });
});

describeWithKeytool('keystores made by keytool', () => {
  let made: MadeKeystores;
  beforeAll(() => {
    made = makeKeystores('open');
  });
  const read = (file: string, password: string) => openKeystore(readFileSync(file), { password, label: file });

  it('JKS with several aliases, a different key password, special and non-ASCII passwords', () => {
    const ks = read(made.jks, PW.jksStore);
    expectSameAsKeytool(ks, listVerbose(made.jks, PW.jksStore));
    expect(ks.entries.map((e) => `${e.alias}:${e.kind}`).sort()).toEqual([
      'eckey:privateKey',
      'old:privateKey',
      'partner:trustedCert',
      'server:privateKey',
      'signer:privateKey',
    ]);
  });

  it('reads SANs, key usage, key algorithm and size', () => {
    const ks = read(made.jks, PW.jksStore);
    const get = (alias: string) => ks.entries.find((e) => e.alias === alias)!.chain[0];
    expect(get('server')).toMatchObject({
      sans: ['DNS:localhost', 'DNS:wso2.example', 'IP Address:127.0.0.1'],
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      keyAlgorithm: 'RSA',
      keySize: 2048,
      subject: 'CN=localhost, OU=Dev, O="Acme, Inc.", C=US',
    });
    expect(get('eckey')).toMatchObject({ keyAlgorithm: 'EC', keySize: 'secp256r1', keyUsage: null, sans: [] });
    expect(get('signer').keyUsage).toEqual(['digitalSignature']);
    const old = get('old');
    expect(old.notAfter.getTime() - old.notBefore.getTime()).toBe(30 * 24 * 3600 * 1000);
    expect(old.notAfter.getTime()).toBeLessThan(Date.now());
  });

  it('PKCS12 (Java 17 default: PBES2/AES-256, HMAC-SHA256) with an EC key and a trusted certificate', () => {
    const ks = read(made.p12, PW.p12);
    expect(ks.type).toBe('PKCS12');
    expectSameAsKeytool(ks, listVerbose(made.p12, PW.p12));
    expect(ks.entries.find((e) => e.alias === 'edge')!.chain[0].keyAlgorithm).toBe('EC');
    expect(ks.entries.find((e) => e.alias === 'server')!.date).toBeInstanceOf(Date);
  });

  it('legacy PKCS12 (3DES keys, RC2-40 certificates, SHA-1 MAC)', () => {
    expectSameAsKeytool(read(made.legacy, PW.legacy), listVerbose(made.legacy, PW.legacy));
  });

  it('wrong store password: KEYSTORE_PASSWORD for JKS, PKCS12 and legacy PKCS12', () => {
    expect(codeOf(() => read(made.jks, PW.jksKey))).toBe('KEYSTORE_PASSWORD');
    expect(codeOf(() => read(made.jks, 'st&<>"\'e-u'))).toBe('KEYSTORE_PASSWORD'); // é and ü matter
    expect(codeOf(() => read(made.p12, 'p12'))).toBe('KEYSTORE_PASSWORD');
    expect(codeOf(() => read(made.legacy, PW.p12))).toBe('KEYSTORE_PASSWORD');
  });

  it('a PKCS12 saved as .jks is read as PKCS12, and declaring it JKS is a type mismatch', () => {
    expect(read(made.liar, PW.p12).type).toBe('PKCS12');
    const e = errorOf(() => openKeystore(readFileSync(made.liar), { password: PW.p12, declaredType: 'JKS', label: 'really-pkcs12.jks' }));
    expect(e.code).toBe('KEYSTORE_TYPE_MISMATCH');
    expect(e.message).toContain('JKS');
    expect(e.message).toContain('PKCS12');
  });

  it('refuses JCEKS as KEYSTORE_UNSUPPORTED', () => {
    expect(detectKeystoreType(readFileSync(made.jceks))).toBe('JCEKS');
    expect(codeOf(() => read(made.jceks, PW.other))).toBe('KEYSTORE_UNSUPPORTED');
  });
});
