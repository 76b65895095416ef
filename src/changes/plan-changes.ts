/**
 * The planner: (home layout, file bytes, resolved targets) → ChangeSet. Pure: it reads nothing and
 * writes nothing, so `--dry-run` and apply see exactly the same changes.
 *
 * It also guards the one change that can destroy data: the keystore that encrypts internal data
 * (Security/InternalKeyStore, or the primary keystore where there is none). Moving it makes data
 * already encrypted unreadable, so it needs `confirmInternalKeystoreChange`.
 */
import { KsError } from '../errors';
import { patchAxis2, readAxis2 } from '../edit/axis2';
import { CARBON_KEEP, patchCarbonXml, readCarbonXml, secretAliasOf, type VaultSecret } from '../edit/carbon';
import { patchCatalina, readCatalina } from '../edit/catalina';
import { formatKeystorePath } from '../edit/paths';
import { readProperties } from '../edit/properties';
import { encryptedAliases, markAttributeVault, reencryptWarning, routeVaultAttributeEdits, staleBracketed, unreadableVaultNote, vaultCannotReadWarning } from '../edit/secure-vault';
import { applyAlsoUpdate, type AlsoUpdateOptions } from './also-update';
import { cipherTextBase, withVaultSecrets } from './cipher-text';
import { changeSecPolicy, finish, targetNamed, unreadableByVault, vaultValueNow, INTERNAL_KEYSTORE_ADVICE, INTERNAL_KEYSTORE_CONSEQUENCES, sameKeystore, sameTarget } from './common';

export { INTERNAL_KEYSTORE_ADVICE, INTERNAL_KEYSTORE_CONSEQUENCES };
import { planToml } from './plan-toml';
import { cipherToolOf } from '../home/settings';
import type { CurrentSetting, KeystoreTarget, SettingEdit } from '../edit/types';
import type { XmlEditContext } from '../edit/xml-edit';
import { managedFiles, type HomeLayout } from '../home/layout';
import { decodedText } from './decoded';
import { checkXml, parseXml, pathOf, type ParseXmlOptions } from '../xml/document';
import type { ChangeSet, FileChange, KsFunction, ReadVault } from './types';

export type Targets = Partial<Record<KsFunction, KeystoreTarget>>;

export interface PlanInput {
  layout: HomeLayout;
  /** Bytes of every file the layout names (missing ones absent). */
  files: Map<string, Buffer>;
  targets: Targets;
  confirmInternalKeystoreChange?: boolean;
  /** Other references to the keystores the plan moves (scan): listed, or moved with mode "sameFile". Their files' bytes go in `files`. */
  alsoUpdate?: AlsoUpdateOptions;
  /**
   * An encrypted Secure Vault value decrypted with the private key of `keystore`, one of the plan's
   * (the caller holds the keys: the planner reads no keystore); null when it cannot. Asked only with
   * the keystore Secure Vault uses after the plan: a value that decrypts with it to the password the
   * plan would write is left as it is, so a plan run again after the cipher tool changes nothing.
   */
  readVault?: ReadVault;
}

function bytesOf(input: PlanInput, rel: string): Buffer {
  const b = input.files.get(rel);
  if (!b) throw new Error(`planner was not given ${rel}`);
  return b;
}

interface XmlFileResult {
  edits: SettingEdit[];
  warnings: string[];
  vaultSecrets?: VaultSecret[];
}

/** Decode, parse, patch, re-encode and re-parse one XML file. */
function changeXmlFile(
  input: PlanInput,
  rel: string,
  patch: (ctx: XmlEditContext) => XmlFileResult,
  secrets: Set<string>,
  read: (ctx: XmlEditContext) => CurrentSetting[],
  keep?: ParseXmlOptions['keep'],
): { change: FileChange; warnings: string[]; vaultSecrets: VaultSecret[] } {
  const before = bytesOf(input, rel);
  const { text, encoding } = decodedText(before, rel);
  const doc = parseXml(text, rel, { keep });
  const ctx: XmlEditContext = { doc, encoding, file: rel };
  for (const s of read(ctx)) {
    // A Secure Vault placeholder ("password") is not a secret: masking it would blank the word everywhere.
    if (s.password && !s.secretAlias) secrets.add(s.password);
    if (s.keyPassword) secrets.add(s.keyPassword);
  }
  const result = patch(ctx);
  return { ...finish(rel, before, text, encoding, result.edits, (t) => checkXml(t, rel)), warnings: result.warnings, vaultSecrets: result.vaultSecrets ?? [] };
}

