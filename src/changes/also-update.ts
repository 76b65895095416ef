/**
 * `"alsoUpdate": "sameFile"`: the references this tool does not manage (identity.xml's entitlement
 * keystore, sslprofiles.xml, listenerprofiles.xml, EndpointConfig.properties, the WSS inbound
 * endpoint, …) that point at the same keystore file as a function the plan changes are moved to that
 * function's new keystore, with the same minimal edits: the path (in the reference's own style) and,
 * where the reference carries them next to it, the type, password and key password. A password held
 * in Secure Vault goes to cipher-text.properties, as for carbon.xml.
 *
 * Without the option nothing extra is edited, but the summary lists every reference that still
 * points at a keystore the plan moves away from, so nothing is left behind silently. The same list
 * is the change set's `staysBehind` (what the wizard shows; `apply --json` prints it).
 *
 * Pure, like the planner: the references (from src/scan) and the bytes of their files come in.
 * `collectAlsoUpdate` is the one function here that reads the file system, for the CLI.
 *
 * Not moved (listed instead): a reference whose old keystore serves two changed functions that get
 * different keystores (which one would it want?), references in files deployment.toml regenerates
 * (they follow the toml at the next start), formats other than XML and .properties, and references
 * in the managed files themselves that none of the functions covers (axis2.xml's wss transport).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readAxis2 } from '../edit/axis2';
import { patchKeystoreBlock, readCarbonXml, type VaultSecret, type XmlPatchResult } from '../edit/carbon';
import { readCatalina } from '../edit/catalina';
import { normalizeConfigPath } from '../edit/paths';
import { findProperty, setProperty } from '../edit/properties';
import type { KeystoreTarget, SettingEdit } from '../edit/types';
import { setElementText, type XmlEditContext } from '../edit/xml-edit';
import { managedFiles, type HomeLayout } from '../home/layout';
import { scanHome, scanText, type Reference } from '../scan/scan';
import { decodedText } from './decoded';
import { lineIndex } from '../text/patcher';
import { attr, parseXml, type XmlElement } from '../xml/document';
import { cipherTextBase, withVaultSecrets } from './cipher-text';
import { finish, sameTarget } from './common';
import { readTomlSettings } from './plan-toml';
import type { ChangeSet, FileChange, KsFunction } from './types';

export interface AlsoUpdateOptions {
  mode: 'none' | 'sameFile';
  /** Every keystore reference of the home (scanHome). */
  references: Reference[];
  /** Files regenerated from deployment.toml at start (a `.j2` template exists for them). */
  generated?: string[];
}

type Targets = Partial<Record<KsFunction, KeystoreTarget>>;

interface Input {
  layout: HomeLayout;
  files: Map<string, Buffer>;
  targets: Targets;
  alsoUpdate?: AlsoUpdateOptions;
}

/** Where each function's keystore is now (home-relative, normalised). */
export function currentLocations(layout: HomeLayout, files: Map<string, Buffer>): Array<{ function: KsFunction; location: string }> {
  const out: Array<{ function: KsFunction; location: string }> = [];
  const push = (fn: string, loc?: string) => {
    if (loc && fn !== 'other') out.push({ function: fn as KsFunction, location: normalizeConfigPath(loc) });
  };
  const f = layout.files;
  const text = (rel?: string) => (rel && files.get(rel) ? decodedText(files.get(rel)!, rel).text : undefined);
  try {
    if (layout.era === 'toml') {
      const t = text(f.deploymentToml);
      if (t) for (const s of readTomlSettings(t, f.deploymentToml!, { layout, files })) push(s.function, s.location);
      // The https transports follow [keystore.tls].
      const tls = out.find((x) => x.function === 'tls');
      if (tls) out.push({ function: 'axis2', location: tls.location });
      return out;
    }
    const carbon = text(f.carbon);
    if (carbon) {
      const c = readCarbonXml(parseXml(carbon, f.carbon));
      push('primary', c.primary?.location);
      push('internal', (c.internal ?? c.primary)?.location);
      push('truststore', c.truststore?.location);
    }
    const cat = text(f.catalina);
    if (cat) for (const s of readCatalina(parseXml(cat, f.catalina))) push(s.function, s.location);
    for (const rel of f.axis2) {
      const a = text(rel);
      if (a) for (const s of readAxis2(parseXml(a, rel))) push(s.function, s.location);
    }
  } catch {
    /* a file the readers cannot follow: its references are listed, not moved */
  }
  return out;
}

