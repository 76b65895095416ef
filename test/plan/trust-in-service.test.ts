/**
 * A plan that puts a new truststore in place must leave it trusting the keys that stay in service,
 * not only the keystores the plan brings in: a truststore built from the company's CAs alone loses
 * the server's own certificate, and what calls the server over https (its own management console,
 * the other nodes) then fails with "PKIX path building failed". Real homes, keystores from keytool.
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { copyHome, ensureBuilt, runCli } from '../helpers/home';
import { describeWithKeytool, exportCert, genKeyPair, importTrusted, tmpDir } from '../helpers/keytool';

beforeAll(() => ensureBuilt());

const TRUST_PASS = 'corp-trust-pw';
const NEW_PASS = 'n3w-key&pass';
const SEC = 'repository/resources/security';

/** A truststore holding only a made-up company CA (and, with `alsoTrust`, the certificates given). */
function corpTruststore(home: string, name: string, alsoTrust: Array<{ alias: string; der: Buffer }> = []): string {
  const dir = tmpDir('corp-ca');
  const ca = join(dir, 'ca.p12');
  genKeyPair({ file: ca, storeType: 'PKCS12', storePass: 'ca-pass', alias: 'ca', dname: 'CN=Corp Root CA, O=Corp' });
  const caFile = join(dir, 'ca.der');
  writeFileSync(caFile, exportCert(ca, 'ca-pass', 'ca'));
  const ts = join(home, SEC, name);
  importTrusted(ts, 'PKCS12', TRUST_PASS, 'corp-ca', caFile);
  for (const c of alsoTrust) {
    const f = join(dir, `${c.alias}.der`);
    writeFileSync(f, c.der);
    importTrusted(ts, 'PKCS12', TRUST_PASS, c.alias, f);
  }
  return ts;
}