/**
 * The keystore that encrypts internal data now, and after the plan. Before kernel 4.4.35 (no
 * InternalKeyStore) the primary keystore does that job.
 */
export function internalKeystoreChange(current: ReturnType<typeof readCarbonXml>, targets: Targets): { from: string; to: string } | null {
  const now = current.internal ?? current.primary;
  if (!now) return null;
  let next: { location?: string; alias?: string } = now;
  if (targets.internal) next = { location: formatKeystorePath(targets.internal, 'carbonHome'), alias: targets.internal.alias };
  else if (!current.internal && targets.primary) next = { location: formatKeystorePath(targets.primary, 'carbonHome'), alias: targets.primary.alias };
  if (sameKeystore(now, next)) return null;
  return { from: `${now.location} (alias ${now.alias})`, to: `${next.location} (alias ${next.alias})` };
}

export function planChanges(input: PlanInput): ChangeSet {
  if (input.alsoUpdate) return applyAlsoUpdate(planChanges({ ...input, alsoUpdate: undefined }), input);
  const { layout, targets } = input;
  // deployment.toml homes: the XML files are generated at every start, so only the toml is edited.
  if (layout.era === 'toml') return planToml(input);
  const secrets = new Set<string>();
  for (const t of Object.values(targets)) {
    if (!t) continue;
    secrets.add(t.password);
    secrets.add(t.keyPassword);
  }
  const files: FileChange[] = [];
  const warnings: string[] = [];
  const notApplicable: KsFunction[] = [];
  const vault: VaultSecret[] = [];
  let vaultKeystoreChange: { from: string; to: string } | null = null;

  if (targets.primary || targets.internal || targets.truststore) {
    const rel = layout.files.carbon;
    if (!rel) throw new KsError('FILE_MISSING', `${layout.confDir}/carbon.xml is missing`, { hint: 'primary, internal and truststore live in carbon.xml.' });
    const r = changeXmlFile(
      input,
      rel,
      (ctx) => {
        const current = readCarbonXml(ctx.doc);
        const change = internalKeystoreChange(current, targets);
        if (change && !input.confirmInternalKeystoreChange) {
          const why = current.internal ? 'Security/InternalKeyStore' : 'the primary keystore (this home has no Security/InternalKeyStore, so the primary keystore encrypts internal data)';
          throw new KsError(
            'INTERNAL_KEYSTORE_CHANGE',
            `this plan changes the keystore that encrypts internal data, ${why}: from ${change.from} to ${change.to}. ${INTERNAL_KEYSTORE_CONSEQUENCES}`,
            {
              file: rel,
              hint: `${INTERNAL_KEYSTORE_ADVICE}. If you have, add "confirmInternalKeystoreChange": true to the plan.`,
            },
          );
        }
        if (change) warnings.push(`internal data encryption moves from ${change.from} to ${change.to}: data already encrypted with the old key must be re-encrypted (WSO2 data migration / cipher tool)`);
        // The primary keystore did the encrypting until now; the InternalKeyStore block this plan adds
        // takes that over only where the server reads it.
        const { primary: p, internal: i } = targets;
        const was = current.primary;
        if (!current.internal && p && i && was && !sameTarget(i, p) && !sameKeystore(was, { location: formatKeystorePath(p, 'carbonHome'), alias: p.alias })) {
          warnings.push(
            `internal data encryption: ${rel} had no Security/InternalKeyStore, so until now the primary keystore (${was.location}, alias ${was.alias}) encrypted internal data. ` +
              'The Security/InternalKeyStore and CryptoService blocks this plan adds are read only by kernels with the Carbon Crypto Service (4.4.35 and later, or an earlier kernel updated to include it). ' +
              'On a kernel without it the primary keystore, which this plan moves, still encrypts internal data, and what the server has stored cannot be decrypted: check that this server has it before restarting.',
          );
        }
        vaultKeystoreChange = change;
        return patchCarbonXml(ctx, { primary: targets.primary, internal: targets.internal, truststore: targets.truststore });
      },
      secrets,
      (ctx) => {
        const c = readCarbonXml(ctx.doc);
        return [c.primary, c.internal, c.truststore].filter((x): x is CurrentSetting => Boolean(x));
      },
      CARBON_KEEP,
    );
    files.push(r.change);
    warnings.push(...r.warnings);
    vault.push(...r.vaultSecrets);
  }

  if (targets.tls || targets.truststore) {
    const rel = layout.files.catalina;
    if (!rel) {
      if (targets.tls) {
        warnings.push(`tls: ${layout.confDir}/tomcat/catalina-server.xml is missing; nothing changed for Tomcat`);
        notApplicable.push('tls');
      }
    } else {
      const text = decodedText(bytesOf(input, rel), rel).text;
      const current = readCatalina(parseXml(text, rel));
      const hasKeyHolder = current.some((c) => c.function === 'tls');
      if (targets.tls && !hasKeyHolder) {
        warnings.push(`tls: ${rel} has no SSL Connector with a keystore; nothing changed there`);
        notApplicable.push('tls');
      }
      if (hasKeyHolder || current.some((c) => c.function === 'truststore')) {
        // Secure Vault: `keystorePass="password"` + svns:secretAlias on the Connector (as the cipher tool leaves it).
        const cipherTool = cipherToolOf(input.layout, input.files);
        const r = changeXmlFile(
          input,
          rel,
          (ctx) => {
            const p = patchCatalina(ctx, { tls: hasKeyHolder ? targets.tls : undefined, truststore: targets.truststore });
            const v = routeVaultAttributeEdits(ctx.doc, rel, p.edits, cipherTool);
            return { edits: v.edits, warnings: [...p.warnings, ...v.warnings], vaultSecrets: v.vaultSecrets };
          },
          secrets,
          (ctx) => markAttributeVault(ctx.doc, rel, readCatalina(ctx.doc), cipherTool),
        );
        if (r.change.changes.length || targets.tls || r.vaultSecrets.length) files.push(r.change);
        warnings.push(...r.warnings);
        vault.push(...r.vaultSecrets);
      }
    }
  }

  if (targets.axis2 || targets.truststore) {
    let any = false;
    for (const rel of layout.files.axis2) {
      const text = decodedText(bytesOf(input, rel), rel).text;
      const current = readAxis2(parseXml(text, rel));
      if (current.length === 0) continue;
      const relevant = current.some((c) => (c.function === 'axis2' && targets.axis2) || (c.function === 'truststore' && targets.truststore));
      if (!relevant) continue;
      if (current.some((c) => c.function === 'axis2')) any = true;
      const r = changeXmlFile(input, rel, (ctx) => patchAxis2(ctx, { axis2: targets.axis2, truststore: targets.truststore }), secrets, (ctx) => readAxis2(ctx.doc));
      files.push(r.change);
      warnings.push(...r.warnings);
      vault.push(...r.vaultSecrets);
    }
    if (targets.axis2 && !any) {
      warnings.push(`axis2: no ${layout.confDir}/axis2/*.xml has an active https transport with a keystore (in this product they are commented out); nothing changed`);
      notApplicable.push('axis2');
    }
  }

  if (targets.secPolicy) {
    const change = changeSecPolicy(layout, input.files, targets.secPolicy, warnings, (rel) => `secPolicy: ${rel} has no keystore entry; nothing changed`);
    if (change) files.push(change);
    else notApplicable.push('secPolicy');
  }

  const vaultChange = vaultKeystoreChange as { from: string; to: string } | null; // assigned inside the carbon.xml callback
  secureVault(input, vault, vaultChange, files, warnings);

  return { home: layout.home, files, warnings, secrets: [...secrets].filter((s) => s.length > 0), ...(notApplicable.length ? { notApplicable } : {}) };
}

