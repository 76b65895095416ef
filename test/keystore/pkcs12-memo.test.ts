/**
 * One command opens the same PKCS12 more than once (as a plan keystore, as the truststore, in the
 * key check): its key derivations run once per process, and a memoised result never stands in for
 * another password or salt.
 */
import { readFileSync } from 'node:fs';
import { KsError } from '../../src/errors';
import { openKeystore } from '../../src/keystore';
import { describeWithKeytool, genKeyPair, PW, tmpDir } from '../helpers/keytool';

// The module object itself (not an import namespace), so that the spy sees the calls src/ makes.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const crypto = require('node:crypto') as typeof import('node:crypto');

describeWithKeytool('PKCS12 key derivation memo', () => {
  let bytes: Buffer;
  let other: Buffer;
  beforeAll(() => {
    const dir = tmpDir('p12memo');
    genKeyPair({ file: `${dir}/a.p12`, storeType: 'PKCS12', storePass: PW.p12, alias: 'server' });
    genKeyPair({ file: `${dir}/b.p12`, storeType: 'PKCS12', storePass: PW.p12, alias: 'server' });
    bytes = readFileSync(`${dir}/a.p12`);
    other = readFileSync(`${dir}/b.p12`); // same password, other salts
  });
  afterEach(() => jest.restoreAllMocks());

  it('derives the PBES2 key of a keytool PKCS12 once for two opens, and again for other salts', () => {
    const pbkdf2 = jest.spyOn(crypto, 'pbkdf2Sync');
    const first = openKeystore(bytes, { password: PW.p12 });
    const calls = pbkdf2.mock.calls.length;
    expect(calls).toBeGreaterThan(0); // keytool's PKCS12 encrypts its certificates with PBES2
    const again = openKeystore(bytes, { password: PW.p12 });
    expect(pbkdf2.mock.calls.length).toBe(calls);
    expect(again.entries.map((e) => [e.alias, e.chain[0].sha256])).toEqual(first.entries.map((e) => [e.alias, e.chain[0].sha256]));
    openKeystore(other, { password: PW.p12 });
    expect(pbkdf2.mock.calls.length).toBeGreaterThan(calls);
  });

  it('still refuses a wrong password after a right one was memoised', () => {
    openKeystore(bytes, { password: PW.p12 });
    let err: unknown;
    try {
      openKeystore(bytes, { password: `${PW.p12}x` });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KsError);
    expect((err as KsError).code).toBe('KEYSTORE_PASSWORD');
  });
});
