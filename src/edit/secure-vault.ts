/**
 * Secure Vault, both eras. Pure: text in, facts or edits out.
 *
 * 4.4.x era: `ciphertool.sh -Dconfigure` reads `security/cipher-tool.properties`
 * (`alias=repository/conf/FILE//XPATH,flag`), replaces each value it names with the placeholder
 * `password`, adds `svns:secretAlias="alias"` to the element and `xmlns:svns` to the root, and
 * encrypts every bracketed value of `security/cipher-text.properties` (`alias=[clear]`). For an
 * attribute XPath such as `//Server/Service/Connector[@keystorePass],true` the attribute's value
 * becomes `password` and the secretAlias goes on the element that holds it (the Connector).
 *
 * toml era: `password = "$secret{alias}"` and, under `[secrets]`, `alias = "[clear]"`, which the
 * cipher tool encrypts in place.
 *
 * Invariant: a placeholder is never replaced by a clear password; the new value goes to the vault
 * file in brackets instead. The cipher tool takes the text between the first `[` and the first `]`,
 * so a password containing `]` cannot go through it: that is refused, not truncated.
 */
import { KsError } from '../errors';
import type { XmlDocument, XmlElement } from '../xml/document';
import { SECRET_ALIAS_ATTR, secretAliasOf, type VaultSecret } from './carbon';
import { readProperties } from './properties';
import type { CurrentSetting, SettingEdit } from './types';

/** The placeholder the cipher tool writes where a value was. */
export const VAULT_PLACEHOLDER = 'password';

export interface CipherToolMapping {
  alias: string;
  /** Config file as cipher-tool.properties names it, e.g. `repository/conf/tomcat/catalina-server.xml`. */
  file: string;
  xpath: string;
  /** For `…[@keystorePass]` XPaths: the attribute that holds the placeholder. */
  attribute?: string;
}

/** `alias=repository/conf/x.xml//Some/Path[@attr],true` lines of cipher-tool.properties. */
export function parseCipherTool(text: string): Map<string, CipherToolMapping> {
  const out = new Map<string, CipherToolMapping>();
  for (const p of readProperties(text)) {
    const v = p.value.trim();
    const slash = v.indexOf('//');
    if (slash < 0) continue;
    const comma = v.indexOf(',', slash);
    const xpath = comma < 0 ? v.slice(slash) : v.slice(slash, comma);
    const attr = /\[@([A-Za-z_][\w.-]*)\]$/.exec(xpath);
    out.set(p.key, { alias: p.key, file: v.slice(0, slash), xpath, ...(attr ? { attribute: attr[1] } : {}) });
  }
  return out;
}

/** A value the cipher tool has not encrypted yet: clear text in brackets (it encrypts those in place). */
export const isBracketed = (value: string): boolean => /^\[[^\]]*\]$/.test(value.trim());

/** The clear value inside a bracketed one (`[pw]` → `pw`), as the cipher tool reads it. */
export const unbracketed = (value: string): string => value.trim().slice(1, -1);

/** Aliases in cipher-text.properties whose value is encrypted (not `[clear text]`), in file order. */
export function encryptedAliases(text: string): string[] {
  return readProperties(text)
    .filter((p) => !isBracketed(p.value))
    .map((p) => p.key);
}

/**
 * Aliases whose bracketed, not yet encrypted value is a password the plan replaced in the file the
 * alias maps to (cipher-tool.properties), e.g. stock `Carbon.Security.KeyStore.Password=[wso2carbon]`
 * after the primary keystore's password changed in carbon.xml. Secure Vault is not in use for them,
 * so the server reads the new clear value; but the next `ciphertool.sh -Dconfigure` would encrypt the
 * old one and put its placeholder over the new.
 */
export function staleBracketed(text: string, cipherTool: Map<string, CipherToolMapping>, replaced: ReadonlyArray<{ file: string; setting: string; from: string }>): string[] {
  return readProperties(text)
    .filter((p) => {
      const m = cipherTool.get(p.key);
      const clear = unbracketed(p.value);
      return isBracketed(p.value) && m && replaced.some((r) => r.from === clear && sameConfigFile(m.file, r.file) && tail(r.setting) === tail(m.xpath, m.attribute));
    })
    .map((p) => p.key);
}