/** Old keystore file (normalised, as the config names it) → the changed functions it served and the keystores they get. */
function movingKeystores(layout: HomeLayout, files: Map<string, Buffer>, targets: Targets): Map<string, Array<{ fn: KsFunction; target: KeystoreTarget }>> {
  const moving = new Map<string, Array<{ fn: KsFunction; target: KeystoreTarget }>>();
  for (const { function: fn, location } of currentLocations(layout, files)) {
    const t = targets[fn];
    if (!t) continue;
    if (normalizeConfigPath(t.homeRelPath ?? t.absPath) === location) continue;
    moving.set(location, [...(moving.get(location) ?? []), { fn, target: t }]);
  }
  return moving;
}

/** The new path in the style the old value was written in. */
function pathLike(old: string, t: KeystoreTarget): string {
  const abs = t.absPath.split('\\').join('/');
  if (t.homeRelPath === null) return old.startsWith('file:') ? `file:${abs}` : abs;
  const v = old.trim();
  for (const prefix of ['file:${carbon.home}/', 'file:${user.dir}/', '${carbon.home}/', '${user.dir}/', 'file:./', 'file:', './']) {
    if (v.startsWith(prefix)) return `${prefix}${t.homeRelPath}`;
  }
  return t.homeRelPath;
}

const isManaged = (layout: HomeLayout, rel: string) => managedFiles(layout).includes(rel);

interface Move {
  ref: Reference;
  target: KeystoreTarget;
  fn: KsFunction;
}

/** Merge the also-update edits (or the list of what stays behind) into the planner's change set. */
export function applyAlsoUpdate(cs: ChangeSet, input: Input): ChangeSet {
  const opts = input.alsoUpdate;
  if (!opts) return cs;
  const { layout, targets } = input;
  const moving = movingKeystores(layout, input.files, targets);
  if (moving.size === 0) return cs;
  /** The functions that move away from the keystore a reference names (a bare name is under resources/security). */
  const usersOf = (ref: Reference) => {
    const loc = normalizeConfigPath(ref.value);
    return moving.get(loc) ?? moving.get(`repository/resources/security/${loc}`);
  };

  const generated = new Set(opts.generated ?? []);
  const changedPaths = new Set(cs.files.map((f) => f.path));
  const behind: string[] = [];
  const partial: string[] = [];
  const regenerated: string[] = [];
  const moves: Move[] = [];
  for (const ref of opts.references) {
    if (isManaged(layout, ref.path) || changedPaths.has(ref.path)) continue;
    if (mapperInput(layout, ref.path)) continue;
    const users = usersOf(ref);
    if (!users) continue;
    const where = `${ref.path}:${ref.line} ${ref.setting}`;
    if (generated.has(ref.path)) {
      regenerated.push(where);
      continue;
    }
    // A reference outside the managed files is never about internal-data encryption (carbon.xml's
    // InternalKeyStore is managed): it follows the other functions, and stays when only that one moves.
    const movers = users.filter((u) => u.fn !== 'internal');
    if (movers.length === 0) continue;
    const distinct = movers.filter((u, i) => movers.findIndex((v) => sameTarget(u.target, v.target)) === i);
    if (opts.mode !== 'sameFile') behind.push(`${where} (${ref.value})`);
    else if (distinct.length > 1) behind.push(`${where} (${ref.value}: it served ${[...new Set(movers.map((u) => u.fn))].join(' and ')}, which get different keystores)`);
    else moves.push({ ref, target: distinct[0].target, fn: distinct[0].fn });
  }

  // References in the files the planner edits that none of its functions covers (axis2.xml's wss
  // transports, …): as the planner leaves them, in their final text. Listed, never moved (that
  // file's edits are the planner's). On a toml home the XML files follow deployment.toml.
  const finalBytes = new Map(cs.files.map((f) => [f.path, f.after]));
  const own = layout.era === 'toml' ? [layout.files.deploymentToml, layout.files.secPolicy] : managedFiles(layout);
  for (const rel of own) {
    const bytes = rel ? (finalBytes.get(rel) ?? input.files.get(rel)) : undefined;
    if (!rel || !bytes) continue;
    for (const ref of scanText(rel, bytes, layout)) {
      if (ref.function !== 'other' || !usersOf(ref)) continue;
      behind.push(`${rel}:${ref.line} ${ref.setting} (${ref.value}: not a setting this tool edits; change it by hand)`);
    }
  }

  const files = [...cs.files];
  const warnings = [...cs.warnings];
  const vault: VaultSecret[] = [];
  const byFile = new Map<string, Move[]>();
  for (const m of moves) byFile.set(m.ref.path, [...(byFile.get(m.ref.path) ?? []), m]);
  for (const [rel, list] of byFile) {
    const bytes = input.files.get(rel);
    if (!bytes) {
      behind.push(...list.map((m) => `${rel}:${m.ref.line} ${m.ref.setting} (the file was not read)`));
      continue;
    }
    const r = /\.xml(_PT)?$/i.test(rel) ? moveInXml(rel, bytes, list) : /\.properties$/i.test(rel) ? moveInProperties(rel, bytes, list) : null;
    if (!r) {
      behind.push(...list.map((m) => `${rel}:${m.ref.line} ${m.ref.setting} (not a format this tool edits)`));
      continue;
    }
    if (r.change.changes.length) files.push(r.change); // a file whose references all stay is not a change
    vault.push(...r.vaultSecrets);
    behind.push(...r.behind);
    partial.push(...r.partial);
    warnings.push(...r.warnings);
  }
  if (vault.length) mergeVault(files, layout, input.files, vault, warnings);

  if (regenerated.length) warnings.push(`these references are regenerated from ${layout.files.deploymentToml ?? 'deployment.toml'} at the next start and follow it: ${regenerated.join('; ')}`);
  if (partial.length) {
    warnings.push(`moved to the new keystore, but no password setting sits next to them: check by hand that they get its password: ${partial.join('; ')}`);
  }
  if (behind.length) {
    warnings.push(
      `still pointing at a keystore this plan moves away from: ${behind.join('; ')}.` +
        (opts.mode === 'sameFile' ? ' Change them by hand.' : ' Add "alsoUpdate": "sameFile" to the plan to move them too, or change them by hand.'),
    );
  }
  const secrets = new Set(cs.secrets);
  for (const m of moves) for (const s of [m.target.password, m.target.keyPassword]) if (s) secrets.add(s);
  return { ...cs, files, warnings, secrets: [...secrets], ...(behind.length ? { staysBehind: behind } : {}) };
}

