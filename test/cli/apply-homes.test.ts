/**
 * Issue 2's acceptance test, on every 4.4.x-era fixture home: a plan that sets every function the home
 * has, with passwords holding & < > " ', applied through the built CLI. Then: exactly the target lines
 * changed, the files parse (saxes and, independently, xml-js) and read back the new values, CRLF files
 * stay CRLF, nothing else in the home changed, a second apply changes nothing, restore gives back the
 * original bytes, and no password reaches stdout or stderr.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { xml2js, type Element } from 'xml-js';
import { copyHome, ensureBuilt, hashTree, removedLines, runCli } from '../helpers/home';
import { describeWithKeytool, exportCert, keytool, tmpDir } from '../helpers/keytool';

const STORE_PASS = `St0re&<pa"ss>'`;
const KEY_PASS = `K3y'&"<>pw`;
const TRUST_PASS = `Tr&st<"'>pw`;
const ENV = { NEWKS_PASS: STORE_PASS, NEWKEY_PASS: KEY_PASS, TRUST_PASS };

interface HomeCase {
  fixture: string;
  conf: string;
  functions: string[];
  axis2Files: string[];
  /** Files converted to CRLF in the copy first (a Windows checkout). */
  crlf?: string[];
  label?: string;
}

const HOMES: HomeCase[] = [
  { fixture: 'is-5.5.0', conf: 'repository/conf', functions: ['primary', 'internal', 'tls', 'truststore'], axis2Files: [] },
  { fixture: 'apim-2.2.0', conf: 'repository/conf', functions: ['primary', 'internal', 'tls', 'axis2', 'truststore'], axis2Files: ['axis2.xml'] },
  { fixture: 'ei-6.2.0', conf: 'conf', functions: ['primary', 'internal', 'tls', 'axis2', 'secPolicy', 'truststore'], axis2Files: ['axis2.xml', 'axis2_nhttp.xml', 'axis2_pt.xml'] },
  { fixture: 'carbon-kernel-4.4.26', conf: 'repository/conf', functions: ['primary', 'internal', 'tls', 'truststore'], axis2Files: [] },
  { fixture: 'carbon-kernel-4.4.40', conf: 'repository/conf', functions: ['primary', 'internal', 'tls', 'truststore'], axis2Files: [] },
  {
    fixture: 'ei-6.2.0',
    label: 'ei-6.2.0 as a CRLF (Windows) checkout',
    conf: 'conf',
    functions: ['primary', 'internal', 'tls', 'axis2', 'secPolicy', 'truststore'],
    axis2Files: ['axis2.xml', 'axis2_nhttp.xml', 'axis2_pt.xml'],
    crlf: ['conf/carbon.xml', 'conf/tomcat/catalina-server.xml', 'conf/axis2/axis2.xml', 'conf/sec.policy'],
  },
];

/** xml-js view: the element at a path of local names (first match at each step). */
function at(root: Element, path: string[]): Element | undefined {
  let cur: Element | undefined = root;
  for (const name of path) {
    cur = cur?.elements?.find((e) => e.type === 'element' && (e.name === name || e.name?.endsWith(`:${name}`)));
  }
  return cur;
}
const textOf = (e: Element | undefined) => (e?.elements ?? []).map((x) => (x.type === 'text' || x.type === 'cdata' ? String(x.text ?? x.cdata) : '')).join('');
const parseIndependently = (s: string) => xml2js(s, { compact: false }) as Element;

const allCrlf = (s: string) => s.split('\n').slice(0, -1).every((l) => l.endsWith('\r'));

beforeAll(() => ensureBuilt());

