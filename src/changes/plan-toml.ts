/**
 * The planner for deployment.toml homes (kernel 4.5+: IS 5.9+, APIM 3+, Micro Integrator): the
 * server regenerates carbon.xml, catalina-server.xml, axis2.xml, sslprofiles.xml … from
 * deployment.toml at every start, so the keystore functions are set there and nowhere else:
 *
 *   primary → [keystore.primary]   internal → [keystore.internal]   tls, axis2 → [keystore.tls]
 *   truststore → [truststore]       secPolicy → sec.policy (a static file: edited only if it has a keystore entry)
 *
 * Pure, like plan-changes.ts: (layout, bytes, targets) → ChangeSet. Edits come from src/edit/toml,
 * which changes only value tokens and whole inserted lines, never comments.
 *
 * Decisions (see docs/deployment-toml.md):
 * - axis2 has no table of its own: the https transports follow [keystore.tls]. A plan that gives
 *   axis2 and tls different keystores, or axis2 alone, is refused with the reason; axis2 next to
 *   tls with the same keystore is accepted.
 * - Every key the function uses is written (a missing one is added), so the result does not depend
 *   on defaults that differ between kernels (JKS up to 4.9, PKCS12 from 4.10).
 * - `file_name` is a name under repository/resources/security in IS/APIM/kernel (the templates
 *   prepend that folder), a path in Micro Integrator (`conf/` layout, or a file that already writes
 *   paths). A keystore elsewhere is refused where the product needs it in that folder.
 * - The effective internal keystore (the table, else each key's default: the primary's value) is
 *   compared before and after the edit; a change needs confirmInternalKeystoreChange, as in carbon.xml.
 * - Secure Vault: a `$secret{alias}` value is never overwritten; `alias = "[new]"` goes under
 *   [secrets] of the same file. A password key that must be added to a file that keeps its keystore
 *   passwords in the vault is added as a `$secret{…}` reference too, never in clear.
 */
import { parse } from 'smol-toml';
import { KsError } from '../errors';
import { readCarbonXml } from '../edit/carbon';
import { bracketed, isBracketed, reencryptWarning, unreadableVaultNote, vaultCannotReadWarning } from '../edit/secure-vault';
import { KEYSTORE_TABLES, unknownKeys, type KeystoreTable } from '../edit/toml/keys';
import { findEntry, scanToml, type TomlDoc } from '../edit/toml/scan';
import { isSecretRef } from '../edit/toml/secret-ref';
import { setTomlValues, type TomlEditResult } from '../edit/toml/set';
import type { CurrentSetting, KeystoreTarget } from '../edit/types';
import type { HomeLayout } from '../home/layout';
import { encodeText } from '../text/codec';
import { applyEdits, type TextEdit } from '../text/patcher';
import { parseXml } from '../xml/document';
import { changeSecPolicy, httpsTransportsFollowTls, targetNamed, unreadableByVault, vaultValueNow, INTERNAL_KEYSTORE_ADVICE, INTERNAL_KEYSTORE_CONSEQUENCES, sameKeystore, sameTarget } from './common';
import { decodedText } from './decoded';
import type { ChangeSet, FileChange, KsFunction, ReadVault, SettingChange } from './types';

/** Structural copy of plan-changes' PlanInput (importing it would make the two modules import each other). */
export interface TomlPlanInput {
  layout: HomeLayout;
  files: Map<string, Buffer>;
  targets: Partial<Record<'primary' | 'internal' | 'tls' | 'axis2' | 'secPolicy' | 'truststore', KeystoreTarget>>;
  confirmInternalKeystoreChange?: boolean;
  readVault?: ReadVault;
}

export type TomlFunction = 'primary' | 'internal' | 'tls' | 'truststore';
export const TABLE_OF: Record<TomlFunction, KeystoreTable> = {
  primary: 'keystore.primary',
  internal: 'keystore.internal',
  tls: 'keystore.tls',
  truststore: 'truststore',
};
const FUNCTION_OF: Record<KeystoreTable, TomlFunction> = {
  'keystore.primary': 'primary',
  'keystore.internal': 'internal',
  'keystore.tls': 'tls',
  truststore: 'truststore',
};

export const SECURITY_DIR = 'repository/resources/security';
const KEYSTORE_KEYS = ['file_name', 'type', 'password', 'alias', 'key_password'] as const;
const TRUSTSTORE_KEYS = ['file_name', 'type', 'password'] as const;
const PASSWORD_KEYS = ['password', 'key_password'];