function dryRun(home: string, plan: object, env: NodeJS.ProcessEnv) {
  const file = join(home, '..', `plan-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ version: 1, ...plan }));
  const r = runCli(['apply', '--plan', file, home, '--dry-run', '--json'], { env });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return { out: JSON.parse(r.stdout) as { warnings: string[] }, raw: r.stdout };
}

const inService = (warnings: string[]) => warnings.filter((w) => /stays in service/.test(w));

describeWithKeytool('a new truststore and the keys the plan leaves in service (Carbon 4.4, APIM 2.2.0)', () => {
  const trustOnly = { keystores: { t: { path: `${SEC}/corp-trust.p12`, password: { env: 'TP' } } }, functions: { truststore: 't' } };

  test('a truststore-only plan whose truststore lacks wso2carbon: one warning naming every setting that serves with it', () => {
    const home = copyHome('apim-2.2.0');
    corpTruststore(home, 'corp-trust.p12');
    const { out, raw } = dryRun(home, trustOnly, { TP: TRUST_PASS });
    const w = inService(out.warnings);
    expect(w).toHaveLength(1); // one certificate, though primary, tls and axis2 all serve with it
    expect(w[0]).toContain('the certificate of "wso2carbon" in repository/resources/security/wso2carbon.jks (CN=localhost, O=WSO2');
    expect(w[0]).toContain('primary (repository/conf/carbon.xml:');
    expect(w[0]).toContain('tls (repository/conf/tomcat/catalina-server.xml:');
    expect(w[0]).toMatch(/axis2 \(repository\/conf\/axis2\/axis2\.xml:\d+/);
    expect(w[0]).toContain('is not in the new truststore repository/resources/security/corp-trust.p12');
    expect(w[0]).toContain('PKIX path building failed');
    expect(w[0]).toContain('keytool -importcert -keystore repository/resources/security/corp-trust.p12 -alias wso2carbon');
    expect(raw).not.toContain(TRUST_PASS);
    expect(w[0]).not.toMatch(/-storepass/); // keytool asks for the passwords; none is printed
  });

  test('the same plan once the certificate is in the new truststore: no such warning', () => {
    const home = copyHome('apim-2.2.0');
    const wso2carbon = exportCert(join(home, SEC, 'wso2carbon.jks'), 'wso2carbon', 'wso2carbon');
    corpTruststore(home, 'corp-trust.p12', [{ alias: 'wso2carbon', der: wso2carbon }]);
    expect(inService(dryRun(home, trustOnly, { TP: TRUST_PASS }).out.warnings)).toEqual([]);
  });

  test('moving tls with the truststore leaves primary on the old key: the warning names primary alone', () => {
    const home = copyHome('carbon-kernel-4.4.26');
    const ks = join(home, SEC, 'new.p12');
    genKeyPair({ file: ks, storeType: 'PKCS12', storePass: NEW_PASS, alias: 'edge', dname: 'CN=edge.example.com' });
    corpTruststore(home, 'corp-trust.p12', [{ alias: 'edge', der: exportCert(ks, NEW_PASS, 'edge') }]);
    const plan = {
      keystores: { n: { path: `${SEC}/new.p12`, password: { env: 'NP' } }, t: { path: `${SEC}/corp-trust.p12`, password: { env: 'TP' } } },
      functions: { tls: 'n', truststore: 't' },
    };
    const { out } = dryRun(home, plan, { TP: TRUST_PASS, NP: NEW_PASS });
    const w = inService(out.warnings);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/stays in service for primary \(repository\/conf\/carbon\.xml:\d+\), is not in the new truststore/);
    expect(out.warnings.join('\n')).not.toMatch(/"edge".*not in/); // the new key is trusted
  });

  test('a plan that leaves the truststore alone does not open the keystores in service', () => {
    const home = copyHome('carbon-kernel-4.4.26');
    const ks = join(home, SEC, 'new.p12');
    genKeyPair({ file: ks, storeType: 'PKCS12', storePass: NEW_PASS, alias: 'edge' });
    const { out } = dryRun(home, { keystores: { n: { path: `${SEC}/new.p12`, password: { env: 'NP' } } }, functions: { tls: 'n' } }, { NP: NEW_PASS });
    expect(inService(out.warnings)).toEqual([]);
  });
});

describeWithKeytool('a new truststore on a deployment.toml home (IS 5.11.0: tls follows [keystore.primary])', () => {
  test('truststore only: wso2carbon stays in service for primary and, by default, tls', () => {
    const home = copyHome('is-5.11.0');
    corpTruststore(home, 'corp-trust.p12');
    const { out } = dryRun(home, { keystores: { t: { path: `${SEC}/corp-trust.p12`, password: { env: 'TP' } } }, functions: { truststore: 't' } }, { TP: TRUST_PASS });
    const w = inService(out.warnings);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/stays in service for primary \(repository\/conf\/deployment\.toml:\d+\), tls \(repository\/conf\/deployment\.toml/);
  });

  test('primary moved with the truststore: tls follows it, so nothing old stays in service', () => {
    const home = copyHome('is-5.11.0');
    const ks = join(home, SEC, 'new.jks');
    genKeyPair({ file: ks, storeType: 'JKS', storePass: NEW_PASS, alias: 'idp', dname: 'CN=idp.example.com' });
    corpTruststore(home, 'corp-trust.p12', [{ alias: 'idp', der: exportCert(ks, NEW_PASS, 'idp') }]);
    const plan = {
      keystores: { n: { path: `${SEC}/new.jks`, password: { env: 'NP' }, alias: 'idp' }, t: { path: `${SEC}/corp-trust.p12`, password: { env: 'TP' } } },
      functions: { primary: 'n', truststore: 't' },
      confirmInternalKeystoreChange: true,
    };
    const { out } = dryRun(home, plan, { TP: TRUST_PASS, NP: NEW_PASS });
    expect(inService(out.warnings)).toEqual([]);
  });
});