describeWithKeytool.call(null, 'apply a full plan to each 4.4.x fixture home', () => {
  describe.each(HOMES.map((h) => ({ ...h, label: h.label ?? h.fixture })))('$label', (hc) => {
    let home: string;
    let original: Record<string, string>;
    const originalText = new Map<string, string>();
    let apply: ReturnType<typeof runCli>;
    let json: { changed: boolean; backup: string; files: Array<{ path: string; changed: boolean; changes: Array<{ line: number; setting: string; from: string; to: string; function: string }> }> };
    const planFile = () => join(home, '..', 'plan.json');

    beforeAll(() => {
      home = copyHome(hc.fixture);
      const sec = join(home, 'repository', 'resources', 'security');
      mkdirSync(sec, { recursive: true });
      const ks = join(sec, 'newks.jks');
      keytool(['-genkeypair', '-alias', 'newkey', '-keystore', ks, '-storetype', 'JKS', '-storepass', STORE_PASS, '-keypass', KEY_PASS, '-keyalg', 'RSA', '-keysize', '2048', '-dname', 'CN=new.example.com, O=Test', '-validity', '400']);
      const certDir = tmpDir('cert');
      writeFileSync(join(certDir, 'c.der'), exportCert(ks, STORE_PASS, 'newkey'));
      keytool(['-importcert', '-noprompt', '-alias', 'newkey', '-file', join(certDir, 'c.der'), '-keystore', join(sec, 'trust.p12'), '-storetype', 'PKCS12', '-storepass', TRUST_PASS]);
      const plan = {
        version: 1,
        keystores: {
          newks: { path: 'repository/resources/security/newks.jks', type: 'JKS', password: { env: 'NEWKS_PASS' }, alias: 'newkey', keyPassword: { env: 'NEWKEY_PASS' } },
          trust: { path: 'repository/resources/security/trust.p12', password: { env: 'TRUST_PASS' } },
        },
        functions: Object.fromEntries(hc.functions.map((f) => [f, f === 'truststore' ? 'trust' : 'newks'])),
        confirmInternalKeystoreChange: true,
      };
      writeFileSync(planFile(), JSON.stringify(plan, null, 2));
      for (const f of hc.crlf ?? []) {
        const p = join(home, f);
        writeFileSync(p, readFileSync(p, 'latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
      }
      original = hashTree(home);
      for (const f of Object.keys(original)) if (!/\.(jks|p12)$/.test(f)) originalText.set(f, readFileSync(join(home, f), 'latin1'));
      apply = runCli(['apply', '--plan', planFile(), home, '--yes', '--json'], { env: ENV });
      json = JSON.parse(apply.stdout || '{}');
    });

    test('exits 0, changes files, names a backup', () => {
      expect(apply.stderr).not.toMatch(/error/);
      expect(apply.code).toBe(0);
      expect(json.changed).toBe(true);
      expect(json.backup).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]+$/);
    });

    test('only the files of the planned functions changed', () => {
      const now = hashTree(home);
      const changed = Object.keys(now).filter((k) => now[k] !== original[k]).sort();
      const expected = json.files.filter((f) => f.changed).map((f) => f.path).sort();
      expect(changed).toEqual(expected);
      expect(Object.keys(now).sort()).toEqual(Object.keys(original).sort());
      const want = [`${hc.conf}/carbon.xml`, `${hc.conf}/tomcat/catalina-server.xml`, ...hc.axis2Files.map((f) => `${hc.conf}/axis2/${f}`)];
      if (hc.functions.includes('secPolicy')) want.push(`${hc.conf}/sec.policy`);
      expect(changed).toEqual(want.sort());
    });

    test('exactly the reported lines changed (inserted blocks are pure additions)', () => {
      for (const f of json.files.filter((x) => x.changed)) {
        const before = originalText.get(f.path)!;
        const after = readFileSync(join(home, f.path), 'latin1');
        const reported = new Set(f.changes.filter((c) => !['Security/InternalKeyStore', 'CryptoService'].includes(c.setting)).map((c) => c.line));
        expect(new Set(removedLines(before, after))).toEqual(reported);
        if (allCrlf(before)) expect(allCrlf(after)).toBe(true);
        if (hc.crlf?.includes(f.path)) expect(allCrlf(before)).toBe(true);
      }
    });

    test('carbon.xml reads back the new values with an independent parser', () => {
      const doc = parseIndependently(readFileSync(join(home, hc.conf, 'carbon.xml'), 'latin1'));
      const server = doc.elements!.find((e) => e.type === 'element')!;
      const val = (...p: string[]) => textOf(at(server, p));
      expect(val('Security', 'KeyStore', 'Location')).toBe('${carbon.home}/repository/resources/security/newks.jks');
      expect(val('Security', 'KeyStore', 'Password')).toBe(STORE_PASS);
      expect(val('Security', 'KeyStore', 'KeyAlias')).toBe('newkey');
      expect(val('Security', 'KeyStore', 'KeyPassword')).toBe(KEY_PASS);
      expect(val('Security', 'InternalKeyStore', 'Password')).toBe(STORE_PASS);
      expect(val('Security', 'InternalKeyStore', 'KeyAlias')).toBe('newkey');
      expect(val('Security', 'TrustStore', 'Location')).toBe('${carbon.home}/repository/resources/security/trust.p12');
      expect(val('Security', 'TrustStore', 'Type')).toBe('PKCS12');
      expect(val('Security', 'TrustStore', 'Password')).toBe(TRUST_PASS);
      expect(val('CryptoService', 'Enabled')).toBe('true');
      const resolver = at(server, ['CryptoService', 'KeyResolvers', 'KeyResolver']);
      expect(resolver?.attributes).toEqual({ className: 'org.wso2.carbon.crypto.defaultProvider.resolver.ContextIndependentKeyResolver', priority: '-1' });
    });

    test('the SSL connector reads back the new keystore, type, alias and key password', () => {
      const doc = parseIndependently(readFileSync(join(home, hc.conf, 'tomcat', 'catalina-server.xml'), 'utf8'));
      const connectors: Element[] = [];
      const walk = (e: Element) => {
        if (e.name === 'Connector' && e.attributes?.SSLEnabled === 'true') connectors.push(e);
        (e.elements ?? []).forEach(walk);
      };
      walk(doc);
      expect(connectors.length).toBeGreaterThan(0);
      for (const c of connectors) {
        expect(c.attributes?.keystoreFile).toBe('${carbon.home}/repository/resources/security/newks.jks');
        expect(c.attributes?.keystorePass).toBe(STORE_PASS);
        expect(c.attributes?.keyPass).toBe(KEY_PASS);
      }
    });

    if (hc.axis2Files.length) {
      test('axis2 https transports read back the new keystore and truststore', () => {
        for (const f of hc.axis2Files) {
          const doc = parseIndependently(readFileSync(join(home, hc.conf, 'axis2', f), 'latin1'));
          const root = doc.elements!.find((e) => e.type === 'element')!;
          const transports = root.elements!.filter((e) => (e.name === 'transportReceiver' || e.name === 'transportSender') && e.attributes?.name === 'https');
          const withKs = transports.filter((t) => t.elements?.some((p) => p.attributes?.name === 'keystore'));
          expect(withKs.length).toBeGreaterThan(0);
          for (const t of withKs) {
            const ks = t.elements!.find((p) => p.attributes?.name === 'keystore')!;
            expect(textOf(at(ks, ['KeyStore', 'Location']))).toBe('repository/resources/security/newks.jks');
            expect(textOf(at(ks, ['KeyStore', 'Password']))).toBe(STORE_PASS);
            expect(textOf(at(ks, ['KeyStore', 'KeyPassword']))).toBe(KEY_PASS);
            const ts = t.elements!.find((p) => p.attributes?.name === 'truststore')!;
            expect(textOf(at(ts, ['TrustStore', 'Location']))).toBe('repository/resources/security/trust.p12');
            expect(textOf(at(ts, ['TrustStore', 'Type']))).toBe('PKCS12');
          }
        }
      });
    }

    if (hc.functions.includes('secPolicy')) {
      test('sec.policy points at the new keystore and signer', () => {
        const s = readFileSync(join(home, hc.conf, 'sec.policy'), 'utf8');
        expect(s).toContain('keystore "file:${user.dir}/repository/resources/security/newks.jks", "JKS";');
        expect(s).toContain('grant signedBy "newkey" {');
        expect(s).not.toContain('signedBy "wso2carbon"');
      });
    }

    test('no password reaches stdout or stderr', () => {
      for (const p of [STORE_PASS, KEY_PASS, TRUST_PASS]) {
        expect(apply.stdout).not.toContain(p);
        expect(apply.stderr).not.toContain(p);
      }
      expect(apply.stdout).toContain('********');
    });

    test('a second apply changes nothing and takes no backup', () => {
      const before = hashTree(home, true);
      const again = runCli(['apply', '--plan', planFile(), home, '--yes', '--json'], { env: ENV });
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ changed: false, backup: null });
      expect(hashTree(home, true)).toEqual(before);
    });

    test('restore gives back the original bytes, and is itself undoable', () => {
      const r = runCli(['restore', home, '--yes', '--json']);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.changed).toBe(true);
      expect(out.restoredFrom).toBe(json.backup);
      expect(hashTree(home)).toEqual(original);
      const undo = runCli(['restore', home, '--id', out.backup, '--yes', '--json']);
      expect(undo.code).toBe(0);
      const applied = runCli(['apply', '--plan', planFile(), home, '--dry-run', '--json'], { env: ENV });
      expect(JSON.parse(applied.stdout).changed).toBe(false);
    });
  });
});
