/**
 * Runs Java's keytool for tests: to make keystores at test time and to check what our code reads or
 * writes against Java's own view. Tests skip (with a logged reason) when keytool is missing.
 * Passwords are passed as arguments (test passwords only) and never appear in thrown messages.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJks, serializeJks } from '../../src/keystore/jks';
import { FIXTURES } from './home';

/** UTF-8 locale so Java decodes non-ASCII password arguments as the test wrote them. */
const ENV: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' };
delete ENV.JAVA_TOOL_OPTIONS;
const EN = ['-J-Duser.language=en', '-J-Duser.country=US'];

let available: boolean | undefined;
export function hasKeytool(): boolean {
  if (available === undefined) {
    try {
      execFileSync('keytool', ['-help'], { stdio: 'pipe', env: ENV });
      available = true;
    } catch {
      available = false;
    }
  }
  return available;
}

/** `describe` when keytool exists, otherwise a skipped describe plus a logged reason. */
export function describeWithKeytool(name: string, fn: () => void): void {
  if (hasKeytool()) {
    describe(name, fn);
  } else {
    // eslint-disable-next-line no-console
    console.warn(`skipping "${name}": keytool is not on PATH (CI installs a JRE)`);
    describe.skip(name, fn);
  }
}

export function keytool(args: string[], jvmFlags: string[] = []): string {
  try {
    return execFileSync('keytool', [...EN, ...jvmFlags, ...args], { stdio: 'pipe', env: ENV, encoding: 'utf8' });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; status?: number };
    throw new Error(`keytool ${args[0]} failed (exit ${err.status}): ${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

export const tmpDir = (prefix: string): string => mkdtempSync(join(tmpdir(), `wso2-ks-${prefix}-`));

export interface GenKeyOptions {
  file: string;
  storeType: 'JKS' | 'PKCS12' | 'JCEKS';
  storePass: string;
  keyPass?: string;
  alias: string;
  keyalg?: 'RSA' | 'EC';
  dname?: string;
  ext?: string[];
  startdate?: string;
  validity?: number;
  legacy?: boolean;
}

export function genKeyPair(o: GenKeyOptions): void {
  const args = ['-genkeypair', '-alias', o.alias, '-keystore', o.file, '-storetype', o.storeType, '-storepass', o.storePass];
  args.push('-keypass', o.keyPass ?? o.storePass);
  args.push('-dname', o.dname ?? `CN=${o.alias}, O=Test`);
  if (o.keyalg === 'EC') args.push('-keyalg', 'EC', '-groupname', 'secp256r1');
  else args.push('-keyalg', 'RSA', '-keysize', '2048');
  for (const e of o.ext ?? []) args.push('-ext', e);
  if (o.startdate) args.push('-startdate', o.startdate);
  args.push('-validity', String(o.validity ?? 365));
  keytool(args, o.legacy ? ['-J-Dkeystore.pkcs12.legacy'] : []);
}

export function exportCert(file: string, storePass: string, alias: string): Buffer {
  const out = join(tmpDir('export'), 'cert.der');
  keytool(['-exportcert', '-alias', alias, '-keystore', file, '-storepass', storePass, '-file', out]);
  return readFileSync(out);
}

export function importTrusted(file: string, storeType: string, storePass: string, alias: string, certFile: string, legacy = false): void {
  keytool(
    ['-importcert', '-noprompt', '-alias', alias, '-file', certFile, '-keystore', file, '-storetype', storeType, '-storepass', storePass],
    legacy ? ['-J-Dkeystore.pkcs12.legacy'] : [],
  );
}

export interface ListedEntry {
  alias: string;
  kind: 'privateKey' | 'trustedCert' | 'secretKey';
  /** SHA-256 of each certificate, leaf first. */
  sha256: string[];
  owners: string[];
  serials: string[];
}

/** Java's view of a keystore, parsed from `keytool -list -v`. */
export function listVerbose(file: string, storePass: string): ListedEntry[] {
  const text = keytool(['-list', '-v', '-keystore', file, '-storepass', storePass]);
  const out: ListedEntry[] = [];
  let cur: ListedEntry | undefined;
  for (const line of text.split('\n')) {
    const m = /^Alias name: (.*)$/.exec(line);
    if (m) {
      cur = { alias: m[1], kind: 'trustedCert', sha256: [], owners: [], serials: [] };
      out.push(cur);
      continue;
    }
    if (!cur) continue;
    if (line.startsWith('Entry type: ')) {
      const t = line.slice('Entry type: '.length).trim();
      cur.kind = t === 'PrivateKeyEntry' ? 'privateKey' : t === 'SecretKeyEntry' ? 'secretKey' : 'trustedCert';
    }
    const fp = /^\s+SHA256: (.*)$/.exec(line);
    if (fp) cur.sha256.push(fp[1].trim());
    if (line.startsWith('Owner: ')) cur.owners.push(line.slice('Owner: '.length));
    if (line.startsWith('Serial number: ')) cur.serials.push(line.slice('Serial number: '.length));
  }
  return out;
}

/** Entry count from plain `keytool -list` (which also proves Java can open the file). */
export function listCount(file: string, storePass: string): { count: number; text: string } {
  const text = keytool(['-list', '-keystore', file, '-storepass', storePass]);
  const m = /Your keystore contains (\d+) entr/.exec(text);
  if (!m) throw new Error('keytool -list printed no entry count');
  return { count: Number(m[1]), text };
}

export const copyTo = (src: string, dir: string, name: string): string => {
  const dest = join(dir, name);
  copyFileSync(src, dest);
  return dest;
};

export const WSO2_SECURITY = join(FIXTURES, 'carbon-kernel-4.4.26', 'repository', 'resources', 'security');

// ---------------------------------------------------------------------------------------------
// The keystores most tests need, made once per test file.

export const PW = {
  /** JKS: store and key passwords differ; both have XML specials, quotes and non-ASCII. */
  jksStore: `st&<>"'é-ü`,
  jksKey: `kéy&<ü>"'`,
  /** Java refuses non-ASCII passwords for PBES2 (its PKCS12 default), so this one is ASCII. */
  p12: `p12&<>"'pass`,
  /** Java refuses non-ASCII for every PKCS12 PBE scheme, legacy ones included. */
  legacy: `leg&<>"'acy`,
  other: 'otherpass',
} as const;

export interface MadeKeystores {
  dir: string;
  /** server (key password differs), signer (digitalSignature only), eckey (EC), old (expired), partner (trusted). */
  jks: string;
  /** server, edge (EC), partner (trusted); Java 17 default PBES2/AES-256, HmacPBESHA256. */
  p12: string;
  /** server, partner (trusted); 3DES keys, RC2-40 certificates, SHA-1 MAC. */
  legacy: string;
  /** The PKCS12 above, under a name that says JKS. */
  liar: string;
  jceks: string;
  /** A certificate from another keystore, for imports. */
  partnerCertFile: string;
  partnerCert: Buffer;
}

export function makeKeystores(prefix: string): MadeKeystores {
  const dir = tmpDir(prefix);
  const other = join(dir, 'other.jks');
  genKeyPair({ file: other, storeType: 'JKS', storePass: PW.other, alias: 'partner', dname: 'CN=partner.example, O=Partner' });
  const partnerCert = exportCert(other, PW.other, 'partner');
  const partnerCertFile = join(dir, 'partner.der');
  writeFileSync(partnerCertFile, partnerCert);

  const jks = join(dir, 'mixed.jks');
  genKeyPair({
    file: jks,
    storeType: 'JKS',
    storePass: PW.jksStore,
    keyPass: PW.jksKey,
    alias: 'server',
    dname: 'CN=localhost, OU=Dev, O="Acme, Inc.", C=US',
    ext: ['san=dns:localhost,dns:wso2.example,ip:127.0.0.1', 'ku=digitalSignature,keyEncipherment'],
  });
  genKeyPair({ file: jks, storeType: 'JKS', storePass: PW.jksStore, alias: 'signer', ext: ['ku=digitalSignature'] });
  genKeyPair({ file: jks, storeType: 'JKS', storePass: PW.jksStore, alias: 'ecKey', keyalg: 'EC' });
  genKeyPair({ file: jks, storeType: 'JKS', storePass: PW.jksStore, alias: 'old', startdate: '-2y', validity: 30 });
  importTrusted(jks, 'JKS', PW.jksStore, 'partner', partnerCertFile);

  const p12 = join(dir, 'store.p12');
  genKeyPair({ file: p12, storeType: 'PKCS12', storePass: PW.p12, alias: 'server', ext: ['san=dns:localhost'] });
  genKeyPair({ file: p12, storeType: 'PKCS12', storePass: PW.p12, alias: 'edge', keyalg: 'EC' });
  importTrusted(p12, 'PKCS12', PW.p12, 'partner', partnerCertFile);

  const legacy = join(dir, 'legacy.p12');
  genKeyPair({ file: legacy, storeType: 'PKCS12', storePass: PW.legacy, alias: 'server', legacy: true });
  importTrusted(legacy, 'PKCS12', PW.legacy, 'partner', partnerCertFile, true);

  const liar = copyTo(p12, dir, 'really-pkcs12.jks');
  const jceks = join(dir, 'store.jceks');
  genKeyPair({ file: jceks, storeType: 'JCEKS', storePass: PW.other, alias: 'k' });
  return { dir, jks, p12, legacy, liar, jceks, partnerCertFile, partnerCert };
}

/**
 * wso2carbon.jks with its one real key entry stored under `n` aliases (key01, key02, …) ahead of its
 * 35 trusted certificates, re-signed by our serialiser. Sun's KeyProtector does not bind a key to its
 * alias, so every copy opens like the original (the tests check one); n keytool -genkeypair runs
 * would take seconds each.
 */
export function withManyKeys(n: number): Buffer {
  const raw = parseJks(readFileSync(`${WSO2_SECURITY}/wso2carbon.jks`), 'wso2carbon', 'fixture');
  const key = raw.entries.find((e) => e.alias === 'wso2carbon')!;
  const copies = Array.from({ length: n }, (_, i) => ({ ...key, alias: `key${String(i + 1).padStart(2, '0')}` }));
  raw.entries = [...copies, ...raw.entries.filter((e) => e.tag === 2)];
  return serializeJks(raw, 'wso2carbon');
}
