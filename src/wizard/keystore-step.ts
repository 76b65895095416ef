/**
 * Step 2 of the wizard: one new keystore, checked on the spot. Path (must exist), type (from the
 * bytes, never asked), store password (re-asked with the reason while it does not open the file),
 * alias (chosen from the private-key entries actually in the file), key password (same as the store
 * password by default, re-asked while it does not open the key), then the certificate's facts.
 * Reads keystore bytes; writes nothing.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { homeRelative } from '../io/paths';
import { isKsError } from '../errors';
import type { CertInfo, Keystore } from '../keystore/types';
import type { Prompter } from './prompter';

export interface WizardKeystore {
  /** The plan's name for it. */
  name: string;
  /** As written into a plan: relative to HOME when inside it, absolute otherwise. */
  path: string;
  absPath: string;
  type: 'JKS' | 'PKCS12';
  password: string;
  /** Absent when the file holds no private key (it can only serve as a truststore). */
  alias?: string;
  /** Absent when it is the store password. */
  keyPassword?: string;
  cert?: CertInfo;
  allowExpired?: boolean;
}

export interface KeystoreStepContext {
  prompt: Prompter;
  say: (s: string) => void;
  home: string;
  /** Keystore files the home uses now (absolute): not proposed as the new one. */
  inUse: Set<string>;
  /** Names already taken by earlier keystores of this session. */
  takenNames: Set<string>;
  now: Date;
}

/** Loaded when the first keystore file is checked, not before the first question is drawn. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const keystoreLib = () => require('../keystore') as typeof import('../keystore');

const KEYSTORE_FILE = /\.(jks|p12|pfx|keystore)$/i;

/** The newest keystore file in the home's security folders that the config does not use yet. */
export function proposeKeystorePath(home: string, inUse: Set<string>, exclude: Set<string> = new Set()): string | undefined {
  const found: Array<{ rel: string; mtime: number }> = [];
  for (const dir of ['repository/resources/security', 'conf/security', 'resources/security']) {
    let names: string[];
    try {
      names = readdirSync(join(home, dir));
    } catch {
      continue;
    }
    for (const n of names) {
      const abs = join(home, dir, n);
      if (!KEYSTORE_FILE.test(n) || inUse.has(abs) || exclude.has(abs)) continue;
      if (/truststore/i.test(n)) continue;
      try {
        found.push({ rel: `${dir}/${n}`, mtime: statSync(abs).mtimeMs });
      } catch {
        /* vanished */
      }
    }
  }
  found.sort((a, b) => b.mtime - a.mtime || a.rel.localeCompare(b.rel));
  return found[0]?.rel;
}

export function planPath(home: string, absPath: string): string {
  return homeRelative(home, absPath) ?? absPath;
}

/** A plan name for a keystore file, from its file name, not one of `taken`. */
export function keystoreName(absPath: string, taken: Set<string>): string {
  let base = basename(absPath).replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 56) || 'keystore';
  if (!/^[A-Za-z0-9]/.test(base)) base = `ks${base}`;
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  return name;
}

const reason = (e: unknown) => (isKsError(e) ? e.message : (e as Error).message);
const day = (d: Date) => d.toISOString().slice(0, 10);

export function describeCert(c: CertInfo): string {
  return [
    `    subject:     ${c.subject}`,
    `    issuer:      ${c.issuer}`,
    `    valid:       ${day(c.notBefore)} to ${day(c.notAfter)}`,
    `    SHA-256:     ${c.sha256}`,
    `    key:         ${c.keyAlgorithm} ${c.keySize}`,
    ...(c.sans.length ? [`    names (SAN): ${c.sans.join(', ')}`] : []),
  ].join('\n');
}