/**
 * The last element and the value in it, `KeyStore/Password` or `Connector/@keystorePass`, of a
 * setting as the planner names it (`Security/KeyStore/Password`, `Connector[port=9443]/@keystorePass`)
 * or of a cipher-tool XPath (`//Server/Security/KeyStore/Password`, `//Server/Service/Connector[@keystorePass]`).
 */
function tail(path: string, attribute?: string): string {
  const steps = path
    .replace(/^\/+/, '')
    .split('/')
    .map((x) => x.replace(/\[.*$/, ''));
  if (attribute) steps.push(`@${attribute}`);
  return steps.slice(-2).join('/');
}

/**
 * The clear text of an encrypted Secure Vault value (cipher-text.properties, or [secrets] of
 * deployment.toml), given the private key (PKCS#8 DER) of the keystore the cipher tool encrypted it
 * with; null when that key does not decrypt it. The cipher tool writes base64 of the RSA cipher text
 * (Carbon 4.4's "RSA", PKCS#1 v1.5; newer kernels OAEP with SHA-1), or base64 of a self-contained
 * JSON `{"c": <base64 cipher text>, "t": <transformation>, …}`. Only ever compared with a password
 * the plan already holds, never shown.
 */
export function decryptVaultValue(encrypted: string, pkcs8: Buffer): string | null {
  const { createPrivateKey, privateDecrypt, constants } = require('node:crypto') as typeof import('node:crypto');
  let data = Buffer.from(encrypted.trim(), 'base64');
  if (data[0] === 0x7b /* { */) {
    try {
      const c = (JSON.parse(data.toString('utf8')) as { c?: unknown }).c;
      if (typeof c === 'string') data = Buffer.from(c, 'base64');
    } catch {
      /* not the JSON form: the bytes are the cipher text */
    }
  }
  let key;
  try {
    key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  } catch {
    return null;
  }
  if (key.asymmetricKeyType !== 'rsa' || data.length !== ((key.asymmetricKeyDetails?.modulusLength ?? 0) + 7) >> 3) return null;
  try {
    return privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, data).toString('utf8');
  } catch {
    /* not OAEP: PKCS#1 v1.5 below */
  }
  try {
    // Node refuses PKCS#1 v1.5 private decryption (CVE-2023-46809, a timing oracle for servers that
    // answer many queries); one local comparison is not that, so the padding is checked here:
    // 00 02, at least eight non-zero bytes, 00, the message.
    const raw = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, data);
    const sep = raw.indexOf(0, 2);
    return raw[0] === 0 && raw[1] === 2 && sep >= 10 ? raw.subarray(sep + 1).toString('utf8') : null;
  } catch {
    return null;
  }
}

/** `[value]` for the vault file; refuses what the cipher tool would cut short. */
export function bracketed(value: string, alias: string, file?: string): string {
  if (value.includes(']') || /[\r\n]/.test(value)) {
    throw new KsError('VALUE_UNENCODABLE', `the new password for the Secure Vault alias ${alias} contains "]" or a line break, which the cipher tool cannot read from a bracketed value (it would encrypt a truncated password)`, {
      file,
      hint: 'Choose a keystore password without "]" and line breaks, or encrypt it with the cipher tool by hand.',
    });
  }
  return `[${value}]`;
}

/**
 * What a cipher-tool.properties XPath selects in `doc`: `/A/B/C` (steps may carry `[@a='v']`), with a
 * final `[@attr]` selecting that attribute; each with its value as the file has it now and whether it
 * is a Secure Vault placeholder (its element carries svns:secretAlias).
 */