/**
 * Secure Vault's side of a plan on a carbon.xml home: the new passwords of vaulted settings into
 * cipher-text.properties (unless the value there already decrypts to them), and what the admin must
 * know about the rest of that file: values to re-encrypt when the vault's keystore moves, values its
 * key cannot read, old passwords still in brackets.
 */
function secureVault(input: PlanInput, vault: VaultSecret[], vaultChange: { from: string; to: string } | null, files: FileChange[], warnings: string[]): void {
  // cipher-text.properties as it is now: alias → value as stored (`[clear]` or encrypted).
  const ctRel = input.layout.files.cipherText;
  const ctBytes = ctRel ? input.files.get(ctRel) : undefined;
  const ctText = ctRel && ctBytes ? decodedText(ctBytes, ctRel).text : null;
  const stored = new Map(ctText === null ? [] : readProperties(ctText).map((p) => [p.key, p.value]));
  const vaultKeystore = vault.length ? vaultKeystoreAfter(input) : undefined;
  const { toWrite, settled, unreadable, same } = vaultToWrite(vault, stored, vaultKeystore, input.readVault);
  if (vault.length) checkVaultAliases(input, vault, same, unreadable);
  if (toWrite.length) files.push(changeCipherText(input, toWrite, unreadable, vaultKeystore !== undefined, warnings));
  if (!ctRel || ctText === null) return;
  const fresh = new Set(toWrite.map((v) => v.alias));
  // Secure Vault encrypts with the same keystore (internal, else primary): every secret must be redone.
  // Only encrypted values become unreadable: a bracketed one is clear text the cipher tool has not
  // encrypted yet, and a settled one already decrypts with the keystore the vault moves to.
  const aliases = vaultChange ? encryptedAliases(ctText).filter((a) => !settled.has(a)) : [];
  if (vaultChange && aliases.length) warnings.push(reencryptWarning({ ...vaultChange, aliases, where: ctRel, fresh: [...fresh] }));
  // With the vault's key in hand and the vault staying where it is: values it cannot read.
  if (!vaultChange && vaultKeystore && input.readVault) {
    const lost = unreadableByVault([...stored].filter(([a]) => !fresh.has(a) && !settled.has(a)), vaultKeystore, input.readVault);
    if (lost.length) warnings.push(vaultCannotReadWarning(lost, ctRel, `${formatKeystorePath(vaultKeystore, 'carbonHome')} (alias ${vaultKeystore.alias})`));
  }
  const replaced = files.flatMap((f) => f.changes.filter((c) => c.secret && c.from).map((c) => ({ file: f.path, setting: c.setting, from: c.from })));
  const stale = staleBracketed(ctText, cipherToolOf(input.layout, input.files), replaced).filter((a) => !fresh.has(a));
  if (stale.length) {
    warnings.push(
      `${ctRel} still holds the old password in brackets (not encrypted) for ${stale.join(', ')}. The server does not read them now, but bin/ciphertool.sh -Dconfigure would encrypt those old values and put their placeholders over the new passwords: before you run it, write the new passwords there (alias=[value]).`,
    );
  }
}

