/**
 * carbon.xml: Security/KeyStore (primary), Security/InternalKeyStore + CryptoService (internal),
 * Security/TrustStore (truststore).
 *
 * Edits only element text, except where the internal blocks are missing: those are inserted from
 * templates/ (kernels before 4.4.35 lack them). A password held in Secure Vault (the element carries
 * `svns:secretAlias`) is never overwritten: the new value is returned in `vaultSecrets` for the
 * caller to put in cipher-text.properties.
 */
import { KsError } from '../errors';
import { eolOf } from '../text/patcher';
import { attr, childrenNamed, select, type XmlDocument, type XmlElement } from '../xml/document';
import { escapeXmlContent } from '../xml/escape';
import { formatKeystorePath } from './paths';
import { loadTemplate, renderTemplate } from './templates';
import type { CurrentSetting, KeystoreTarget, SettingEdit } from './types';
import { indentAt, setElementText, type XmlEditContext } from './xml-edit';

/** What the carbon.xml readers and patchers look at, besides the root's children (for indentation): parseXml's `keep`. */
export const CARBON_KEEP = (path: readonly string[]) => path[1] === 'Security' || path[1] === 'CryptoService';

export const CONTEXT_INDEPENDENT_RESOLVER = 'org.wso2.carbon.crypto.defaultProvider.resolver.ContextIndependentKeyResolver';

export interface CarbonTargets {
  primary?: KeystoreTarget;
  internal?: KeystoreTarget;
  truststore?: KeystoreTarget;
}

export interface VaultSecret {
  /** The Secure Vault alias, e.g. Carbon.Security.KeyStore.Password. */
  alias: string;
  value: string;
  setting: string;
  /** The file and line of the element that carries the placeholder. */
  file: string;
  line: number;
}

export interface XmlPatchResult {
  edits: SettingEdit[];
  warnings: string[];
  vaultSecrets: VaultSecret[];
}

/** The one element at `path`, or undefined; two are ambiguous and an error. */
function single(doc: XmlDocument, path: string, file: string): XmlElement | undefined {
  const found = select(doc, path);
  if (found.length > 1) {
    throw new KsError('XML_AMBIGUOUS', `${path} appears ${found.length} times; the server reads only one`, {
      file,
      line: doc.lineOf(found[1].start),
      hint: 'Remove the duplicate block by hand, then run again.',
    });
  }
  return found[0];
}

function child(el: XmlElement, local: string, file: string, doc: XmlDocument, required: boolean): XmlElement | undefined {
  const found = childrenNamed(el, local);
  if (found.length > 1) {
    throw new KsError('XML_AMBIGUOUS', `<${el.local}> has ${found.length} <${local}> elements`, { file, line: doc.lineOf(found[1].start) });
  }
  if (!found[0] && required) {
    throw new KsError('ELEMENT_MISSING', `<${el.local}> has no <${local}> element`, {
      file,
      line: doc.lineOf(el.start),
      hint: `Add <${local}> to <${el.local}> (see the WSO2 docs' default block), then run again.`,
    });
  }
  return found[0];
}

export const SECRET_ALIAS_ATTR = /(^|:)secretAlias$/;

export function secretAliasOf(el: XmlElement): string | undefined {
  return el.attrs.find((a) => SECRET_ALIAS_ATTR.test(a.name))?.value;
}

type Field = 'Location' | 'Type' | 'Password' | 'KeyAlias' | 'KeyPassword';

/** Set the standard children of a KeyStore-like block (carbon.xml and axis2.xml share this shape). */
export function patchKeystoreBlock(
  ctx: XmlEditContext,
  block: XmlElement,
  values: Partial<Record<Field, string>>,
  settingPrefix: string,
  fn: SettingEdit['function'],
  out: XmlPatchResult,
): void {
  for (const [field, value] of Object.entries(values) as [Field, string | undefined][]) {
    if (value === undefined) continue;
    const el = child(block, field, ctx.file, ctx.doc, true)!;
    const setting = `${settingPrefix}/${field}`;
    const secret = field === 'Password' || field === 'KeyPassword';
    const vaultAlias = secret ? secretAliasOf(el) : undefined;
    if (vaultAlias) {
      out.vaultSecrets.push({ alias: vaultAlias, value, setting, file: ctx.file, line: ctx.doc.lineOf(el.start) });
      continue;
    }
    const e = setElementText(ctx, el, value, { setting, secret, function: fn });
    if (e) out.edits.push(e);
  }
}

function keyBlockValues(t: KeystoreTarget, withAlias: boolean): Partial<Record<Field, string>> {
  const v: Partial<Record<Field, string>> = {
    Location: formatKeystorePath(t, 'carbonHome'),
    Type: t.type,
    Password: t.password,
  };
  if (withAlias) {
    v.KeyAlias = t.alias;
    v.KeyPassword = t.keyPassword;
  }
  return v;
}