export function cipherToolValues(doc: XmlDocument, m: CipherToolMapping): Array<{ el: XmlElement; value: string; placeholder: boolean }> {
  const path = m.attribute ? m.xpath.slice(0, m.xpath.lastIndexOf('[@')) : m.xpath;
  let cur: XmlElement[] = [];
  for (const [i, step] of path.replace(/^\/+/, '').split('/').entries()) {
    const sm = /^([\w.-]+)((?:\[@[\w.-]+='[^']*'\])*)$/.exec(step);
    if (!sm) return [];
    const preds = [...sm[2].matchAll(/\[@([\w.-]+)='([^']*)'\]/g)].map((p) => [p[1], p[2]]);
    const ok = (e: XmlElement) => e.local === sm[1] && preds.every(([a, v]) => e.attrs.some((x) => x.name === a && x.value === v));
    cur = i === 0 ? [doc.root].filter(ok) : cur.flatMap((c) => c.children.filter(ok));
  }
  return cur.flatMap((el) => {
    const value = m.attribute ? el.attrs.find((a) => a.name === m.attribute)?.value : el.children.length ? undefined : el.text.trim();
    return value === undefined ? [] : [{ el, value, placeholder: Boolean(secretAliasOf(el)) }];
  });
}

/** Does the config file named in cipher-tool.properties mean `rel` (which may be under `conf/`)? */
export function sameConfigFile(mapped: string, rel: string): boolean {
  const a = mapped.replace(/^\.?\//, '');
  return a === rel || a.replace(/^repository\/conf\//, 'conf/') === rel || rel.endsWith(`/${a}`);
}

/**
 * Attribute edits that would overwrite a Secure Vault placeholder (the element carries
 * svns:secretAlias and cipher-tool.properties maps that alias to the attribute) are taken out of
 * `edits` and returned as vault secrets. An edit of a password attribute on an element whose
 * secretAlias cannot be tied to an attribute is refused: we cannot tell whether it is a placeholder.
 */
export function routeVaultAttributeEdits(
  doc: XmlDocument,
  file: string,
  edits: SettingEdit[],
  cipherTool: Map<string, CipherToolMapping>,
): { edits: SettingEdit[]; vaultSecrets: VaultSecret[]; warnings: string[] } {
  const kept: SettingEdit[] = [];
  const vaultSecrets: VaultSecret[] = [];
  const warnings: string[] = [];
  for (const e of edits) {
    const owner = attributeAt(doc, e.start, e.end);
    const alias = owner && secretAliasOf(owner.el);
    if (!owner || !alias) {
      if (e.secret && e.start === e.end) {
        const el = elementAt(doc, e.start);
        const a = el && secretAliasOf(el);
        if (a) warnings.push(`${file}: ${e.setting} is added in clear next to a Secure Vault placeholder (${a}); map it in cipher-tool.properties and run the cipher tool if it must be encrypted too`);
      }
      kept.push(e);
      continue;
    }
    const m = cipherTool.get(alias);
    const mappedHere = m && m.attribute && sameConfigFile(m.file, file);
    if (mappedHere && m.attribute === owner.name) {
      vaultSecrets.push({ alias, value: e.to, setting: e.setting, file, line: doc.lineOf(owner.el.start) });
      continue;
    }
    if (!mappedHere && e.secret) {
      throw new KsError('SECRET_REFERENCE', `${e.setting} sits on an element with svns:secretAlias="${alias}", but security/cipher-tool.properties does not say which attribute that alias stands for; refusing to write a clear password there`, {
        file,
        line: doc.lineOf(owner.el.start),
        hint: `Add "${alias}=${file}//…[@attribute],true" to cipher-tool.properties (as the product ships it), or remove the placeholder by hand.`,
      });
    }
    kept.push(e);
  }
  return { edits: kept, vaultSecrets, warnings };
}

function attributeAt(doc: XmlDocument, start: number, end: number): { el: XmlElement; name: string } | undefined {
  for (const el of doc.elements) {
    if (el.start > start) break;
    const a = el.attrs.find((x) => x.valueStart === start && x.valueEnd === end);
    if (a) return { el, name: a.name };
  }
  return undefined;
}

/** The element whose start tag holds `offset` (inserted attributes land there). */
function elementAt(doc: XmlDocument, offset: number): XmlElement | undefined {
  let best: XmlElement | undefined;
  for (const el of doc.elements) {
    if (el.start > offset) break;
    if (offset <= el.openEnd) best = el;
  }
  return best;
}

/** Attributes of `el` whose value is a vault placeholder, by the cipher-tool mapping. */
export function vaultAttributeOf(el: XmlElement, file: string, cipherTool: Map<string, CipherToolMapping>): { alias: string; attribute: string } | undefined {
  const alias = secretAliasOf(el);
  if (!alias) return undefined;
  const m = cipherTool.get(alias);
  if (!m?.attribute || !sameConfigFile(m.file, file)) return undefined;
  return { alias, attribute: m.attribute };
}

/**
 * Said of encrypted vault values a run writes again because it could not read them: `inPlan`, the
 * keystore Secure Vault uses after the plan is one of the plan's (the values were encrypted with
 * another key, e.g. before the vault moved); otherwise the plan does not hold it, and every run writes
 * them again.
 */
export function unreadableVaultNote(aliases: readonly string[], file: string, inPlan: boolean): string {
  const [was, it, them] = aliases.length === 1 ? ['was', 'it', 'it'] : ['were', 'they', 'them'];
  const why = inPlan
    ? `${was} encrypted with another key than the one Secure Vault uses after this plan`
    : `${was} encrypted with the key of a keystore this plan does not hold (the one Secure Vault uses)`;
  const then = inPlan
    ? `once the cipher tool has encrypted ${them} with that key, a run of this plan leaves ${them} alone.`
    : `so a run of this plan changes ${file} each time. With that keystore in the plan (for the function it serves), a run compares and leaves a value that matches alone.`;
  return `${aliases.join(', ')} ${why}, so this tool cannot tell whether ${it} already held the new password: written again; ${then}`;
}

/**
 * Said of encrypted vault values the key Secure Vault uses after the plan does not decrypt (left
 * encrypted with an older key, e.g. by a run that moved the vault): on every run that holds that key,
 * not only the one that moved it.
 */
export function vaultCannotReadWarning(aliases: readonly string[], where: string, keystore: string): string {
  return (
    `Secure Vault: ${aliases.join(', ')} (in ${where}) ${aliases.length === 1 ? 'does' : 'do'} not decrypt with ${keystore}, the keystore Secure Vault uses after this plan (this tool tried its key). ` +
    `If the cipher tool did not encrypt ${aliases.length === 1 ? 'it' : 'them'} with that key, the server cannot read ${aliases.length === 1 ? 'it' : 'them'} either: write each clear value back in brackets (alias=[value]) and run bin/ciphertool.sh -Dconfigure.`
  );
}

/** The plain statement every run that moves the vault's keystore prints. */
export function reencryptWarning(opts: { from: string; to: string; aliases: string[]; where: string; fresh: string[] }): string {
  const stale = opts.aliases.filter((a) => !opts.fresh.includes(a));
  const list = stale.length ? stale.join(', ') : '(none found)';
  return (
    `Secure Vault encrypts with ${opts.from}; after this plan it uses ${opts.to}. Every secret encrypted with the old key ` +
    `becomes unreadable and must be re-encrypted with the cipher tool: ${list} (in ${opts.where}). ` +
    'Write each clear value back in brackets (alias=[value]) and run bin/ciphertool.sh -Dconfigure before starting the server' +
    (opts.fresh.length ? `; ${opts.fresh.join(', ')} already hold the new value in brackets.` : '.')
  );
}

const PASS_FIELD: Record<string, 'password' | 'keyPassword'> = {
  keystorePass: 'password',
  certificateKeystorePassword: 'password',
  truststorePass: 'password',
  truststorePassword: 'password',
  keyPass: 'keyPassword',
  certificateKeyPassword: 'keyPassword',
};

/**
 * catalina-server.xml settings (from readCatalina) with the Secure Vault placeholder recognised:
 * where the holder element carries svns:secretAlias for one of its password attributes, that
 * password is the placeholder, not a password, so it is dropped and `secretAlias` set.
 */
export function markAttributeVault<T extends CurrentSetting>(doc: XmlDocument, file: string, settings: T[], cipherTool: Map<string, CipherToolMapping>): T[] {
  // Most files have no placeholder at all: then there is nothing to look for (and no line index to build).
  if (!doc.source.includes('secretAlias')) return settings;
  return settings.map((s) => {
    const el = doc.elements.find((e) => e.attrs.some((a) => SECRET_ALIAS_ATTR.test(a.name)) && doc.lineOf(e.start) === s.line);
    const v = el && vaultAttributeOf(el, file, cipherTool);
    if (!v) return s;
    const field = PASS_FIELD[v.attribute];
    const isTrust = /^truststore/.test(v.attribute);
    if (!field || isTrust !== (s.function === 'truststore')) return s;
    return { ...s, [field]: undefined, ...(field === 'password' ? { secretAlias: v.alias } : {}) };
  });
}