/**
 * Secure Vault: a password element that carries svns:secretAlias holds only a placeholder; the real
 * value lives encrypted in cipher-text.properties. We never put a clear password into the config:
 * the new value goes into cipher-text.properties as `alias=[value]`, which `ciphertool.sh
 * -Dconfigure` encrypts before the next start.
 */
function changeCipherText(input: PlanInput, vault: VaultSecret[], unreadable: readonly string[], inPlan: boolean, warnings: string[]): FileChange {
  const rel = input.layout.files.cipherText ?? `${input.layout.confDir}/security/cipher-text.properties`;
  const { change, aliases } = withVaultSecrets(cipherTextBase(rel, input.files.get(rel)), vault);
  const opaque = aliases.filter((a) => unreadable.includes(a));
  warnings.push(
    `Secure Vault: ${aliases.join(', ')} now hold the new password in clear in ${rel}, in brackets. Run ciphertool.sh -Dconfigure (bin/ciphertool.sh) before starting the server: it encrypts every bracketed value.` +
      (opaque.length ? ` ${unreadableVaultNote(opaque, rel, inPlan)}` : ''),
  );
  return { ...change, notes: [`${rel}: new Secure Vault values for ${aliases.join(', ')} (run ciphertool.sh -Dconfigure)`] };
}

/**
 * The keystore Secure Vault encrypts with after the plan (internal, else primary), when the plan
 * holds it: the one it gives that function, or the one the function keeps if the plan names that
 * keystore for another function.
 */
function vaultKeystoreAfter(input: PlanInput): KeystoreTarget | undefined {
  const { layout, targets } = input;
  const rel = layout.files.carbon;
  const bytes = rel ? input.files.get(rel) : undefined;
  if (!rel || !bytes) return undefined;
  const now = readCarbonXml(parseXml(decodedText(bytes, rel).text, rel, { keep: CARBON_KEEP }));
  if (targets.internal) return targets.internal;
  if (now.internal) return targetNamed(layout.home, targets, now.internal);
  return targets.primary ?? targetNamed(layout.home, targets, now.primary);
}