export function patchCarbonXml(ctx: XmlEditContext, targets: CarbonTargets): XmlPatchResult {
  const out: XmlPatchResult = { edits: [], warnings: [], vaultSecrets: [] };
  const { doc, file } = ctx;
  const security = single(doc, 'Server/Security', file);
  if (!security) {
    throw new KsError('ELEMENT_MISSING', 'carbon.xml has no <Security> element', { file, hint: 'Is this a WSO2 carbon.xml?' });
  }
  if (targets.primary) {
    const ks = single(doc, 'Server/Security/KeyStore', file);
    if (!ks) throw new KsError('ELEMENT_MISSING', 'carbon.xml has no Security/KeyStore block', { file, line: doc.lineOf(security.start) });
    patchKeystoreBlock(ctx, ks, keyBlockValues(targets.primary, true), 'Security/KeyStore', 'primary', out);
  }
  if (targets.truststore) {
    const ts = single(doc, 'Server/Security/TrustStore', file);
    if (!ts) throw new KsError('ELEMENT_MISSING', 'carbon.xml has no Security/TrustStore block', { file, line: doc.lineOf(security.start) });
    patchKeystoreBlock(ctx, ts, keyBlockValues(targets.truststore, false), 'Security/TrustStore', 'truststore', out);
  }
  if (targets.internal) patchInternal(ctx, security, targets.internal, out);
  return out;
}

function templateValues(t: KeystoreTarget): Record<string, string> {
  return {
    location: escapeXmlContent(formatKeystorePath(t, 'carbonHome')),
    type: escapeXmlContent(t.type),
    password: escapeXmlContent(t.password),
    alias: escapeXmlContent(t.alias ?? ''),
    keyPassword: escapeXmlContent(t.keyPassword),
  };
}

function patchInternal(ctx: XmlEditContext, security: XmlElement, t: KeystoreTarget, out: XmlPatchResult): void {
  const { doc, file } = ctx;
  const src = doc.source;
  const eol = eolOf(src);
  const iks = single(doc, 'Server/Security/InternalKeyStore', file);
  if (iks) {
    patchKeystoreBlock(ctx, iks, keyBlockValues(t, true), 'Security/InternalKeyStore', 'internal', out);
  } else {
    // Insert after </KeyStore>, at the KeyStore's indentation.
    const ks = single(doc, 'Server/Security/KeyStore', file);
    const anchor = ks ?? security;
    const at = ks ? ks.end : security.openEnd;
    const indent = ks ? indentAt(src, ks.start) : indentAt(src, security.start) + '    ';
    const block = renderTemplate(loadTemplate('internal-keystore.xml'), templateValues(t), indent, eol);
    out.edits.push({
      start: at,
      end: at,
      text: eol + block,
      setting: 'Security/InternalKeyStore',
      from: '',
      to: formatKeystorePath(t, 'carbonHome'),
      secret: false,
      function: 'internal',
      note: `inserted Security/InternalKeyStore (from templates/internal-keystore.xml) after line ${doc.lineOf(anchor.end)}`,
    });
    // The block carries its passwords in clear; where the primary's are Secure Vault placeholders, say so.
    const vaulted = ks && ['Password', 'KeyPassword'].map((n) => ks.children.find((c) => c.local === n)).find((c) => c && secretAliasOf(c));
    if (vaulted) {
      out.warnings.push(
        `${file}: the Security/InternalKeyStore block added holds its Password and KeyPassword in clear, while the primary KeyStore's are in Secure Vault (${secretAliasOf(vaulted)}). To keep them out of the file too, give them aliases of their own (svns:secretAlias on the elements and lines in cipher-tool.properties) and run ciphertool.sh -Dconfigure.`,
      );
    }
  }
  patchCryptoService(ctx, out);
}

