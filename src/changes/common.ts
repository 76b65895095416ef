/**
 * Pieces both planners use: plan-changes.ts (carbon.xml homes) and plan-toml.ts (deployment.toml
 * homes). They live here because plan-changes imports plan-toml, so plan-toml cannot import it.
 */
import { resolve } from 'node:path';
import { readAxis2 } from '../edit/axis2';
import { patchSecPolicy, parsePolicy, readSecPolicy } from '../edit/sec-policy';
import { isBracketed, unbracketed } from '../edit/secure-vault';
import type { KeystoreTarget, SettingEdit } from '../edit/types';
import type { HomeLayout } from '../home/layout';
import { encodeText } from '../text/codec';
import { applyEdits, lineIndex } from '../text/patcher';
import { parseXml } from '../xml/document';
import { normalizeConfigPath } from '../edit/paths';
import { decodedText } from './decoded';
import type { FileChange, ReadVault, SettingChange } from './types';

/** A file's change from its edits; the edited text must read back (`reparse` throws if not). */
export function finish(rel: string, before: Buffer, text: string, encoding: 'utf8' | 'latin1', edits: SettingEdit[], reparse: (t: string) => unknown): { change: FileChange } {
  const afterText = applyEdits(text, edits);
  const after = afterText === text ? before : encodeText(afterText, encoding, rel);
  if (afterText !== text) {
    try {
      reparse(afterText);
    } catch (e) {
      throw new Error(`internal error: the edit of ${rel} would not parse back (${(e as Error).message})`);
    }
  }
  const lines = lineIndex(text);
  const changes: SettingChange[] = edits
    .sort((a, b) => a.start - b.start)
    .map((e) => ({ line: lines(e.start), setting: e.setting, from: e.from, to: e.to, secret: e.secret, function: e.function }));
  const notes = edits.filter((e) => e.note).map((e) => `${rel}: ${e.note}`);
  return { change: { path: rel, before, after, changes, notes } };
}

/**
 * Whether a toml home's generated axis2 files have an active https transport with a keystore (APIM's
 * gateway does; IS has them commented out). Those transports are generated from [keystore.tls]: the
 * one rule for "axis2 follows tls", for the planner's notes and the keystore checks alike.
 */
export function httpsTransportsFollowTls(layout: HomeLayout, files: Map<string, Buffer>): boolean {
  return (
    layout.era === 'toml' &&
    layout.files.axis2.some((rel) => {
      const bytes = files.get(rel);
      try {
        return Boolean(bytes) && readAxis2(parseXml(decodedText(bytes!, rel).text, rel)).some((s) => s.function === 'axis2');
      } catch {
        return false;
      }
    })
  );
}

/**
 * What a Secure Vault value holds now (as stored: `[clear]` or encrypted), against the password a
 * plan would give its alias. The one rule both planners use:
 * - 'same': that password, in brackets (not yet encrypted);
 * - 'settled': encrypted, and the key of `keystore` (the one Secure Vault uses after the plan, when
 *   the plan holds it) decrypts it to that password: left as it is;
 * - 'unreadable': encrypted, and there is no such key or it cannot read it;
 * - 'other': absent, or another password.
 */
export function vaultValueNow(stored: unknown, value: string, keystore: KeystoreTarget | undefined, readVault: ReadVault | undefined): 'same' | 'settled' | 'unreadable' | 'other' {
  if (typeof stored !== 'string') return 'other';
  if (isBracketed(stored)) return unbracketed(stored) === value ? 'same' : 'other';
  const clear = keystore && readVault ? readVault(stored, keystore) : null;
  return clear === value ? 'settled' : clear === null ? 'unreadable' : 'other';
}

/** The aliases of `stored` (alias → value as stored) whose value is encrypted and that `keystore`'s key cannot read. */
export function unreadableByVault(stored: Iterable<[string, unknown]>, keystore: KeystoreTarget, readVault: ReadVault): string[] {
  return [...stored].filter(([, v]) => typeof v === 'string' && !isBracketed(v) && readVault(v, keystore) === null).map(([alias]) => alias);
}

/** The same keystore file and alias (paths compared as the configs name them). */
export const sameKeystore = (a: { location?: string; alias?: string } | undefined, b: { location?: string; alias?: string } | undefined) =>
  normalizeConfigPath(a?.location ?? '') === normalizeConfigPath(b?.location ?? '') && (a?.alias ?? '') === (b?.alias ?? '');

/**
 * The plan target that is the keystore a setting names now (same file, same alias), if the plan
 * holds it: for a keystore the plan leaves in place but also gives to another function.
 */
export function targetNamed(home: string, targets: Partial<Record<string, KeystoreTarget>>, setting: { location?: string; alias?: string } | undefined): KeystoreTarget | undefined {
  if (!setting?.location) return undefined;
  const abs = resolve(home, normalizeConfigPath(setting.location));
  return Object.values(targets).find((t): t is KeystoreTarget => Boolean(t) && t!.absPath === abs && (t!.alias ?? '').toLowerCase() === (setting.alias ?? '').toLowerCase());
}

/** Two plan targets that would write the same values. */
export const sameTarget = (a: KeystoreTarget, b: KeystoreTarget) => a.absPath === b.absPath && a.alias === b.alias && a.password === b.password && a.keyPassword === b.keyPassword && a.type === b.type;

/**
 * sec.policy's change for the secPolicy target, or undefined with a warning when there is none to
 * make: the file is missing, or it has no keystore entry (`noKeystore(rel)` says so, in the planner's words).
 */
export function changeSecPolicy(layout: HomeLayout, files: Map<string, Buffer>, target: KeystoreTarget, warnings: string[], noKeystore: (rel: string) => string): FileChange | undefined {
  const rel = layout.files.secPolicy;
  const bytes = rel ? files.get(rel) : undefined;
  if (!rel || !bytes) {
    warnings.push(`secPolicy: ${layout.confDir}/sec.policy is missing; nothing changed`);
    return undefined;
  }
  const { text, encoding } = decodedText(bytes, rel);
  // One parse of the file serves both the keystore test and the patch; the edited text is parsed again
  // on purpose, by finish (the read-back every edited file gets).
  const model = parsePolicy(text, rel);
  if (!model.keystore) {
    warnings.push(noKeystore(rel));
    return undefined;
  }
  const r = patchSecPolicy(text, rel, target, model);
  warnings.push(...r.warnings);
  return finish(rel, bytes, text, encoding, r.edits, (t) => readSecPolicy(t, rel)).change;
}

/**
 * What moving the internal-encryption keystore costs, and what to do instead: one wording for both
 * planners' refusal (INTERNAL_KEYSTORE_CHANGE: its message and hint) and the wizard's warning, so
 * they cannot say different things. Sentences without their final full stop.
 */
export const INTERNAL_KEYSTORE_CONSEQUENCES =
  'Data the server has already encrypted (passwords in the registry and databases, OAuth secrets, Secure Vault values) can no longer be decrypted after this change';
export const INTERNAL_KEYSTORE_ADVICE = 'Keep the old keystore for internal encryption unless you have migrated the encrypted data (WSO2 docs: "Migrating encrypted data")';