/**
 * A Secure Vault alias stands for one value. The plan may give it a new password only when every
 * element that carries it, in the files this tool edits, gets that same password: another setting
 * sharing it (InternalKeyStore's Password with the primary's alias, an axis2 listener's) would open
 * its keystore with the wrong password once the cipher tool has run. The toml planner has the same
 * rule for [secrets].
 */
function checkVaultAliases(input: PlanInput, vault: VaultSecret[], same: ReadonlySet<string>, unreadable: readonly string[]): void {
  const byAlias = new Map<string, VaultSecret[]>();
  for (const v of vault) byAlias.set(v.alias, [...(byAlias.get(v.alias) ?? []), v]);
  for (const [alias, list] of byAlias) {
    const other = list.find((v) => v.value !== list[0].value);
    if (other) {
      throw new KsError('PLAN_INVALID', `the Secure Vault alias ${alias} holds ${list[0].file} ${list[0].setting} and ${other.file} ${other.setting}, which this plan gives different passwords`, {
        file: other.file,
        line: other.line,
        hint: 'Give one of them a Secure Vault alias of its own first (svns:secretAlias on the element, and a line for it in cipher-tool.properties), then run the cipher tool and this plan again.',
      });
    }
  }
  // An alias whose value stays the same (in brackets or decrypted) breaks nothing.
  const changing = (alias: string | undefined) => alias !== undefined && byAlias.has(alias) && !same.has(alias);
  const others: Array<{ rel: string; line: number; setting: string; alias: string }> = [];
  for (const rel of managedFiles(input.layout).filter((r) => /\.xml$/i.test(r))) {
    const bytes = input.files.get(rel);
    if (!bytes) continue;
    const doc = parseXml(decodedText(bytes, rel).text, rel);
    for (const el of doc.elements) {
      const alias = secretAliasOf(el);
      if (!changing(alias)) continue;
      const line = doc.lineOf(el.start);
      if (byAlias.get(alias!)!.every((v) => v.file !== rel || v.line !== line)) others.push({ rel, line, setting: pathOf(el, true), alias: alias! });
    }
  }
  if (others.length) {
    const named = others.map((o) => `${o.rel}:${o.line} ${o.setting} (${o.alias})`).join(', ');
    const blind = others.some((o) => unreadable.includes(o.alias));
    throw new KsError('PLAN_INVALID', `a Secure Vault alias this plan gives a new password is also used by ${named}, which this plan does not change: the new password would break ${others.length === 1 ? 'it' : 'them'} once the cipher tool has run${blind ? " (this tool cannot read the alias's value now, encrypted with a key the plan does not hold, to tell whether the password changes)" : ''}`, {
      file: others[0].rel,
      hint: 'Give that setting a Secure Vault alias of its own (svns:secretAlias on the element, and a line for it in cipher-tool.properties) and run the cipher tool first, or add its function to the plan with the same keystore.',
    });
  }
}

/**
 * The vault secrets to write: not those whose alias already holds, encrypted, the password the plan
 * gives it (vaultValueNow's 'settled'). `same`: aliases whose value stays what it is (settled, or the
 * same in brackets), which no other setting on them can be hurt by. `unreadable`: encrypted values
 * the vault's key cannot read, written again and named.
 */
function vaultToWrite(
  vault: VaultSecret[],
  stored: ReadonlyMap<string, string>,
  keystore: KeystoreTarget | undefined,
  readVault: ReadVault | undefined,
): { toWrite: VaultSecret[]; settled: Set<string>; unreadable: string[]; same: Set<string> } {
  const settled = new Set<string>();
  const unreadable: string[] = [];
  const same = new Set<string>();
  const toWrite = vault.filter((v) => {
    const now = vaultValueNow(stored.get(v.alias), v.value, keystore, readVault);
    if (now === 'same' || now === 'settled') same.add(v.alias);
    if (now === 'settled') settled.add(v.alias);
    if (now === 'unreadable') unreadable.push(v.alias);
    return now !== 'settled';
  });
  return { toWrite, settled, unreadable, same };
}

