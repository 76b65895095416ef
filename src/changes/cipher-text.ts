/**
 * Secure Vault values into cipher-text.properties: `alias=[new password]`, which `ciphertool.sh
 * -Dconfigure` encrypts before the next start. One place for the planner and for alsoUpdate, which
 * both route passwords here instead of writing them in clear into a config.
 */
import type { VaultSecret } from '../edit/carbon';
import { setProperty } from '../edit/properties';
import { bracketed } from '../edit/secure-vault';
import { decodeText, encodeText } from '../text/codec';
import { applyEdits } from '../text/patcher';
import type { FileChange } from './types';

/** `base` with each alias set (first value of an alias wins). Returns the aliases written. */
export function withVaultSecrets(base: FileChange, vault: readonly VaultSecret[]): { change: FileChange; aliases: string[] } {
  const rel = base.path;
  const { text, encoding } = decodeText(base.after, rel);
  let after = text;
  const changes = [...base.changes];
  const seen = new Set<string>();
  for (const v of vault) {
    if (seen.has(v.alias)) continue;
    seen.add(v.alias);
    const e = setProperty(after, v.alias, bracketed(v.value, v.alias, rel));
    if (!e) continue;
    after = applyEdits(after, [e]);
    changes.push({ line: e.line, setting: v.alias, from: e.from ? '(encrypted)' : '', to: v.value, secret: true, function: 'other' });
  }
  return { change: { ...base, after: after === text ? base.after : encodeText(after, encoding, rel), changes }, aliases: [...seen] };
}

/** A cipher-text.properties change with nothing in it yet (the file may not exist). */
export function cipherTextBase(rel: string, bytes: Buffer | undefined): FileChange {
  const b = bytes ?? Buffer.alloc(0);
  return { path: rel, before: b, after: b, changes: [], notes: [], created: bytes === undefined };
}