/** `name`: a file name under repository/resources/security (IS, APIM, kernel); `path`: a path from HOME (Micro Integrator). */
export type FileNameStyle = 'name' | 'path';

type Raw = Record<string, unknown>;
const tableOf = (obj: Raw, table: KeystoreTable): Raw | undefined => {
  let node: unknown = obj;
  for (const p of table.split('.')) node = node && typeof node === 'object' ? (node as Raw)[p] : undefined;
  return node && typeof node === 'object' && !Array.isArray(node) ? (node as Raw) : undefined;
};

/**
 * Micro Integrator (`conf/` layout) reads paths. IS, APIM and the kernel put
 * `${carbon.home}/repository/resources/security/` in front of a name, which may itself hold a
 * folder (`sub/new.jks`, as this tool writes for a keystore in a sub-folder): only a value that is
 * a path from HOME (`repository/…`) or an absolute one says the file is written in paths.
 */
export function fileNameStyle(layout: HomeLayout, obj: Raw): FileNameStyle {
  if (layout.confDir === 'conf') return 'path';
  for (const t of KEYSTORE_TABLES) {
    const f = tableOf(obj, t)?.file_name;
    if (typeof f === 'string' && !f.startsWith('$') && (/^(\.\/)?repository[/\\]/.test(f) || /^([A-Za-z]:)?[/\\]/.test(f))) return 'path';
  }
  return 'name';
}

/**
 * The kernel's defaults are JKS (`wso2carbon.jks`) up to kernel 4.9 / IS 7.0 and PKCS12
 * (`wso2carbon.p12`) from kernel 4.10 / IS 7.1. The toml does not say which kernel it is, but the
 * generated carbon.xml shows what the server used at its last start: where the toml leaves a key to
 * its default, that is the default.
 */
export function tomlDefaultFamily(layout: HomeLayout, files: Map<string, Buffer>, obj: Raw): 'JKS' | 'PKCS12' {
  const rel = layout.files.carbon;
  const bytes = rel ? files.get(rel) : undefined;
  if (!rel || !bytes) return 'JKS';
  try {
    const c = readCarbonXml(parseXml(decodedText(bytes, rel).text, rel));
    const primary = tableOf(obj, 'keystore.primary') ?? {};
    const trust = tableOf(obj, 'truststore') ?? {};
    if (primary.file_name === undefined && /\.p12$/i.test(c.primary?.location ?? '')) return 'PKCS12';
    if (trust.file_name === undefined && /\.p12$/i.test(c.truststore?.location ?? '')) return 'PKCS12';
  } catch {
    /* an unreadable generated file says nothing about defaults */
  }
  return 'JKS';
}

function defaultsOf(family: 'JKS' | 'PKCS12', style: FileNameStyle): Record<string, string> {
  const ext = family === 'PKCS12' ? 'p12' : 'jks';
  const f = (n: string) => (style === 'path' ? `${SECURITY_DIR}/${n}` : n);
  const d: Record<string, string> = {
    'keystore.primary.file_name': f(`wso2carbon.${ext}`),
    'keystore.primary.type': family,
    'keystore.primary.password': 'wso2carbon',
    'keystore.primary.alias': 'wso2carbon',
    'keystore.primary.key_password': 'wso2carbon',
    'truststore.file_name': f(`client-truststore.${ext}`),
    'truststore.type': family,
    'truststore.password': 'wso2carbon',
  };
  for (const t of ['internal', 'tls']) for (const k of KEYSTORE_KEYS) d[`keystore.${t}.${k}`] = `$ref{keystore.primary.${k}}`;
  return d;
}

/** One keystore table as the server will read it: explicit values, else defaults; `$ref{}` resolved. */
export interface TomlKeystoreSetting extends CurrentSetting {
  table: KeystoreTable;
  /** file_name as the server reads it. */
  fileName?: string;
  /** True when the table appears in the file (else every value is a default). */
  present: boolean;
  /** Keys of the table written in the file. */
  explicit: string[];
}

interface Resolved {
  value?: string;
  secretAlias?: string;
  /** `$env{}`, `$sys{}` or an unresolvable `$ref{}`: known only at run time. */
  unknown?: boolean;
}

function lookup(obj: Raw, dotted: string | readonly string[]): unknown {
  let node: unknown = obj;
  for (const p of typeof dotted === 'string' ? dotted.split('.') : dotted) node = node && typeof node === 'object' ? (node as Raw)[p] : undefined;
  return node;
}