function patchCryptoService(ctx: XmlEditContext, out: XmlPatchResult): void {
  const { doc, file } = ctx;
  const src = doc.source;
  const eol = eolOf(src);
  const cs = single(doc, 'Server/CryptoService', file);
  if (!cs) {
    const root = doc.root;
    const lineStart = src.lastIndexOf('\n', root.closeStart - 1) + 1;
    const firstChild = root.children[0];
    const indent = firstChild ? indentAt(src, firstChild.start) : '    ';
    const block = renderTemplate(loadTemplate('crypto-service.xml'), {}, indent, eol);
    out.edits.push({
      start: lineStart,
      end: lineStart,
      text: eol + block + eol,
      setting: 'CryptoService',
      from: '',
      to: 'enabled',
      secret: false,
      function: 'internal',
      note: 'inserted CryptoService with the ContextIndependentKeyResolver (from templates/crypto-service.xml)',
    });
    return;
  }
  const enabled = child(cs, 'Enabled', file, doc, false);
  if (enabled) {
    const e = setElementText(ctx, enabled, 'true', { setting: 'CryptoService/Enabled', function: 'internal' });
    if (e) out.edits.push(e);
  } else {
    const indent = indentAt(src, cs.start) + '    ';
    out.edits.push({
      start: cs.openEnd,
      end: cs.openEnd,
      text: `${eol}${indent}<Enabled>true</Enabled>`,
      setting: 'CryptoService/Enabled',
      from: '',
      to: 'true',
      secret: false,
      function: 'internal',
    });
  }
  const resolvers = child(cs, 'KeyResolvers', file, doc, false);
  const resolverLine = `<KeyResolver className="${CONTEXT_INDEPENDENT_RESOLVER}" priority="-1"/>`;
  if (!resolvers) {
    const indent = indentAt(src, cs.start) + '    ';
    const at = src.lastIndexOf('\n', cs.closeStart - 1) + 1;
    out.edits.push({
      start: at,
      end: at,
      text: `${indent}<KeyResolvers>${eol}${indent}    ${resolverLine}${eol}${indent}</KeyResolvers>${eol}`,
      setting: 'CryptoService/KeyResolvers',
      from: '',
      to: 'ContextIndependentKeyResolver priority -1',
      secret: false,
      function: 'internal',
    });
    return;
  }
  const resolver = childrenNamed(resolvers, 'KeyResolver').find((r) => attr(r, 'className')?.value === CONTEXT_INDEPENDENT_RESOLVER);
  if (!resolver) {
    const indent = indentAt(src, resolvers.start) + '    ';
    const at = src.lastIndexOf('\n', resolvers.closeStart - 1) + 1;
    out.edits.push({
      start: at,
      end: at,
      text: `${indent}${resolverLine}${eol}`,
      setting: 'CryptoService/KeyResolvers/KeyResolver',
      from: '',
      to: 'ContextIndependentKeyResolver priority -1',
      secret: false,
      function: 'internal',
    });
    return;
  }
  const prio = attr(resolver, 'priority');
  if (prio && prio.value !== '-1') {
    out.edits.push({
      start: prio.valueStart,
      end: prio.valueEnd,
      text: '-1',
      setting: 'CryptoService/KeyResolvers/KeyResolver/@priority',
      from: prio.value,
      to: '-1',
      secret: false,
      function: 'internal',
    });
  } else if (!prio) {
    const at = resolver.start + 1 + resolver.name.length;
    out.edits.push({
      start: at,
      end: at,
      text: ' priority="-1"',
      setting: 'CryptoService/KeyResolvers/KeyResolver/@priority',
      from: '',
      to: '-1',
      secret: false,
      function: 'internal',
    });
  }
}

/**
 * A KeyStore-like block (carbon.xml's KeyStore, InternalKeyStore, TrustStore; axis2's transport
 * keystore and truststore): Location, Type, Password, KeyAlias, KeyPassword. A Password that is a
 * Secure Vault placeholder keeps its text with `secretAlias` set; a KeyPassword that is one is not a
 * key password at all, so it is left out and its alias kept (`keyPasswordSecretAlias`).
 */
export function readKeystoreBlock(doc: XmlDocument, el: XmlElement, fn: CurrentSetting['function'], owner: string): CurrentSetting {
  const child = (n: string) => childrenNamed(el, n)[0];
  const pw = child('Password');
  const kp = child('KeyPassword');
  const kpAlias = kp && secretAliasOf(kp);
  return {
    function: fn,
    owner,
    location: child('Location')?.text.trim(),
    type: child('Type')?.text.trim(),
    password: pw?.text,
    alias: child('KeyAlias')?.text.trim(),
    keyPassword: kpAlias ? undefined : kp?.text,
    line: doc.lineOf(el.start),
    secretAlias: pw ? secretAliasOf(pw) : undefined,
    ...(kpAlias ? { keyPasswordSecretAlias: kpAlias } : {}),
  };
}

/** What carbon.xml says now. `internal` is absent when the file has no InternalKeyStore. */
export function readCarbonXml(doc: XmlDocument): { primary?: CurrentSetting; internal?: CurrentSetting; truststore?: CurrentSetting; cryptoService: boolean } {
  const ks = select(doc, 'Server/Security/KeyStore')[0];
  const iks = select(doc, 'Server/Security/InternalKeyStore')[0];
  const ts = select(doc, 'Server/Security/TrustStore')[0];
  const cs = select(doc, 'Server/CryptoService')[0];
  return {
    primary: ks && readKeystoreBlock(doc, ks, 'primary', 'Security/KeyStore'),
    internal: iks && readKeystoreBlock(doc, iks, 'internal', 'Security/InternalKeyStore'),
    truststore: ts && readKeystoreBlock(doc, ts, 'truststore', 'Security/TrustStore'),
    cryptoService: Boolean(cs && childrenNamed(cs, 'Enabled')[0]?.text.trim() === 'true'),
  };
}