interface FileResult {
  change: FileChange;
  vaultSecrets: VaultSecret[];
  /** References left as they were, and why. */
  behind: string[];
  /** References whose path moved but that name no password next to it: to check by hand. */
  partial: string[];
  warnings: string[];
}

/** The change of a file the references live in; its edits all serve 'other'. */
function fileChange(rel: string, before: Buffer, text: string, encoding: 'utf8' | 'latin1', edits: SettingEdit[], reparse: (t: string) => unknown = () => undefined): FileChange {
  const { change } = finish(rel, before, text, encoding, edits, reparse);
  return { ...change, notes: change.changes.length ? [`${rel}: moved to the new keystore with "alsoUpdate": "sameFile"`] : [] };
}

const PASSWORD_SIBLINGS = (name: string) => {
  const base = name.replace(/\.(file|location|path)$/i, '');
  return { pass: [`${base}.pass`, `${base}.password`], type: [`${base}.type`] };
};

function moveInXml(rel: string, bytes: Buffer, list: Move[]): FileResult {
  const { text, encoding } = decodedText(bytes, rel);
  const doc = parseXml(text, rel);
  const ctx: XmlEditContext = { doc, encoding, file: rel };
  const out: XmlPatchResult = { edits: [], warnings: [], vaultSecrets: [] };
  const behind: string[] = [];
  const partial: string[] = [];
  const done = new Set<XmlElement>();
  for (const m of list) {
    const el = doc.elements.find((e) => doc.lineOf(e.openEnd) <= m.ref.line && doc.lineOf(e.closeStart) >= m.ref.line && e.children.length === 0 && e.text.trim() === m.ref.value);
    if (!el) {
      behind.push(`${rel}:${m.ref.line} ${m.ref.setting} (not an element value this tool can edit)`);
      continue;
    }
    if (done.has(el)) continue;
    done.add(el);
    const isKey = m.fn !== 'truststore';
    const label = m.ref.setting;
    if (/^location$/i.test(el.local) && el.parent) {
      // A KeyStore-like block: Location, Type, Password, KeyPassword (identity.xml, sslprofiles.xml, …).
      const block = el.parent;
      const has = (n: string) => block.children.some((c) => c.local === n);
      if (has('KeyAlias')) {
        // A carbon.xml's own Security/KeyStore or InternalKeyStore (EI's other profiles under wso2/):
        // its KeyAlias names a key the new keystore need not hold, and that key may encrypt the
        // profile's stored data. Moving the path alone would stop the profile at start or leave its
        // encrypted data unreadable; that is a change to plan for that profile, not to follow.
        behind.push(`${rel}:${m.ref.line} ${label} (a keystore block with its own KeyAlias, which may also encrypt that profile's data: change it by hand if that profile should move)`);
        continue;
      }
      const values: Partial<Record<'Location' | 'Type' | 'Password' | 'KeyPassword', string>> = { Location: pathLike(el.text, m.target) };
      if (has('Type')) values.Type = m.target.type;
      if (has('Password')) values.Password = m.target.password;
      if (isKey && has('KeyPassword')) values.KeyPassword = m.target.keyPassword;
      patchKeystoreBlock(ctx, block, values, label.replace(/\/Location$/, ''), 'other', out);
      if (!has('Password')) partial.push(`${rel}:${m.ref.line} ${label}`);
      continue;
    }
    const e = setElementText(ctx, el, pathLike(el.text, m.target), { setting: label, function: 'other' });
    if (e) out.edits.push(e);
    const name = attr(el, 'name')?.value;
    if (el.local === 'parameter' && name && el.parent) {
      // Synapse parameters: wss.ssl.key.store.file → wss.ssl.key.store.pass (and wss.ssl.cert.pass for the key).
      const sib = PASSWORD_SIBLINGS(name);
      const param = (names: string[]) => el.parent!.children.find((c) => c.local === 'parameter' && names.includes(attr(c, 'name')?.value ?? ''));
      const pass = param(sib.pass);
      const set = (p: XmlElement | undefined, v: string, secret: boolean) => {
        if (!p) return;
        const ed = setElementText(ctx, p, v, { setting: `${label.replace(/\[[^\]]*\]$/, '')}[${attr(p, 'name')!.value}]`, secret, function: 'other' });
        if (ed) out.edits.push(ed);
      };
      set(pass, m.target.password, true);
      set(param(sib.type), m.target.type, false);
      if (isKey && /key\.store/.test(name)) set(param([name.replace(/key\.store\.(file|location|path)$/, 'cert.pass')]), m.target.keyPassword, true);
      if (!pass) partial.push(`${rel}:${m.ref.line} ${label}`);
    } else partial.push(`${rel}:${m.ref.line} ${label}`);
  }
  return { change: fileChange(rel, bytes, text, encoding, out.edits, (t) => parseXml(t, rel)), vaultSecrets: out.vaultSecrets, behind, partial, warnings: out.warnings };
}

