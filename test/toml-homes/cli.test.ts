/**
 * The built CLI on copies of the toml-era fixture homes: apply a full plan, only deployment.toml
 * changes, it parses and reads back the plan, a second apply changes nothing, restore gives back the
 * bytes, and verify passes on the result.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { copyHome, ensureBuilt, hashTree, runCli } from '../helpers/home';
import { describeWithKeytool, exportCert, keytool, tmpDir } from '../helpers/keytool';

const STORE_PASS = `St0re&<pa"ss>'`;
const KEY_PASS = `K3y'&"<>pw\\`;
const TRUST_PASS = 'Tr&st<"pw';
const ENV = { NEWKS_PASS: STORE_PASS, NEWKEY_PASS: KEY_PASS, TRUST_PASS };
const TOML = 'repository/conf/deployment.toml';

beforeAll(() => ensureBuilt());

describeWithKeytool('apply on deployment.toml homes through the built CLI', () => {
  describe.each(['is-5.11.0', 'apim-3.2.0', 'carbon-kernel-4.6.1'])('%s', (fx) => {
    let home: string;
    let original: Record<string, string>;
    let originalToml: Buffer;
    let json: { changed: boolean; backup: string; files: Array<{ path: string; changed: boolean }>; warnings: string[] };
    let apply: ReturnType<typeof runCli>;
    const planFile = () => join(home, '..', 'plan.json');

    beforeAll(() => {
      home = copyHome(fx);
      const sec = join(home, 'repository', 'resources', 'security');
      const ks = join(sec, 'newks.jks');
      keytool(['-genkeypair', '-alias', 'newkey', '-keystore', ks, '-storetype', 'JKS', '-storepass', STORE_PASS, '-keypass', KEY_PASS, '-keyalg', 'RSA', '-keysize', '2048', '-dname', 'CN=new.example.com, O=Test', '-validity', '400']);
      const certDir = tmpDir('cert');
      writeFileSync(join(certDir, 'c.der'), exportCert(ks, STORE_PASS, 'newkey'));
      keytool(['-importcert', '-noprompt', '-alias', 'newkey', '-file', join(certDir, 'c.der'), '-keystore', join(sec, 'trust.p12'), '-storetype', 'PKCS12', '-storepass', TRUST_PASS]);
      writeFileSync(
        planFile(),
        JSON.stringify({
          version: 1,
          keystores: {
            newks: { path: 'repository/resources/security/newks.jks', type: 'JKS', password: { env: 'NEWKS_PASS' }, alias: 'newkey', keyPassword: { env: 'NEWKEY_PASS' } },
            trust: { path: 'repository/resources/security/trust.p12', password: { env: 'TRUST_PASS' } },
          },
          functions: { primary: 'newks', internal: 'newks', tls: 'newks', axis2: 'newks', truststore: 'trust' },
          confirmInternalKeystoreChange: true,
        }),
      );
      original = hashTree(home);
      originalToml = readFileSync(join(home, TOML));
      apply = runCli(['apply', '--plan', planFile(), home, '--yes', '--json'], { env: ENV });
      json = JSON.parse(apply.stdout || '{}');
    });

    test('exits 0 and changes deployment.toml only (generated XML untouched)', () => {
      expect(apply.stderr).toBe('');
      expect(apply.code).toBe(0);
      const now = hashTree(home);
      expect(Object.keys(now).filter((k) => now[k] !== original[k])).toEqual([TOML]);
      expect(json.files.filter((f) => f.changed).map((f) => f.path)).toEqual([TOML]);
    });

    test('the toml reads back the plan', () => {
      const obj = parse(readFileSync(join(home, TOML), 'utf8')) as { keystore: Record<string, Record<string, string>>; truststore: Record<string, string> };
      for (const t of ['primary', 'internal', 'tls']) {
        expect(obj.keystore[t]).toEqual({ file_name: 'newks.jks', type: 'JKS', password: STORE_PASS, alias: 'newkey', key_password: KEY_PASS });
      }
      expect(obj.truststore).toEqual({ file_name: 'trust.p12', type: 'PKCS12', password: TRUST_PASS });
    });

    test('no password reaches stdout or stderr', () => {
      for (const p of [STORE_PASS, KEY_PASS, TRUST_PASS]) expect(apply.stdout + apply.stderr).not.toContain(p);
    });

    test('verify passes on the result', () => {
      const v = runCli(['verify', home, '--json']);
      const out = JSON.parse(v.stdout) as { ok: boolean; checks: Array<{ function: string; ok: boolean; path: string }> };
      expect(out.checks.map((c) => [c.function, c.ok, c.path])).toEqual([
        ['primary', true, TOML],
        ['internal', true, TOML],
        ['tls', true, TOML],
        ['truststore', true, TOML],
      ]);
      expect(v.code).toBe(0);
    });

    test('a second apply changes nothing; restore gives back the bytes', () => {
      const again = runCli(['apply', '--plan', planFile(), home, '--yes', '--json'], { env: ENV });
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout).changed).toBe(false);
      const r = runCli(['restore', home, '--id', json.backup, '--yes', '--json']);
      expect(r.code).toBe(0);
      expect(readFileSync(join(home, TOML)).equals(originalToml)).toBe(true);
      const now = hashTree(home);
      expect(Object.keys(now).filter((k) => now[k] !== original[k])).toEqual([]);
    });
  });
});