function resolveValue(obj: Raw, defaults: Record<string, string>, dotted: string, depth = 0): Resolved {
  const explicit = lookup(obj, dotted);
  const v = typeof explicit === 'string' ? explicit : explicit === undefined ? defaults[dotted] : String(explicit);
  if (v === undefined) return { unknown: true };
  const ref = /^\$ref\{([^{}]+)\}$/.exec(v.trim());
  if (ref) return depth > 8 ? { unknown: true } : resolveValue(obj, defaults, ref[1], depth + 1);
  const secret = isSecretRef(v);
  if (secret !== null) {
    // Not yet encrypted: `alias = "[clear]"` under [secrets] (what the cipher tool will encrypt).
    const s = lookup(obj, 'secrets');
    const sv = s && typeof s === 'object' ? (s as Raw)[secret] : undefined;
    const clear = typeof sv === 'string' ? /^\[([^\]]*)\]$/.exec(sv)?.[1] : undefined;
    return clear !== undefined ? { value: clear, secretAlias: secret } : { secretAlias: secret };
  }
  if (/\$(env|sys)\{/.test(v)) return { unknown: true };
  return { value: v };
}

const locationOf = (fileName: string, style: FileNameStyle) =>
  style === 'path' || /^([A-Za-z]:)?[/\\]/.test(fileName) ? fileName : `${SECURITY_DIR}/${fileName}`;

/** What deployment.toml configures for each keystore table, defaults included. Pure. */
export function readTomlSettings(text: string, rel: string, opts: { layout: HomeLayout; files?: Map<string, Buffer> }): TomlKeystoreSetting[] {
  const doc = scanToml(text, { file: rel });
  const obj = parse(text) as Raw;
  const style = fileNameStyle(opts.layout, obj);
  const defaults = defaultsOf(tomlDefaultFamily(opts.layout, opts.files ?? new Map(), obj), style);
  return KEYSTORE_TABLES.map((table) => settingOf(doc, obj, defaults, style, table));
}

function settingOf(doc: TomlDoc, obj: Raw, defaults: Record<string, string>, style: FileNameStyle, table: KeystoreTable): TomlKeystoreSetting {
  const raw = tableOf(obj, table);
  const keys = table === 'truststore' ? TRUSTSTORE_KEYS : KEYSTORE_KEYS;
  const r = (k: string) => resolveValue(obj, defaults, `${table}.${k}`);
  const file = r('file_name');
  const pw = r('password');
  const header = doc.tables.find((h) => !h.array && h.name === table);
  const firstKey = doc.entries.find((e) => !e.inArrayTable && e.path.join('.').startsWith(`${table}.`));
  const fn = FUNCTION_OF[table];
  const present = raw !== undefined;
  const follows = !present && (fn === 'internal' || fn === 'tls') ? ' (not set: follows [keystore.primary])' : !present ? ' (not set: defaults)' : '';
  const s: TomlKeystoreSetting = {
    function: fn,
    owner: `[${table}]${follows}`,
    table,
    present,
    explicit: raw ? keys.filter((k) => raw[k] !== undefined) : [],
    fileName: file.value,
    location: file.value === undefined ? undefined : locationOf(file.value, style),
    type: r('type').value,
    password: pw.value,
    line: header?.line ?? firstKey?.line ?? 0,
    ...(pw.secretAlias ? { secretAlias: pw.secretAlias } : {}),
  };
  if (table !== 'truststore') {
    const kp = r('key_password');
    s.alias = r('alias').value;
    s.keyPassword = kp.value;
    if (kp.secretAlias) s.keyPasswordSecretAlias = kp.secretAlias;
  }
  return s;
}

function fileNameFor(t: KeystoreTarget, style: FileNameStyle, fn: TomlFunction, rel: string): string {
  if (style === 'path') return t.homeRelPath ?? t.absPath.split('\\').join('/');
  const prefix = `${SECURITY_DIR}/`;
  if (t.homeRelPath === null || !t.homeRelPath.startsWith(prefix)) {
    throw new KsError(
      'PLAN_INVALID',
      `keystores.${t.name} (${t.homeRelPath ?? t.absPath}) serves "${fn}", but this product reads file_name in ${rel} as a name under ${SECURITY_DIR}/, so it cannot use a keystore anywhere else`,
      { file: rel, hint: `Copy the keystore into ${SECURITY_DIR}/ (cp "${t.absPath}" <HOME>/${SECURITY_DIR}/) and point keystores.${t.name}.path at the copy.` },
    );
  }
  return t.homeRelPath.slice(prefix.length);
}