/** Password keys that go with a keystore path key in .properties files WSO2 ships. */
const PROPERTY_PASSWORDS: Record<string, string> = {
  'client.keyStore': 'Carbon.Security.KeyStore.Password',
  'client.trustStore': 'Carbon.Security.TrustStore.Password',
};

function moveInProperties(rel: string, bytes: Buffer, list: Move[]): FileResult {
  const { text, encoding } = decodedText(bytes, rel);
  const edits: SettingEdit[] = [];
  const behind: string[] = [];
  const partial: string[] = [];
  const lines = lineIndex(text);
  for (const m of list) {
    const key = m.ref.setting;
    const cur = findProperty(text, key);
    if (!cur || lines(cur.valueStart) !== m.ref.line) {
      behind.push(`${rel}:${m.ref.line} ${key} (not a key=value line this tool can edit)`);
      continue;
    }
    // primary.key.location next to primary.key.alias (the cipher tool's key, cipher-standalone-config):
    // the alias need not be in the new keystore, and that key encrypts. As for a KeyAlias in XML.
    const base = key.replace(/\.(location|file|path)$/i, '');
    const aliasKey = base !== key ? [`${base}.alias`, `${base}.keyAlias`, `${base}.KeyAlias`].find((k) => findProperty(text, k)) : undefined;
    if (aliasKey) {
      behind.push(`${rel}:${m.ref.line} ${key} (a keystore with its own alias, ${aliasKey}, whose key may encrypt data: change it by hand if it should move)`);
      continue;
    }
    const pe = setProperty(text, key, pathLike(cur.value, m.target));
    if (pe) edits.push({ ...pe, setting: key, to: pathLike(cur.value, m.target), secret: false, function: 'other' });
    const pwKey = PROPERTY_PASSWORDS[key] ?? [`${key}Password`, `${key}.password`].find((k) => findProperty(text, k));
    if (pwKey && findProperty(text, pwKey)) {
      const e = setProperty(text, pwKey, m.target.password);
      if (e) edits.push({ ...e, setting: pwKey, to: m.target.password, secret: true, function: 'other' });
    } else partial.push(`${rel}:${m.ref.line} ${key}`);
  }
  return { change: fileChange(rel, bytes, text, encoding, edits), vaultSecrets: [], behind, partial, warnings: [] };
}

