/**
 * PKCS12 files made by `openssl pkcs12 -export` without `-name` have no friendlyName. Java numbers
 * such entries "1", "2", … (PKCS12KeyStore's unfriendly names); keytool lists them so, and a WSO2
 * config must name the key that way. The tool must use the same names: it once made up "entry-N",
 * listed a name Java would not find, and failed with an internal error on its own name.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkKeyEntry } from '../../src/keystore/check';
import { openKeystore } from '../../src/keystore/open';
import { addTrustedCertificate } from '../../src/keystore/truststore';
import { codeOf, errorOf } from '../helpers/errors';
import { describeWithKeytool, keytool, listVerbose, tmpDir } from '../helpers/keytool';

const PASS = 'p12-Pass!';
let opensslOk = true;
try {
  execFileSync('openssl', ['version'], { stdio: 'pipe' });
} catch {
  opensslOk = false;
}
const describeWithOpenssl = opensslOk ? describeWithKeytool : describe.skip;

/** A self-signed key and certificate made by openssl, exported to a PKCS12 with `exportArgs`; returns its path. */
function opensslP12(cn: string, exportArgs: string[]): string {
  const dir = tmpDir('openssl-p12');
  const key = join(dir, 'k.pem');
  const cert = join(dir, 'c.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '30', '-subj', `/CN=${cn}`], { stdio: 'pipe' });
  const file = join(dir, 'x.p12');
  execFileSync('openssl', ['pkcs12', '-export', ...exportArgs, '-inkey', key, '-in', cert, '-out', file, '-passout', `pass:${PASS}`], { stdio: 'pipe' });
  return file;
}

describeWithOpenssl('a PKCS12 made by openssl without -name', () => {
  let file: string;
  let other: Buffer;
  beforeAll(() => {
    file = opensslP12('openssl-test', []);
    // A certificate to import afterwards, from another keystore.
    const ks = join(tmpDir('openssl-other'), 'o.p12');
    keytool(['-genkeypair', '-alias', 'o', '-keyalg', 'RSA', '-keystore', ks, '-storetype', 'PKCS12', '-storepass', PASS, '-dname', 'CN=o']);
    other = Buffer.from(keytool(['-exportcert', '-rfc', '-alias', 'o', '-keystore', ks, '-storepass', PASS]).replace(/-----[^-]+-----|\s/g, ''), 'base64');
  });

  it('lists its key under the name keytool gives it', () => {
    const ks = openKeystore(readFileSync(file), { password: PASS });
    const java = listVerbose(file, PASS);
    expect(java.map((e) => [e.alias, e.kind])).toEqual([['1', 'privateKey']]);
    expect(ks.entries.map((e) => [e.alias, e.kind])).toEqual([['1', 'privateKey']]);
  });

  it('checks that key by that name', () => {
    const bytes = readFileSync(file);
    const ks = openKeystore(bytes, { password: PASS });
    expect(checkKeyEntry(ks, bytes, { alias: '1', storePassword: PASS }).subject).toContain('openssl-test');
  });

  it('refuses to import a certificate under the name Java already gives its key', () => {
    expect(codeOf(() => addTrustedCertificate(readFileSync(file), { type: 'PKCS12', password: PASS, alias: '1', certDer: other }))).toBe('ALIAS_EXISTS');
  });
});

describeWithOpenssl('a PKCS12 made by openssl with -nomac (no integrity MAC)', () => {
  let file: string;
  beforeAll(() => {
    file = opensslP12('nomac', ['-nomac', '-name', 'srv']);
  });

  it('the right password opens it and its key', () => {
    const bytes = readFileSync(file);
    const ks = openKeystore(bytes, { password: PASS });
    expect(checkKeyEntry(ks, bytes, { alias: 'srv', storePassword: PASS }).subject).toContain('nomac');
  });

  it('a wrong password is refused when the file opens, as a wrong keystore password (the wizard checks it there)', () => {
    const bytes = readFileSync(file);
    // Nothing but the key can check the password (no MAC): opening tries it, so no later step is asked for a key password.
    const e = errorOf(() => openKeystore(bytes, { password: 'wrong-pass' }));
    expect(e.code).toBe('KEYSTORE_PASSWORD');
    expect(e.message).toMatch(/no integrity MAC/);
  });
});