export async function askKeystore(ctx: KeystoreStepContext, exclude: Set<string> = new Set()): Promise<WizardKeystore> {
  const { prompt, say, home } = ctx;
  const suggestion = proposeKeystorePath(home, ctx.inUse, exclude);
  for (;;) {
    const answer = await prompt.input({
      message: 'Path of the new keystore (relative to the home, or absolute):',
      default: suggestion,
      validate: (v) => {
        const p = v.trim();
        if (!p) return 'Type the path of the keystore file (JKS or PKCS12).';
        const abs = resolve(home, p);
        if (!existsSync(abs)) return `${abs} does not exist. Copy the keystore into the home first (usually repository/resources/security/).`;
        if (!statSync(abs).isFile()) return `${abs} is not a file.`;
        const t = keystoreLib().detectKeystoreType(readFileSync(abs));
        if (t === 'JCEKS') return 'This is a JCEKS keystore, which WSO2 does not read. Convert it: keytool -importkeystore -srcstoretype JCEKS -deststoretype PKCS12 …';
        if (t === 'unknown') return 'This file is neither a JKS nor a PKCS12 keystore.';
        return true;
      },
    });
    const absPath = resolve(home, answer.trim());
    const bytes = readFileSync(absPath);
    const ks = keystoreLib();
    const type = ks.detectKeystoreType(bytes) as 'JKS' | 'PKCS12';
    const label = planPath(home, absPath);
    say(`  Type: ${type} (read from the file)`);

    let store: Keystore | undefined;
    const password = await prompt.password({
      message: `Store password of ${basename(absPath)}:`,
      validate: (v) => {
        if (!v) return 'The password is empty.';
        try {
          store = ks.openKeystore(bytes, { password: v, label: basename(absPath) });
          return true;
        } catch (e) {
          return `${reason(e)}. Ctrl-U clears what you typed; try again (Ctrl-C stops).`;
        }
      },
    });
    if (!store) store = ks.openKeystore(bytes, { password, label: basename(absPath) });
    const keys = store.entries.filter((e) => e.kind === 'privateKey');
    const result: WizardKeystore = { name: keystoreName(absPath, ctx.takenNames), path: label, absPath, type, password };
    say(`  Opened: ${store.entries.length} ${store.entries.length === 1 ? 'entry' : 'entries'}, ${keys.length} private ${keys.length === 1 ? 'key' : 'keys'}.`);
    if (keys.length === 0) {
      say('  It holds no private key, so it can serve only as a truststore.');
      return result;
    }

    const picked = await pickKey(ctx, store, bytes, password, label);
    if (!picked) continue; // the user chose another file
    return { ...result, ...picked };
  }
}

async function pickKey(
  ctx: KeystoreStepContext,
  store: Keystore,
  bytes: Buffer,
  password: string,
  label: string,
): Promise<Pick<WizardKeystore, 'alias' | 'keyPassword' | 'cert' | 'allowExpired'> | null> {
  const { prompt, say } = ctx;
  const ks = keystoreLib();
  const keys = store.entries.filter((e) => e.kind === 'privateKey');
  for (;;) {
    const alias = await prompt.select({
      message: 'Key alias (the private-key entries in this file):',
      choices: keys.map((k) => ({
        name: k.chain[0] ? `${k.alias}  (${k.chain[0].subject}, until ${day(k.chain[0].notAfter)})` : k.alias,
        short: k.alias,
        value: k.alias,
      })),
      default: keys[0].alias,
    });
    let keyPassword: string | undefined;
    let cert: CertInfo | undefined;
    const same = await prompt.select({
      message: 'Key password:',
      choices: [
        { name: 'Same as the store password', value: true, description: 'What keytool does unless told otherwise; always the case for PKCS12 made by Java.' },
        { name: 'A different password', value: false },
      ],
      default: true,
    });
    const check = (kp: string) => ks.checkKeyEntry(store, bytes, { alias, storePassword: password, keyPassword: kp, label });
    if (same) {
      try {
        cert = check(password);
      } catch (e) {
        if (!isKsError(e) || e.code !== 'KEY_PASSWORD') {
          say(`  ${reason(e)}`);
          if (await otherFile(prompt, keys.length)) return null;
          continue;
        }
        say(`  The store password does not open the key "${alias}": its key password is different.`);
      }
    }
    if (!cert) {
      let problem: unknown = null;
      keyPassword = await prompt.password({
        message: `Key password of "${alias}":`,
        validate: (v) => {
          if (!v) return 'The password is empty.';
          try {
            cert = check(v);
            return true;
          } catch (e) {
            if (isKsError(e) && e.code === 'KEY_PASSWORD') return `${reason(e)}. Ctrl-U clears what you typed; try again (Ctrl-C stops).`;
            problem = e;
            return true;
          }
        },
      });
      if (problem || !cert) {
        say(`  ${reason(problem)}`);
        if (await otherFile(prompt, keys.length)) return null;
        continue;
      }
      if (keyPassword === password) keyPassword = undefined;
    }
    say(`  Key "${alias}" opens. Its certificate:\n${describeCert(cert)}`);
    let allowExpired: boolean | undefined;
    for (const w of ks.certificateWarnings(cert, ctx.now)) say(`  warning: ${w}`);
    if (cert.notAfter.getTime() < ctx.now.getTime()) {
      const use = await prompt.confirm({ message: 'This certificate has expired; browsers and clients will refuse it. Use it anyway?', default: false });
      if (!use) {
        if (await otherFile(prompt, keys.length)) return null;
        continue;
      }
      allowExpired = true;
    }
    return { alias, keyPassword, cert, allowExpired };
  }
}

/** After a key cannot be used: pick another alias in the same file, or another file. */
async function otherFile(prompt: Prompter, keyCount: number): Promise<boolean> {
  if (keyCount < 2) return true;
  return prompt.select({
    message: 'What next?',
    choices: [
      { name: 'Choose another alias in this file', value: false },
      { name: 'Choose another keystore file', value: true },
    ],
    default: false,
  });
}