/** Vault secrets of moved references: into the cipher-text.properties change (made or extended). */
function mergeVault(files: FileChange[], layout: HomeLayout, all: Map<string, Buffer>, vault: VaultSecret[], warnings: string[]): void {
  const rel = layout.files.cipherText ?? `${layout.confDir}/security/cipher-text.properties`;
  const i = files.findIndex((f) => f.path === rel);
  const { change } = withVaultSecrets(i >= 0 ? files[i] : cipherTextBase(rel, all.get(rel)), vault);
  if (i >= 0) files[i] = change;
  else files.push(change);
  warnings.push(`Secure Vault: ${vault.map((v) => v.alias).join(', ')} (moved with alsoUpdate) now hold the new password in brackets in ${rel}. Run bin/ciphertool.sh -Dconfigure before starting the server.`);
}

/** The config mapper's own inputs on a toml home (default.json, infer.json, templates): defaults that deployment.toml overrides, not references to move. */
const mapperInput = (layout: HomeLayout, rel: string) => layout.era === 'toml' && rel.startsWith('repository/resources/conf/');

/**
 * For the CLI: scan the home, and keep the bytes the scan read of the files the references live in
 * (each file is read once).
 *
 * With `plan` (the planner's targets and the managed files' bytes), only what `applyAlsoUpdate` can
 * use is looked at: files the tool does not manage that name a moved keystore's file name
 * somewhere in their bytes (a reference to it always does: its value ends with that name). The
 * others are walked and read but never decoded or parsed, and a plan that moves no keystore scans
 * nothing. Without `plan`, every reference of the home.
 */
export async function collectAlsoUpdate(
  layout: HomeLayout,
  mode: 'none' | 'sameFile' = 'none',
  plan?: { targets: Targets; files: Map<string, Buffer> },
): Promise<{ options: AlsoUpdateOptions; files: Map<string, Buffer> }> {
  let wanted = (_rel: string, _latin: string) => true;
  // The files the planner reads and edits itself, and the config mapper's inputs (never moved): with
  // a plan, the scan does not read them.
  const skip = plan ? (rel: string) => isManaged(layout, rel) || mapperInput(layout, rel) : undefined;
  if (plan) {
    const names = [...movingKeystores(layout, plan.files, plan.targets).keys()].map((loc) => loc.slice(loc.lastIndexOf('/') + 1));
    // The bytes are searched as latin1: a name outside ASCII would not be found that way, so it turns the filter off.
    const ascii = names.every((n) => /^[\x20-\x7e]+$/.test(n));
    if (ascii) wanted = (_rel, latin) => names.some((n) => latin.includes(n));
    if (names.length === 0) return { options: { mode, references: [], generated: [] }, files: new Map() };
  }
  // The bytes the scan read, kept for the files it looks at: the references' files are not read again.
  const seen = new Map<string, Buffer>();
  const select = (rel: string, latin: string) => {
    if (!wanted(rel, latin)) return false;
    seen.set(rel, Buffer.from(latin, 'latin1'));
    return true;
  };
  const references = await scanHome(layout, { skip, select });
  const files = new Map<string, Buffer>();
  const generated: string[] = [];
  for (const rel of new Set(references.map((r) => r.path))) {
    const bytes = seen.get(rel);
    if (bytes) files.set(rel, bytes);
    if (layout.era === 'toml' && existsSync(join(layout.home, 'repository', 'resources', 'conf', 'templates', `${rel}.j2`))) generated.push(rel);
  }
  return { options: { mode, references, generated }, files };
}
