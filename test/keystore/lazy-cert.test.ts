/** Certificates of an opened keystore are parsed on first use; the fingerprint needs no parse. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { certInfo, lazyCertInfo } from '../../src/keystore/cert-info';
import { openKeystore } from '../../src/keystore/open';
import { FIXTURES } from '../helpers/home';

const truststore = readFileSync(join(FIXTURES, 'carbon-kernel-4.4.26', 'repository', 'resources', 'security', 'client-truststore.jks'));
const fail = (e: unknown) => new Error(`invalid: ${(e as Error).message}`);

describe('lazyCertInfo', () => {
  const ders = openKeystore(truststore, { password: 'wso2carbon' }).entries.flatMap((e) => e.chain.map((c) => c.der));

  it('gives the same fields, in the same order, as certInfo for all 96 certificates', () => {
    expect(ders).toHaveLength(96);
    for (const der of ders) expect(JSON.stringify(lazyCertInfo(der, fail))).toBe(JSON.stringify(certInfo(der)));
  });

  it('refuses bytes that are not a certificate at once, and one OpenSSL refuses on first read', () => {
    expect(() => lazyCertInfo(Buffer.from('hello world'), fail)).toThrow(/^invalid/);
    // The outer SEQUENCE of three is intact; the TBSCertificate inside is not.
    const der = Buffer.from(ders[0]);
    const tbsContent = der[1] & 0x80 ? 2 + (der[1] & 0x7f) : 2;
    const tbsLen = der[tbsContent + 1] & 0x80 ? 2 + (der[tbsContent + 1] & 0x7f) : 2;
    der.fill(0xff, tbsContent + tbsLen, tbsContent + tbsLen + 8);
    const c = lazyCertInfo(der, fail);
    expect(c.sha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(() => c.subject).toThrow(/^invalid/);
  });
});
