/**
 * Whole-tool robustness tests: real WSO2 homes copied from ../shared/fixtures into os.tmpdir(), keystores
 * made by keytool at test time, and the built CLI (dist/, via bin/) run as a child process, the way an
 * administrator runs it. Nothing is ever written into ../shared.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI, REPO, copyHome, sha256 } from '../helpers/home';
import { exportCert, genKeyPair, importTrusted } from '../helpers/keytool';

export { REPO };
export const BIN = CLI;

/** Store password: regex and XML specials, so a leak through a regex or an unescaped XML write shows. */
export const STORE_PW = `p@$$(w0rd)*&<"'`;
/** Key password, different from the store's (WSO2 allows it). */
export const KEY_PW = `k3y[p@$$]+{&<"'}`;
/** A wrong password the user "typed": a secret too, it must not be echoed either. */
export const WRONG_PW = `wr0ng(p@$$)?*&<"'`;
export const SECRETS = [STORE_PW, KEY_PW, WRONG_PW];

const xmlEscapes = (s: string) => [
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;'),
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;'),
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;'),
  JSON.stringify(s).slice(1, -1),
];
/** Each secret as typed and in the forms a file, a diff or JSON would spell it. */
export const SECRET_FORMS = [...new Set(SECRETS.flatMap((s) => [s, ...xmlEscapes(s)]))];

export function leakedSecrets(text: string): string[] {
  return SECRET_FORMS.filter((f) => text.includes(f));
}

export interface Keystores {
  dir: string;
  /** alias newkey (key password KEY_PW), alias old (expired), alias partner (trusted cert). Store password STORE_PW. */
  jks: string;
  /** PKCS12, alias newkey, store and key password STORE_PW. */
  p12: string;
  jceks: string;
}

export function makeKeystores(): Keystores {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wso2ks-robust-ks-'));
  const other = path.join(dir, 'other.jks');
  genKeyPair({ file: other, storeType: 'JKS', storePass: 'otherpass', alias: 'partner' });
  const certFile = path.join(dir, 'partner.der');
  fs.writeFileSync(certFile, exportCert(other, 'otherpass', 'partner'));
  const jks = path.join(dir, 'new.jks');
  genKeyPair({ file: jks, storeType: 'JKS', storePass: STORE_PW, keyPass: KEY_PW, alias: 'newkey', dname: 'CN=localhost, O=Robust' });
  genKeyPair({ file: jks, storeType: 'JKS', storePass: STORE_PW, keyPass: KEY_PW, alias: 'old', startdate: '-2y', validity: 30 });
  importTrusted(jks, 'JKS', STORE_PW, 'partner', certFile);
  const p12 = path.join(dir, 'new.p12');
  genKeyPair({ file: p12, storeType: 'PKCS12', storePass: STORE_PW, alias: 'newkey', dname: 'CN=localhost, O=Robust' });
  const jceks = path.join(dir, 'new.jceks');
  genKeyPair({ file: jceks, storeType: 'JCEKS', storePass: STORE_PW, alias: 'newkey' });
  return { dir, jks, p12, jceks };
}

export const SECURITY = 'repository/resources/security';

/** A fresh, writable copy of a fixture home with the test keystores in repository/resources/security. */
export function makeHome(ks: Keystores, fixture = 'ei-6.2.0', parent?: string, name = 'home'): string {
  const home = copyHome(fixture, parent ?? fs.mkdtempSync(path.join(os.tmpdir(), 'wso2ks-robust-')), name);
  const sec = path.join(home, SECURITY);
  fs.mkdirSync(sec, { recursive: true });
  for (const f of [ks.jks, ks.p12, ks.jceks]) fs.copyFileSync(f, path.join(sec, path.basename(f)));
  return home;
}

/** Every entry under `root`: files by sha256, symlinks by target, folders by name. `.wso2-keystore` included. */
export function hashTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      const rel = path.relative(root, abs).split(path.sep).join('/');
      if (e.isSymbolicLink()) out[rel] = `link:${fs.readlinkSync(abs)}`;
      else if (e.isDirectory()) {
        out[rel] = 'dir';
        walk(abs);
      } else out[rel] = sha256(fs.readFileSync(abs));
    }
  };
  walk(root);
  return out;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the built CLI. stdin is a pipe (not a terminal) unless `input` is null. */
export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number } = {}): CliResult {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? REPO,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', LC_ALL: 'C.UTF-8', ...opts.env },
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ms: Date.now() - t0 };
}

/** The JSON object `--json` prints on stdout, or null. */
export function jsonOf(r: CliResult): Record<string, any> | null {
  try {
    return JSON.parse(r.stdout);
  } catch {
    return null;
  }
}

/** Every manifest.json under HOME/.wso2-keystore, as text. */
export function manifests(home: string): string[] {
  const dir = path.join(home, '.wso2-keystore', 'backups');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((d) => path.join(dir, d, 'manifest.json'))
    .filter((f) => fs.existsSync(f))
    .map((f) => fs.readFileSync(f, 'utf8'));
}

export function writePlan(dir: string, plan: unknown, name = 'plan.json'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof plan === 'string' ? plan : JSON.stringify(plan, null, 2));
  return file;
}

export const ENV = { NEWKS_PASS: STORE_PW, NEWKEY_PASS: KEY_PW };

/** The plan most cases start from: the JKS for primary, tls, axis2 and sec.policy (EI 6.2.0 has all four). */
export function basePlan(over: Record<string, unknown> = {}): Record<string, any> {
  return {
    version: 1,
    confirmInternalKeystoreChange: true,
    keystores: {
      newks: {
        path: `${SECURITY}/new.jks`,
        type: 'JKS',
        password: { env: 'NEWKS_PASS' },
        keyPassword: { env: 'NEWKEY_PASS' },
        alias: 'newkey',
      },
    },
    functions: { primary: 'newks', tls: 'newks', axis2: 'newks', secPolicy: 'newks' },
    ...over,
  };
}

export function distIsBuilt(): boolean {
  return fs.existsSync(path.join(REPO, 'dist', 'cli', 'main.js'));
}
