/**
 * Plan → the resolved keystore of each function (paths against HOME, passwords from env, type from
 * the plan or from the file's bytes). The keystore bytes come in through `readKeystore` so this
 * stays free of I/O.
 */
import { KsError } from '../errors';
import type { KsFunction } from '../changes/types';
import type { Targets } from '../changes/plan-changes';
import type { KeystoreTarget } from '../edit/types';
import { resolveKeystorePath, resolveSecret, type Plan } from './plan';

export interface ResolvedKeystore extends KeystoreTarget {
  allowExpired: boolean;
  /** The type the plan declared, if any (checked against the bytes). */
  declaredType?: 'JKS' | 'PKCS12';
}

/** The type a keystore file's first bytes say, without opening it. */
export function sniffKeystoreType(bytes: Buffer): 'JKS' | 'PKCS12' | 'JCEKS' | 'unknown' {
  if (bytes.length >= 4) {
    const magic = bytes.readUInt32BE(0);
    if (magic === 0xfeedfeed) return 'JKS';
    if (magic === 0xcececece) return 'JCEKS';
  }
  if (bytes.length > 4 && bytes[0] === 0x30) return 'PKCS12';
  return 'unknown';
}

export function resolveKeystores(
  plan: Plan,
  home: string,
  env: NodeJS.ProcessEnv,
  readKeystore: (absPath: string, name: string) => Buffer,
): Map<string, ResolvedKeystore> {
  const used = new Set(Object.values(plan.functions));
  const out = new Map<string, ResolvedKeystore>();
  for (const name of used) {
    const k = plan.keystores[name];
    const where = `keystores.${name}`;
    const { absPath, homeRelPath } = resolveKeystorePath(home, k.path);
    const password = resolveSecret(k.password, `${where}.password`, env);
    const keyPassword = k.keyPassword === undefined ? password : resolveSecret(k.keyPassword, `${where}.keyPassword`, env);
    const bytes = readKeystore(absPath, name);
    const sniffed = sniffKeystoreType(bytes);
    if (sniffed === 'JCEKS') {
      throw new KsError('KEYSTORE_UNSUPPORTED', `${k.path} is a JCEKS keystore, which WSO2 Carbon does not use and this tool does not support`, {
        hint: 'Convert it: keytool -importkeystore -srcstoretype JCEKS -deststoretype PKCS12 …',
      });
    }
    if (sniffed === 'unknown') {
      throw new KsError('KEYSTORE_INVALID', `${k.path} is not a keystore (${bytes.length === 0 ? 'the file is empty' : 'neither JKS nor PKCS12 bytes'})`, {
        hint: `Check keystores.${name}.path.`,
      });
    }
    if (k.type && k.type !== sniffed) {
      throw new KsError('KEYSTORE_TYPE_MISMATCH', `${where} is declared ${k.type}, but ${k.path} is a ${sniffed} file`, {
        hint: `Set "type": "${sniffed}" (the server would fail to open it as ${k.type}).`,
      });
    }
    out.set(name, {
      name,
      absPath,
      homeRelPath,
      type: sniffed,
      declaredType: k.type,
      password,
      alias: k.alias,
      keyPassword,
      allowExpired: k.allowExpired ?? false,
    });
  }
  return out;
}

export function targetsOf(plan: Plan, keystores: Map<string, ResolvedKeystore>): Targets {
  const targets: Targets = {};
  for (const [fn, name] of Object.entries(plan.functions) as [KsFunction, string][]) targets[fn] = keystores.get(name);
  return targets;
}
