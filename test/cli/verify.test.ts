/** verify: the `nginx -t` of keystores, on real homes with real keystores. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyHome, ensureBuilt, runCli } from '../helpers/home';

beforeAll(() => ensureBuilt());

test('a stock APIM 2.2.0 home checks out: one OK line per setting, exit 0', () => {
  const home = copyHome('apim-2.2.0');
  const r = runCli(['verify', home, '--json']);
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(out.ok).toBe(true);
  expect(out.checks.map((c: { function: string }) => c.function)).toEqual(['primary', 'truststore', 'tls', 'axis2', 'truststore', 'axis2', 'truststore']);
});

test.each([
  ['a wrong store password in carbon.xml', (s: string) => s.replace('<Password>wso2carbon</Password>', '<Password>wrong-pass</Password>'), /primary.*(tampered|password)/i],
  ['an alias that does not exist', (s: string) => s.replace('<KeyAlias>wso2carbon</KeyAlias>', '<KeyAlias>nokey</KeyAlias>'), /primary.*no entry "nokey"; it has its private keys: wso2carbon \(and 35 trusted certificates\)/],
  ['a keystore file that does not exist', (s: string) => s.replace('security/wso2carbon.jks</Location>', 'security/gone.jks</Location>'), /primary.*gone\.jks does not exist/],
])('%s: FAIL line and exit 1', (_name, edit, re) => {
  const home = copyHome('apim-2.2.0');
  const carbon = join(home, 'repository/conf/carbon.xml');
  writeFileSync(carbon, edit(readFileSync(carbon, 'latin1')), 'latin1');
  const r = runCli(['verify', home]);
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/^FAIL/m);
  expect(r.stdout.split('\n').find((l) => l.startsWith('FAIL'))).toMatch(re);
  expect(r.stdout).toMatch(/^OK +tls/m);
  expect(r.stdout).not.toContain('wrong-pass');
});

test('a key whose certificate is not in the configured truststore gets the PKIX warning', () => {
  const { keytool } = require('../helpers/keytool') as typeof import('../helpers/keytool');
  const home = copyHome('apim-2.2.0');
  keytool(['-genkeypair', '-alias', 'tlskey', '-keystore', join(home, 'repository/resources/security/tls.jks'), '-storetype', 'JKS', '-storepass', 'tls-pass-1', '-keyalg', 'RSA', '-keysize', '2048', '-dname', 'CN=tls.example.com', '-validity', '100']);
  const cat = join(home, 'repository/conf/tomcat/catalina-server.xml');
  writeFileSync(cat, readFileSync(cat, 'utf8').replace('security/wso2carbon.jks"', 'security/tls.jks"').replace('keystorePass="wso2carbon"', 'keystorePass="tls-pass-1"'));
  const out = JSON.parse(runCli(['verify', home, '--json']).stdout);
  const tls = out.checks.find((c: { function: string }) => c.function === 'tls');
  expect(tls.ok).toBe(true);
  expect(tls.warnings.join('\n')).toMatch(/CN=tls\.example\.com\) is not in the truststore .*client-truststore\.jks.*PKIX path building failed/);
  const primary = out.checks.find((c: { function: string }) => c.function === 'primary');
  expect(primary.warnings.join('\n')).not.toMatch(/not in the truststore/);
});

describe('sec.policy (EI 6.2.0 names wso2carbon.jks and signedBy "wso2carbon")', () => {
  const verifyPolicy = (edit: (s: string) => string) => {
    const home = copyHome('ei-6.2.0');
    const policy = join(home, 'conf/sec.policy');
    writeFileSync(policy, edit(readFileSync(policy, 'latin1')), 'latin1');
    const r = runCli(['verify', home, '--json']);
    return { code: r.code, line: JSON.parse(r.stdout).checks.find((c: { function: string }) => c.function === 'secPolicy') as { ok: boolean; warnings: string[] } };
  };

  test('as shipped: OK, no warning', () => {
    expect(verifyPolicy((s) => s)).toMatchObject({ code: 0, line: { ok: true, warnings: [] } });
  });

  test('a declared type the file is not: a warning that says what to write', () => {
    const { line } = verifyPolicy((s) => s.replace('wso2carbon.jks", "JKS";', 'wso2carbon.jks", "PKCS12";'));
    expect(line.warnings).toEqual(['it declares the keystore "PKCS12" but the file is JKS: write "JKS", as a JVM without keystore.type.compat cannot open it otherwise']);
  });

  test('signedBy an alias the keystore does not hold: a warning (opened with carbon.xml\'s password for the same file)', () => {
    const { line } = verifyPolicy((s) => s.replace('grant signedBy "wso2carbon"', 'grant signedBy "nokey"'));
    expect(line.warnings).toContain('grant signedBy "nokey": file:${user.dir}/repository/resources/security/wso2carbon.jks has no entry "nokey", so that grant gives nothing (with a security manager on, the signed jars lose their permissions)');
  });
});
