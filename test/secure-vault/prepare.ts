/**
 * Leave a scratch home the way `ciphertool.sh -Dconfigure` leaves it (see the cipher tool's
 * tokenToConfigFile/encryptCipherTextFile): for every alias of cipher-tool.properties whose file
 * exists, the value its XPath names becomes the placeholder `password`, the element gets
 * `svns:secretAlias="alias"` (for `…[@attr],true` the attribute's value is replaced and the alias goes
 * on the element), the root gets `xmlns:svns`, and cipher-text.properties holds cipher text.
 *
 * The real tool re-serialises whole files with a DOM transformer; we insert the same attributes
 * with minimal edits, which gives the same structure. XPaths: `/A/B/C`, steps may carry `[@a='v']`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseCipherTool } from '../../src/edit/secure-vault';
import { applyEdits, type TextEdit } from '../../src/text/patcher';
import { parseXml, type XmlElement } from '../../src/xml/document';

export const SVNS = 'http://org.wso2.securevault/configuration';

/** Every element the XPath selects; a final `[@attr]` keeps the elements that have that attribute. */
function evaluate(root: XmlElement, xpath: string): Array<{ el: XmlElement; attribute?: string }> {
  const m = /^(.*?)(?:\[@([\w.-]+)\])?$/.exec(xpath.replace(/^\/\//, ''))!;
  const steps = m[1].split('/').filter(Boolean);
  let cur: XmlElement[] = [];
  for (const [i, step] of steps.entries()) {
    const sm = /^([\w.-]+)((?:\[@[\w.-]+='[^']*'\])*)$/.exec(step);
    if (!sm) return [];
    const preds = [...sm[2].matchAll(/\[@([\w.-]+)='([^']*)'\]/g)].map((p) => [p[1], p[2]]);
    const ok = (e: XmlElement) => e.local === sm[1] && preds.every(([a, v]) => e.attrs.some((x) => x.name === a && x.value === v));
    cur = i === 0 ? [root].filter(ok) : cur.flatMap((c) => c.children.filter(ok));
  }
  const attribute = m[2];
  return cur.filter((el) => !attribute || el.attrs.some((a) => a.name === attribute)).map((el) => ({ el, attribute }));
}

export function cipherToolConfigure(home: string, confDir = 'repository/conf', extraMappings: string[] = []): string[] {
  const toolPath = join(home, confDir, 'security', 'cipher-tool.properties');
  if (extraMappings.length) writeFileSync(toolPath, readFileSync(toolPath, 'latin1') + extraMappings.join('\n') + '\n', 'latin1');
  const mappings = parseCipherTool(readFileSync(toolPath, 'latin1'));
  const byFile = new Map<string, Array<{ alias: string; xpath: string }>>();
  for (const m of mappings.values()) {
    const file = join(home, m.file.replace(/^repository\/conf\//, `${confDir}/`));
    if (!existsSync(file)) continue;
    byFile.set(file, [...(byFile.get(file) ?? []), { alias: m.alias, xpath: m.xpath }]);
  }
  const done: string[] = [];
  for (const [file, list] of byFile) {
    const text = readFileSync(file, 'latin1');
    const doc = parseXml(text, file);
    const edits: TextEdit[] = [];
    if (!doc.root.attrs.some((a) => a.name === 'xmlns:svns')) edits.push({ start: doc.root.start + 1 + doc.root.name.length, end: doc.root.start + 1 + doc.root.name.length, text: ` xmlns:svns="${SVNS}"` });
    for (const { alias, xpath } of list) {
      const hits = evaluate(doc.root, xpath);
      for (const { el, attribute } of hits) {
        if (attribute) {
          const a = el.attrs.find((x) => x.name === attribute)!;
          edits.push({ start: a.valueStart, end: a.valueEnd, text: 'password' });
        } else {
          edits.push({ start: el.openEnd, end: el.closeStart, text: 'password' });
        }
        const at = el.start + 1 + el.name.length;
        edits.push({ start: at, end: at, text: ` svns:secretAlias="${alias}"` });
      }
      if (hits.length) done.push(alias);
    }
    writeFileSync(file, applyEdits(text, edits), 'latin1');
  }
  // cipher-text.properties: every value encrypted (base64 of RSA output in real life).
  const textPath = join(home, confDir, 'security', 'cipher-text.properties');
  const lines = [...mappings.keys()].map((a) => `${a}=${randomBytes(256).toString('base64')}`);
  writeFileSync(textPath, `#Secure Vault\n${lines.join('\n')}\n`, 'latin1');
  return done;
}

/** toml era: keystore passwords as $secret{} references with cipher text under [secrets]. */
export function tomlVault(text: string, refs: Record<string, string>, extraSecrets: string[] = []): string {
  let out = text;
  for (const [tableKey, alias] of Object.entries(refs)) {
    const [table, key] = tableKey.split('|');
    const re = new RegExp(`(\\[${table.replace(/\./g, '\\.')}\\][\\s\\S]*?\\n${key}\\s*=\\s*)"[^"]*"`);
    if (!re.test(out)) throw new Error(`no ${tableKey} in the fixture`);
    out = out.replace(re, `$1"$secret{${alias}}"`);
  }
  const aliases = [...new Set([...Object.values(refs), ...extraSecrets])];
  const eol = out.endsWith('\n') ? '' : '\n';
  return `${out}${eol}\n[secrets]\n${aliases.map((a) => `${a} = "${randomBytes(64).toString('base64')}"`).join('\n')}\n`;
}
