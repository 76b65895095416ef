/**
 * The truststore step of apply: a new certificate missing from the home's truststore is a warning
 * ("PKIX path building failed"), and with --import-cert it is imported in the same checkpoint as the
 * config files. keytool must accept the result; restore must give back the original truststore bytes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyHome, ensureBuilt, hashTree, runCli, sha256 } from '../helpers/home';
import { describeWithKeytool, keytool } from '../helpers/keytool';

beforeAll(() => ensureBuilt());

describeWithKeytool('apply --import-cert', () => {
  let home: string;
  let planFile: string;
  const PASS = 'N3w&"<pass>';

  beforeAll(() => {
    home = copyHome('apim-2.2.0');
    const sec = join(home, 'repository/resources/security');
    keytool(['-genkeypair', '-alias', 'GateWay', '-keystore', join(sec, 'gw.p12'), '-storetype', 'PKCS12', '-storepass', PASS, '-keyalg', 'RSA', '-keysize', '2048', '-dname', 'CN=gw.example.com', '-validity', '200']);
    planFile = join(home, '..', 'plan.json');
    writeFileSync(planFile, JSON.stringify({ version: 1, keystores: { gw: { path: 'repository/resources/security/gw.p12', password: { env: 'GW' } } }, functions: { tls: 'gw', axis2: 'gw' } }));
  });

  test('without --import-cert: a warning that names the certificate and the failure', () => {
    const r = runCli(['apply', '--plan', planFile, home, '--dry-run', '--json'], { env: { GW: PASS } });
    expect(r.code).toBe(0);
    const w = JSON.parse(r.stdout).warnings.join('\n');
    expect(w).toMatch(/CN=gw\.example\.com\) is not in the truststore repository\/resources\/security\/client-truststore\.jks/);
    expect(w).toMatch(/PKIX path building failed/);
  });

  test('with --import-cert: imported under the lowercased alias, keytool lists it, restore undoes it', () => {
    const ts = join(home, 'repository/resources/security/client-truststore.jks');
    const before = hashTree(home);
    const countBefore = (keytool(['-list', '-keystore', ts, '-storepass', 'wso2carbon']).match(/trustedCertEntry/g) ?? []).length;
    const r = runCli(['apply', '--plan', planFile, home, '--yes', '--json', '--import-cert'], { env: { GW: PASS } });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.files.map((f: { path: string }) => f.path)).toContain('repository/resources/security/client-truststore.jks');
    const listed = keytool(['-list', '-keystore', ts, '-storepass', 'wso2carbon', '-alias', 'gateway']);
    expect(listed).toMatch(/trustedCertEntry/);
    expect((keytool(['-list', '-keystore', ts, '-storepass', 'wso2carbon']).match(/trustedCertEntry/g) ?? []).length).toBe(countBefore + 1);
    expect(out.warnings.join('\n')).not.toMatch(/not in the truststore/);
    expect(r.stdout).not.toContain(PASS);
    // The checkpoint's notes name the truststore change without a line number (a binary file has none).
    const notes: string[] = JSON.parse(runCli(['backups', home, '--json']).stdout).backups.find((b: { id: string }) => b.id === out.backup).notes;
    expect(notes.filter((n) => n.includes('client-truststore'))).toEqual([
      expect.stringMatching(/^repository\/resources\/security\/client-truststore\.jks truststore trusted certificate → gateway \(([0-9A-F]{2}:){31}[0-9A-F]{2}\)$/),
      'repository/resources/security/client-truststore.jks: imported the certificate of "gw" (CN=gw.example.com) as "gateway"',
    ]);
    expect(notes.join('\n')).not.toMatch(/client-truststore\.jks:0/);

    const back = runCli(['restore', home, '--yes']);
    expect(back.code).toBe(0);
    expect(hashTree(home)).toEqual(before);
    expect(sha256(readFileSync(ts))).toBe(before['repository/resources/security/client-truststore.jks']);
  });
});

describeWithKeytool('apply --import-cert when the key reuses an alias the truststore has', () => {
  const PASS = 'Pr0d-pass!';
  let home: string;
  let sec: string;
  beforeAll(() => {
    home = copyHome('carbon-kernel-4.4.26');
    sec = join(home, 'repository/resources/security');
    // Keeping the alias "wso2carbon" for a new production key is common; client-truststore.jks has that alias.
    keytool(['-genkeypair', '-alias', 'wso2carbon', '-keystore', join(sec, 'prod.p12'), '-storetype', 'PKCS12', '-storepass', PASS, '-keyalg', 'RSA', '-keysize', '2048', '-dname', 'CN=prod.example.com', '-validity', '200']);
  });

  test('the certificate goes in under the first free alias, "wso2carbon-2", and the note says why', () => {
    const plan = join(home, '..', 'plan-prod.json');
    writeFileSync(plan, JSON.stringify({ version: 1, keystores: { prod: { path: 'repository/resources/security/prod.p12', password: { env: 'P' } } }, functions: { tls: 'prod' } }));
    const r = runCli(['apply', '--plan', plan, home, '--yes', '--json', '--import-cert'], { env: { P: PASS } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const ts = join(sec, 'client-truststore.jks');
    expect(keytool(['-list', '-v', '-keystore', ts, '-storepass', 'wso2carbon', '-alias', 'wso2carbon-2'])).toMatch(/Owner: CN=prod\.example\.com/);
    expect(keytool(['-list', '-v', '-keystore', ts, '-storepass', 'wso2carbon', '-alias', 'wso2carbon'])).not.toMatch(/prod\.example\.com/);
    const notes: string[] = JSON.parse(runCli(['backups', home, '--json']).stdout).backups[0].notes;
    expect(notes).toContain('repository/resources/security/client-truststore.jks: imported the certificate of "prod" (CN=prod.example.com) as "wso2carbon-2" ("wso2carbon" was taken)');
  });

  test('one keystore for tls and truststore: its own key certificate is trusted, nothing to import', () => {
    const plan = join(home, '..', 'plan-same.json');
    writeFileSync(plan, JSON.stringify({ version: 1, keystores: { prod: { path: 'repository/resources/security/prod.p12', password: { env: 'P' } } }, functions: { tls: 'prod', truststore: 'prod' } }));
    const r = runCli(['apply', '--plan', plan, home, '--dry-run', '--json', '--import-cert'], { env: { P: PASS } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.files.map((f: { path: string }) => f.path)).not.toContain('repository/resources/security/prod.p12');
    expect(out.warnings.join('\n')).not.toMatch(/not in the truststore/);
    // primary stays on wso2carbon.jks, whose certificate prod.p12 lacks: named, and left to keytool
    // (--import-cert imports only the certificates of keystores the plan puts in service).
    expect(out.warnings.filter((w: string) => /stays in service/.test(w))).toEqual([
      expect.stringMatching(/^the certificate of "wso2carbon" in repository\/resources\/security\/wso2carbon\.jks .* stays in service for primary \(repository\/conf\/carbon\.xml:\d+\), is not in the new truststore repository\/resources\/security\/prod\.p12/),
    ]);
  });
});