const describeKs = (s: TomlKeystoreSetting) => `${s.location ?? '(unknown file)'} (alias ${s.alias ?? '?'})`;

export function planToml(input: TomlPlanInput): ChangeSet {
  const { layout, targets } = input;
  const rel = layout.files.deploymentToml;
  const before = rel ? input.files.get(rel) : undefined;
  if (!rel || !before) throw new KsError('FILE_MISSING', `${layout.confDir}/deployment.toml is missing`, { hint: 'This home is configured by deployment.toml; the tool edits nothing else here.' });
  const { text, encoding } = decodedText(before, rel);
  const doc = scanToml(text, { file: rel });
  const obj = parse(text) as Raw;
  const style = fileNameStyle(layout, obj);
  const defaults = defaultsOf(tomlDefaultFamily(layout, input.files, obj), style);
  const warnings: string[] = [];
  let notApplicable: KsFunction[] | undefined;
  const notes: string[] = [];
  const secrets = new Set<string>();
  for (const t of Object.values(targets)) {
    if (!t) continue;
    secrets.add(t.password);
    secrets.add(t.keyPassword);
  }
  const current = KEYSTORE_TABLES.map((table) => settingOf(doc, obj, defaults, style, table));
  for (const s of current) for (const v of [s.password, s.keyPassword]) if (v) secrets.add(v);

  if (targets.axis2) {
    if (!targets.tls) {
      throw new KsError('PLAN_INVALID', `on this home the https transports (axis2) have no keystore setting of their own: they follow [keystore.tls] in ${rel}, which also serves the HTTPS connector`, {
        file: rel,
        hint: 'Give the keystore to "tls" (it moves the HTTPS connector and the transports together), or to "tls" and "axis2" both.',
      });
    }
    if (!sameTarget(targets.axis2, targets.tls)) {
      throw new KsError('PLAN_INVALID', `the plan gives "axis2" (${targets.axis2.name}) and "tls" (${targets.tls.name}) different keystores, but on this home the https transports follow [keystore.tls] in ${rel}: one keystore serves both`, {
        file: rel,
        hint: 'Give "axis2" the same keystore as "tls", or leave "axis2" out.',
      });
    }
  }

  const wanted = (['primary', 'internal', 'tls', 'truststore'] as const).flatMap((fn) => (targets[fn] ? [[fn, targets[fn]!] as const] : []));

  // Secure Vault references anywhere in the file, to catch an alias shared with a setting the plan leaves alone.
  const refs = new Map<string, string[]>();
  for (const e of doc.entries) {
    if (e.inArrayTable || e.path[0] === 'secrets') continue;
    const v = lookup(obj, e.path);
    const a = typeof v === 'string' ? isSecretRef(v) : null;
    if (a !== null) refs.set(a, [...(refs.get(a) ?? []), `[${e.path.slice(0, -1).join('.')}].${e.path[e.path.length - 1]}`]);
  }
  const vaultInUse = current.some((s) => s.secretAlias || s.keyPasswordSecretAlias);
  const claims = new Map<string, { value: string; settings: string[] }>();
  const claim = (alias: string, value: string, setting: string) => {
    const c = claims.get(alias);
    if (c && c.value !== value) {
      throw new KsError('PLAN_INVALID', `the Secure Vault alias ${alias} holds ${c.settings.join(' and ')}, and ${setting}, which this plan gives different passwords`, {
        file: rel,
        hint: `Give ${setting} its own alias under [secrets] first, then run again.`,
      });
    }
    claims.set(alias, { value, settings: [...(c?.settings ?? []), setting] });
  };

  const edits: TextEdit[] = [];
  /** Whole tables added; applied after the other edits at the same offset (see TomlEditResult.newTable). */
  const tableEdits: TextEdit[] = [];
  /** The edit that makes each change, for its line in the edited text. */
  const editOf = new Map<object, TextEdit>();
  const take = (r: TomlEditResult, mapped: Array<SettingChange & { offset: number }>) => {
    for (const e of r.edits) (e === r.newTable ? tableEdits : edits).push(e);
    mapped.forEach((c) => editOf.set(c, r.edits.find((e) => e.start === c.offset)!));
    changes.push(...mapped);
  };
  const changes: Array<SettingChange & { offset: number }> = [];
  for (const [fn, t] of wanted) {
    const table = TABLE_OF[fn];
    const values: Record<string, string> = { file_name: fileNameFor(t, style, fn, rel), type: t.type, password: t.password };
    if (fn !== 'truststore') {
      if (t.alias !== undefined) values.alias = t.alias;
      values.key_password = t.keyPassword;
    }
    let passwordAlias = (() => {
      const cur = findEntry(doc, table, 'password');
      return cur ? isSecretRef(String(lookup(obj, `${table}.password`) ?? '')) : null;
    })();
    for (const key of PASSWORD_KEYS) {
      if (!(key in values)) continue;
      const setting = `[${table}].${key}`;
      const entry = findEntry(doc, table, key);
      const alias = entry ? isSecretRef(String(lookup(obj, `${table}.${key}`) ?? '')) : null;
      if (alias !== null) {
        claim(alias, values[key], setting);
        delete values[key];
      } else if (!entry && vaultInUse) {
        // Never a clear password in a file that keeps its keystore passwords in the vault.
        if (key === 'key_password' && passwordAlias !== null && t.keyPassword === t.password) {
          values[key] = `$secret{${passwordAlias}}`;
        } else {
          const a = `${table.replace(/\./g, '_')}_${key}`;
          claim(a, values[key], setting);
          values[key] = `$secret{${a}}`;
          if (key === 'password') passwordAlias = a;
          notes.push(`${rel}: ${setting} added as a Secure Vault reference ($secret{${a}}), like the other keystore passwords of this file`);
        }
      }
    }
    const r = setTomlValues(text, table, values, { file: rel });
    take(r, r.changes.map((c) => ({ line: c.line, offset: c.offset, setting: c.setting, from: c.from, to: c.to, secret: c.secret, function: fn })));
    notes.push(...r.notes.map((n) => `${rel}: ${n}`));
  }
  // A [keystore.internal] or [keystore.tls] the file writes only in part takes each key it leaves out,
  // or sets to `$ref{keystore.primary.…}` (as WSO2's commented template does), from [keystore.primary]:
  // moving primary would leave it half on the old keystore, half on the new one (a file with another
  // file's alias, type or passwords), which the server cannot open. Those keys are written with the
  // values they have now, so the table stays whole where it is. A table with no value of its own
  // follows primary wholly, like an absent one: it moves with it (the guard and warnings below say so).
  const followsPrimary = (v: unknown) => typeof v === 'string' && /^\s*\$ref\{\s*keystore\.primary\.[^{}]*\}\s*$/.test(v);
  if (targets.primary) {
    const p = targets.primary;
    const next: Record<(typeof KEYSTORE_KEYS)[number], string | undefined> = { file_name: fileNameFor(p, style, 'primary', rel), type: p.type, password: p.password, alias: p.alias, key_password: p.keyPassword };
    for (const fn of ['internal', 'tls'] as const) {
      const s = current.find((x) => x.function === fn)!;
      if (targets[fn] || !s.present) continue;
      const raw = tableOf(obj, s.table);
      const own = KEYSTORE_KEYS.filter((k) => raw?.[k] !== undefined && !followsPrimary(raw[k]));
      if (!own.length) continue;
      const now: Record<(typeof KEYSTORE_KEYS)[number], { value?: string; raw?: string }> = {
        file_name: { value: s.fileName, raw: s.fileName },
        type: { value: s.type, raw: s.type },
        password: { value: s.password, raw: s.secretAlias ? `$secret{${s.secretAlias}}` : s.password },
        alias: { value: s.alias, raw: s.alias },
        key_password: { value: s.keyPassword, raw: s.keyPasswordSecretAlias ? `$secret{${s.keyPasswordSecretAlias}}` : s.keyPassword },
      };
      const moving = KEYSTORE_KEYS.filter((k) => !own.includes(k) && next[k] !== undefined && now[k].value !== next[k]);
      if (!moving.length) continue;
      const unknown = moving.filter((k) => now[k].raw === undefined);
      if (unknown.length) {
        throw new KsError('PLAN_INVALID', `[${TABLE_OF[fn]}] in ${rel} sets ${own.join(', ')} and takes ${unknown.join(', ')} from [keystore.primary], whose value is known only at run time ($env{}/$sys{}): moving primary would change them`, {
          file: rel,
          hint: `Write ${unknown.join(', ')} into [${TABLE_OF[fn]}] by hand (or add "${fn}" to the plan), then run again.`,
        });
      }
      const values = Object.fromEntries(moving.map((k) => [k, now[k].raw!]));
      for (const k of ['password', 'key_password'] as const) {
        // Kept under an alias of its own: a password written into a file that keeps its keystore
        // passwords in the vault (never in clear there), and one whose Secure Vault alias, shared
        // with primary, now gets primary's new password (claimed above).
        if (values[k] === undefined) continue;
        const shared = isSecretRef(values[k]);
        if (shared === null ? !vaultInUse : !claims.has(shared)) continue;
        const setting = `[${TABLE_OF[fn]}].${k}`;
        if (now[k].value === undefined) {
          throw new KsError('PLAN_INVALID', `${setting} takes the Secure Vault alias ${shared ?? '?'} from [keystore.primary], which this plan gives the new password, and its current value is encrypted`, {
            file: rel,
            hint: `Give ${setting} an alias of its own under [secrets] (and run the cipher tool), then run again.`,
          });
        }
        const own = `${TABLE_OF[fn].replace(/\./g, '_')}_${k}`;
        claim(own, now[k].value!, setting);
        values[k] = `$secret{${own}}`;
      }
      const r = setTomlValues(text, TABLE_OF[fn], values, { file: rel });
      take(r, r.changes.map((c) => ({ line: c.line, offset: c.offset, setting: c.setting, from: c.from, to: c.to, secret: c.secret, function: fn })));
      notes.push(
        `${rel}: [${TABLE_OF[fn]}] set only ${own.join(', ')} and took ${moving.join(', ')} from [keystore.primary]: written with the values it uses now, so it stays on ${describeKs(s)}. To move ${fn} too, add "${fn}" to the plan.`,
      );
    }
  }

  // An alias that already holds the password, encrypted so that the key Secure Vault uses after the
  // plan (internal, else primary: [keystore.internal] with no value of its own follows primary)
  // decrypts it to that password, is left as it is: a plan run again after the cipher tool.
  const secretsNow = lookup(obj, 'secrets');
  const valueNow = (alias: string) => (secretsNow && typeof secretsNow === 'object' ? (secretsNow as Raw)[alias] : undefined);
  const internalRaw = tableOf(obj, 'keystore.internal');
  const internalOwn = KEYSTORE_KEYS.some((k) => internalRaw?.[k] !== undefined && !followsPrimary(internalRaw[k]));
  const named = (fn: TomlFunction) => targetNamed(layout.home, targets, current.find((x) => x.function === fn));
  const vaultKeystore = targets.internal ?? (internalOwn ? named('internal') : (targets.primary ?? named('primary')));
  const settled = new Set<string>();
  const unreadable = new Set<string>();
  /** Aliases whose value stays what it is (in brackets, or settled): no other setting on them can break. */
  const same = new Set<string>();
  for (const [alias, c] of [...claims]) {
    const now = vaultValueNow(valueNow(alias), c.value, vaultKeystore, input.readVault);
    if (now === 'same' || now === 'settled') same.add(alias);
    if (now === 'settled') (claims.delete(alias), settled.add(alias));
    if (now === 'unreadable') unreadable.add(alias);
  }
  for (const [alias, c] of claims) {
    const others = same.has(alias) ? [] : (refs.get(alias) ?? []).filter((s) => !c.settings.includes(s));
    if (others.length) {
      const blind = unreadable.has(alias) ? " (this tool cannot read the alias's value now, encrypted with a key the plan does not hold, to tell whether the password changes)" : '';
      throw new KsError('PLAN_INVALID', `the Secure Vault alias ${alias} is also used by ${others.join(', ')}, which this plan does not change: giving the alias the new password would break ${others.length > 1 ? 'them' : 'it'}${blind}`, {
        file: rel,
        hint: `Give ${c.settings.join(' and ')} an alias of its own under [secrets] (and run the cipher tool), or add the other function to the plan.`,
      });
    }
  }
  if (claims.size) {
    const entries = Object.fromEntries([...claims].map(([a, c]) => [a, bracketed(c.value, a, rel)]));
    const r = setTomlValues(text, 'secrets', entries, { file: rel });
    take(r, r.changes.map((c) => ({ line: c.line, offset: c.offset, setting: c.setting, from: c.from === '' ? '' : '(encrypted)', to: c.to.slice(1, -1), secret: true, function: 'other' as const })));
    notes.push(...r.notes.map((n) => `${rel}: ${n}`));
    const opaque = [...claims.keys()].filter((a) => unreadable.has(a));
    warnings.push(
      `Secure Vault: ${[...claims.keys()].join(', ')} under [secrets] in ${rel} ${claims.size === 1 ? 'holds its password' : 'hold their passwords'} in clear, in brackets. Run bin/ciphertool.sh -Dconfigure before starting the server: it encrypts every bracketed value.` +
        (opaque.length ? ` ${unreadableVaultNote(opaque, rel, vaultKeystore !== undefined)}` : ''),
    );
  }

  // In the order applyEdits puts them (by offset, stably): at one offset, keys before new tables.
  const ordered = [...edits, ...tableEdits].sort((a, b) => a.start - b.start || a.end - b.end);
  // Each setTomlValues call saw the original text alone: an edit placed before a change's own moves
  // it down by the lines it adds. Lines as the edited file has them (what the admin opens afterwards).
  const newlines = (t: string) => t.split('\n').length - 1;
  const shiftOf = new Map<TextEdit, number>();
  let shift = 0;
  for (const e of ordered) {
    shiftOf.set(e, shift);
    shift += newlines(e.text) - newlines(text.slice(e.start, e.end));
  }
  for (const c of changes) c.line += shiftOf.get(editOf.get(c)!)!;

  const afterText = applyEdits(text, ordered);
  let afterObj: Raw;
  try {
    afterObj = parse(afterText) as Raw;
  } catch (e) {
    throw new Error(`internal error: the edit of ${rel} would not parse back (${(e as Error).message})`);
  }
  const afterDoc = scanToml(afterText, { file: rel });
  const after = KEYSTORE_TABLES.map((table) => settingOf(afterDoc, afterObj, defaults, style, table));
  const get = (list: TomlKeystoreSetting[], fn: TomlFunction) => list.find((s) => s.function === fn)!;
  for (const [fn, t] of wanted) {
    // Check the result, not the writing: the server must read exactly the plan's values (an
    // encrypted vault value only when it decrypted to the plan's password: settled).
    const s = get(after, fn);
    const ok =
      s.fileName === fileNameFor(t, style, fn, rel) &&
      s.type === t.type &&
      (s.password === t.password || settled.has(s.secretAlias ?? '')) &&
      (fn === 'truststore' || ((t.alias === undefined || s.alias === t.alias) && (s.keyPassword === t.keyPassword || settled.has(s.keyPasswordSecretAlias ?? ''))));
    if (!ok) throw new Error(`internal error: ${rel} does not read back the plan's values for [${TABLE_OF[fn]}]`);
  }

  // The keystore that encrypts internal data (and Secure Vault) before and after.
  const iBefore = get(current, 'internal');
  const iAfter = get(after, 'internal');
  if (!sameKeystore(iBefore, iAfter)) {
    const follows = !iBefore.present || !iBefore.explicit.includes('file_name');
    if (!input.confirmInternalKeystoreChange) {
      throw new KsError(
        'INTERNAL_KEYSTORE_CHANGE',
        `this plan changes the keystore that encrypts internal data, ${follows ? `[keystore.internal] (not set in ${rel}, so it follows [keystore.primary])` : '[keystore.internal]'}: from ${describeKs(iBefore)} to ${describeKs(iAfter)}. ${INTERNAL_KEYSTORE_CONSEQUENCES}`,
        {
          file: rel,
          hint: follows
            ? 'To keep it, add "internal" to the plan with the keystore in use now (the tool writes [keystore.internal] for it). If you have migrated the encrypted data, add "confirmInternalKeystoreChange": true to the plan.'
            : `${INTERNAL_KEYSTORE_ADVICE}. If you have, add "confirmInternalKeystoreChange": true to the plan.`,
        },
      );
    }
    warnings.push(`internal data encryption moves from ${describeKs(iBefore)} to ${describeKs(iAfter)}: data already encrypted with the old key must be re-encrypted (WSO2 data migration / cipher tool)`);
    // Only encrypted values become unreadable: `alias = "[clear]"` is not encrypted yet.
    // A settled one already decrypts with the keystore the vault moves to.
    const encrypted = secretsNow && typeof secretsNow === 'object' ? Object.keys(secretsNow).filter((k) => !isBracketed(String((secretsNow as Raw)[k])) && !settled.has(k)) : [];
    if (encrypted.length) {
      warnings.push(reencryptWarning({ from: describeKs(iBefore), to: describeKs(iAfter), aliases: encrypted, where: `[secrets] of ${rel}`, fresh: [...claims.keys()] }));
    }
  } else if (vaultKeystore && input.readVault && secretsNow && typeof secretsNow === 'object') {
    // With the vault's key in hand and the vault staying where it is: values it cannot read.
    const lost = unreadableByVault(Object.entries(secretsNow as Raw).filter(([a]) => !claims.has(a) && !settled.has(a)), vaultKeystore, input.readVault);
    if (lost.length) warnings.push(vaultCannotReadWarning(lost, `[secrets] of ${rel}`, `${vaultKeystore.homeRelPath ?? vaultKeystore.absPath} (alias ${vaultKeystore.alias})`));
  }
  const tBefore = get(current, 'tls');
  const tAfter = get(after, 'tls');
  const transports = httpsTransportsFollowTls(layout, input.files);
  if (!targets.tls && !sameKeystore(tBefore, tAfter)) {
    warnings.push(`tls: [keystore.tls] ${tBefore.present ? 'takes every key from [keystore.primary]' : 'is not set'} in ${rel}, so the HTTPS connector${transports ? ' (and the https transports)' : ''} follow${transports ? '' : 's'} [keystore.primary] and move${transports ? '' : 's'} to ${describeKs(tAfter)} too. To keep ${describeKs(tBefore)} for TLS, add "tls" to the plan with it.`);
  }
  if (targets.tls && transports && !targets.axis2) {
    notes.push(`${rel}: the https transports of axis2 (and sslprofiles.xml / listenerprofiles.xml where the product has them) are generated from [keystore.tls] and follow it`);
  }

  for (const u of unknownKeys(doc)) {
    if (!wanted.some(([fn]) => TABLE_OF[fn] === u.table)) continue;
    warnings.push(`${rel}:${u.line} [${u.table}] ${u.key} is not a key the server reads, so it is ignored${u.suggestion ? ` (did you mean ${u.suggestion}?)` : ''}`);
  }

  const files: FileChange[] = [];
  const sorted: SettingChange[] = changes.sort((a, b) => a.line - b.line).map(({ offset: _, ...c }) => c);
  files.push({ path: rel, before, after: afterText === text ? before : encodeText(afterText, encoding, rel), changes: sorted, notes });

  if (targets.secPolicy) {
    const change = changeSecPolicy(
      layout,
      input.files,
      targets.secPolicy,
      warnings,
      (sp) =>
        `secPolicy: ${sp} has no keystore entry (this product ships it without one, and deployment.toml does not generate it); nothing changed. It matters only when the server runs with the Java Security Manager and signed jars.`,
    );
    if (change) files.push(change);
    else notApplicable = ['secPolicy'];
  }

  return { home: layout.home, files, warnings, secrets: [...secrets].filter((s) => s.length > 0), ...(notApplicable ? { notApplicable } : {}) };
}

