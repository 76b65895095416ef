/**
 * What a home's config files say about keystores: every keystore setting, function by function, from
 * the files' bytes (as read now, or as a change set leaves them). Pure: the caller reads the files.
 * Used by verify, the wizard's first screen, and the planner's truststore check.
 */
import { parse } from 'smol-toml';
import { readAxis2 } from '../edit/axis2';
import { CARBON_KEEP, readCarbonXml } from '../edit/carbon';
import { readCatalina } from '../edit/catalina';
import { readSecPolicy } from '../edit/sec-policy';
import { readProperties } from '../edit/properties';
import { cipherToolValues, isBracketed, markAttributeVault, parseCipherTool, sameConfigFile, unbracketed, type CipherToolMapping } from '../edit/secure-vault';
import type { CurrentSetting } from '../edit/types';
import { readTomlSettings } from '../changes/plan-toml';
import { decodedText } from '../changes/decoded';
import { parseXml, type ParseXmlOptions } from '../xml/document';
import { managedFiles, type HomeLayout } from './layout';

/** Every keystore setting of a home, as `files` (home-relative path → bytes) say. */
export function currentSettings(layout: HomeLayout, files: Map<string, Buffer>): Array<CurrentSetting & { path: string }> {
  const out: Array<CurrentSetting & { path: string }> = [];
  // carbon.xml's readers look only under Security and CryptoService: a big file's view keeps just those.
  const xml = (rel: string | undefined, keep?: ParseXmlOptions['keep']) => (rel && files.get(rel) ? parseXml(decodedText(files.get(rel)!, rel).text, rel, { keep }) : null);
  const f = layout.files;
  if (layout.era === 'toml' && f.deploymentToml && files.get(f.deploymentToml)) {
    // The XML files are generated from deployment.toml at start: the toml (with its defaults) is what counts.
    const rel = f.deploymentToml;
    for (const s of readTomlSettings(decodedText(files.get(rel)!, rel).text, rel, { layout, files })) out.push({ ...s, path: rel });
  } else {
    const carbon = xml(f.carbon, CARBON_KEEP);
    if (carbon && f.carbon) {
      const c = readCarbonXml(carbon);
      for (const s of [c.primary, c.internal, c.truststore]) if (s) out.push({ ...s, path: f.carbon });
    }
    // A Connector password that is a Secure Vault placeholder (keystorePass="password" and
    // svns:secretAlias, as the cipher tool leaves it) is not the password: marked as the planner does.
    const cat = xml(f.catalina);
    if (cat && f.catalina) for (const s of markAttributeVault(cat, f.catalina, readCatalina(cat), cipherToolOf(layout, files))) out.push({ ...s, path: f.catalina });
    for (const rel of f.axis2) {
      const d = xml(rel);
      if (d) for (const s of readAxis2(d)) out.push({ ...s, path: rel });
    }
  }
  // sec.policy is read by the JVM, whichever file generates the others.
  if (f.secPolicy && files.get(f.secPolicy)) {
    const s = readSecPolicy(decodedText(files.get(f.secPolicy)!, f.secPolicy).text, f.secPolicy);
    if (s) out.push({ ...s, path: f.secPolicy });
  }
  return out;
}

/** cipher-tool.properties' mappings (alias → file and setting), or none when the home has no such file. */
export function cipherToolOf(layout: HomeLayout, files: Map<string, Buffer>): Map<string, CipherToolMapping> {
  const rel = layout.files.cipherTool;
  const bytes = rel ? files.get(rel) : undefined;
  return rel && bytes ? parseCipherTool(decodedText(bytes, rel).text) : new Map();
}

/**
 * cipher-text.properties aliases that still hold a clear value in brackets other than the clear
 * password the config has where the alias maps (cipher-tool.properties): Secure Vault is not in use
 * for that setting, so the server reads the config; but the next `ciphertool.sh -Dconfigure` would
 * encrypt the old value and put its placeholder over the password. With the lines of the element and
 * its ancestors, to tie each to a setting. 4.4.x homes (on toml homes [secrets] is the only copy).
 */
export function staleVaultValues(layout: HomeLayout, files: Map<string, Buffer>): Array<{ alias: string; path: string; lines: number[] }> {
  const ct = layout.files.cipherText;
  const bytes = ct ? files.get(ct) : undefined;
  if (layout.era !== 'xml' || !ct || !bytes) return [];
  const cipherTool = cipherToolOf(layout, files);
  const out: Array<{ alias: string; path: string; lines: number[] }> = [];
  for (const p of readProperties(decodedText(bytes, ct).text)) {
    const m = cipherTool.get(p.key);
    if (!m || !isBracketed(p.value)) continue;
    const clear = unbracketed(p.value);
    const rel = managedFiles(layout).find((r) => sameConfigFile(m.file, r) && /\.xml$/i.test(r));
    if (!rel) continue;
    let doc;
    try {
      doc = parseXml(decodedText(files.get(rel)!, rel).text, rel);
    } catch {
      continue; // the file's own check reports it
    }
    for (const v of cipherToolValues(doc, m)) {
      if (v.placeholder || v.value === clear) continue;
      const lines: number[] = [];
      for (let e: typeof v.el | null = v.el; e; e = e.parent) lines.push(doc.lineOf(e.start));
      out.push({ alias: p.key, path: rel, lines });
    }
  }
  return out;
}

/**
 * The Secure Vault aliases that have a value (cipher-text.properties; on toml homes [secrets] of
 * deployment.toml), and where they were looked for; null when deployment.toml does not parse.
 */
export function vaultAliases(layout: HomeLayout, files: Map<string, Buffer>): { file: string; aliases: Set<string> } | null {
  if (layout.era === 'toml') {
    const rel = layout.files.deploymentToml;
    const bytes = rel ? files.get(rel) : undefined;
    if (!rel || !bytes) return null;
    try {
      const secrets = (parse(decodedText(bytes, rel).text) as Record<string, unknown>).secrets;
      return { file: `[secrets] of ${rel}`, aliases: new Set(secrets && typeof secrets === 'object' ? Object.keys(secrets) : []) };
    } catch {
      return null; // the settings' own reading reports a file that does not parse
    }
  }
  const rel = layout.files.cipherText;
  const bytes = rel ? files.get(rel) : undefined;
  if (!rel || !bytes) return { file: `${layout.confDir}/security/cipher-text.properties, which does not exist`, aliases: new Set() };
  return { file: rel, aliases: new Set(readProperties(decodedText(bytes, rel).text).map((p) => p.key)) };
}

/** `path:line`, or for a setting the file leaves to the product's default (line 0), `path (by default)`. */
export const where = (l: { path: string; line: number }) => (l.line ? `${l.path}:${l.line}` : `${l.path} (by default)`);
