/**
 * Leave a scratch home the way `ciphertool.sh -Dconfigure` leaves it (see the cipher tool's
 * tokenToConfigFile/encryptCipherTextFile): for every alias of cipher-tool.properties whose file
 * exists, the value its XPath names becomes the placeholder `password`, the element gets
 * `svns:secretAlias="alias"` (for `…[@attr],true` the attribute's value is replaced and the alias goes
 * on the element), the root gets `xmlns:svns`, and cipher-text.properties holds cipher text.
 *
 * The real tool re-serialises whole files with a DOM transformer; we insert the same attributes
 * with minimal edits, which gives the same structure.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { cipherToolValues, parseCipherTool, type CipherToolMapping } from '../../src/edit/secure-vault';
import { applyEdits, type TextEdit } from '../../src/text/patcher';
import { parseXml } from '../../src/xml/document';

export const SVNS = 'http://org.wso2.securevault/configuration';

export function cipherToolConfigure(home: string, confDir = 'repository/conf', extraMappings: string[] = []): string[] {
  const toolPath = join(home, confDir, 'security', 'cipher-tool.properties');
  if (extraMappings.length) writeFileSync(toolPath, readFileSync(toolPath, 'latin1') + extraMappings.join('\n') + '\n', 'latin1');
  const mappings = parseCipherTool(readFileSync(toolPath, 'latin1'));
  const byFile = new Map<string, CipherToolMapping[]>();
  for (const m of mappings.values()) {
    const file = join(home, m.file.replace(/^repository\/conf\//, `${confDir}/`));
    if (!existsSync(file)) continue;
    byFile.set(file, [...(byFile.get(file) ?? []), m]);
  }
  const done: string[] = [];
  for (const [file, list] of byFile) {
    const text = readFileSync(file, 'latin1');
    const doc = parseXml(text, file);
    const edits: TextEdit[] = [];
    if (!doc.root.attrs.some((a) => a.name === 'xmlns:svns')) edits.push({ start: doc.root.start + 1 + doc.root.name.length, end: doc.root.start + 1 + doc.root.name.length, text: ` xmlns:svns="${SVNS}"` });
    for (const m of list) {
      const { alias, attribute } = m;
      // The XPath evaluated as the tool reads it (src/edit/secure-vault.ts cipherToolValues).
      const hits = cipherToolValues(doc, m);
      for (const { el } of hits) {
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

/**
 * EI 6.2.0 after `ciphertool.sh -Dconfigure`, with the axis2 https listener's Password under Secure
 * Vault too and pointed (by the admin) at the primary keystore's alias, Carbon.Security.KeyStore.Password.
 */
export function vaultWithSharedListenerAlias(home: string): void {
  const listener = "Axis2.Https.Listener.KeyStore.Password=conf/axis2/axis2.xml//axisconfig/transportReceiver[@name='https']/parameter[@name='keystore']/KeyStore/Password,false";
  cipherToolConfigure(home, 'conf', [listener]);
  const axis2 = join(home, 'conf/axis2/axis2.xml');
  const text = readFileSync(axis2, 'latin1');
  const own = 'svns:secretAlias="Axis2.Https.Listener.KeyStore.Password"';
  if (!text.includes(own)) throw new Error('the listener got no placeholder');
  writeFileSync(axis2, text.replace(own, 'svns:secretAlias="Carbon.Security.KeyStore.Password"'), 'latin1');
}