/**
 * For `scan`: the function each line of deployment.toml serves (the `file_name` lines of the keystore
 * tables), and keys the server does not read, which it ignores without a word.
 */
export function tomlScanLines(text: string, rel: string): Map<number, CurrentSetting> {
  const out = new Map<number, CurrentSetting>();
  let doc: TomlDoc;
  try {
    doc = scanToml(text, { file: rel });
  } catch {
    return out;
  }
  for (const table of KEYSTORE_TABLES) {
    const e = findEntry(doc, table, 'file_name');
    if (e) out.set(e.line, { function: FUNCTION_OF[table], owner: `[${table}].file_name`, line: e.line });
  }
  for (const u of unknownKeys(doc)) {
    out.set(u.line, { function: 'other', owner: `[${u.table}].${u.key} (not read by the server, ignored${u.suggestion ? `: did you mean ${u.suggestion}?` : ''})`, line: u.line });
  }
  return out;
}

/** Misspelt or unknown keys of the keystore tables, as messages with their line. */
export function tomlKeyWarnings(text: string, rel: string): Array<{ line: number; table: KeystoreTable; message: string }> {
  try {
    return unknownKeys(scanToml(text, { file: rel })).map((u) => ({
      line: u.line,
      table: u.table,
      message: `${rel}:${u.line} [${u.table}] ${u.key} is not a key the server reads, so it is ignored${u.suggestion ? ` (did you mean ${u.suggestion}?)` : ''}`,
    }));
  } catch {
    return [];
  }
}
