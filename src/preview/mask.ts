/**
 * Passwords never reach a screen or a log. Diffs are rendered from masked copies of the files: the
 * value of every password-bearing setting (found by position, not by guessing strings) is replaced
 * by MASK. Output streams also pass through `redact`, which replaces the plan's own secrets wherever
 * they appear, in every escaped form they can take in a file.
 */
import { applyEdits, type TextEdit } from '../text/patcher';
import { parseXml } from '../xml/document';
import { escapeXmlAttr, escapeXmlContent } from '../xml/escape';

export const MASK = '********';

const PASSWORD_NAME = /(pass(word)?|secret|storepass|keypass)$/i;

/** Mask password values in a file's text. Text that does not parse is masked line by line. */
export function maskPasswords(path: string, text: string): string {
  const edits: TextEdit[] = [];
  if (/\.xml$/i.test(path)) {
    try {
      const doc = parseXml(text, path);
      for (const el of doc.elements) {
        if (PASSWORD_NAME.test(el.local) && el.children.length === 0 && !el.selfClosing && el.closeStart > el.openEnd) {
          edits.push({ start: el.openEnd, end: el.closeStart, text: MASK });
        }
        for (const a of el.attrs) {
          if (PASSWORD_NAME.test(a.name) && a.valueEnd > a.valueStart) edits.push({ start: a.valueStart, end: a.valueEnd, text: MASK });
        }
      }
      return applyEdits(text, edits);
    } catch {
      /* fall through to the line-based mask */
    }
  }
  if (/\.properties$/i.test(path)) {
    // cipher-text.properties holds nothing but secrets.
    return text.replace(/^([ \t]*[^#!\s=:][^=:\s]*[ \t]*[=:][ \t]*)(.+?)(\r?)$/gm, (_, k: string, _v: string, cr: string) => `${k}${MASK}${cr}`);
  }
  // toml and anything else: values of keys that look like passwords, and [secrets] entries.
  let inSecrets = false;
  return text.replace(/^([^\r\n]*?)(\r?)$/gm, (_line: string, body: string, cr: string) => {
    const header = /^\s*\[\s*([^\]]+?)\s*\]/.exec(body);
    if (header) inSecrets = header[1] === 'secrets';
    const m = /^(\s*([A-Za-z0-9_.-]+|"[^"]*")\s*=\s*)(.*)$/.exec(body);
    if (m && (inSecrets || PASSWORD_NAME.test(m[2].replace(/"/g, '')))) return `${m[1]}"${MASK}"${cr}`;
    const attrLike = body.replace(/((?:pass(?:word)?|Pass(?:word)?)\s*=\s*)("[^"]*"|'[^']*')/g, `$1"${MASK}"`);
    return attrLike + cr;
  });
}

/** Every spelling a secret can take once written into a config file. */
function spellings(secret: string): string[] {
  const forms = new Set([
    secret,
    escapeXmlContent(secret),
    escapeXmlAttr(secret, '"'),
    escapeXmlAttr(secret, "'"),
    secret.replace(/\\/g, '\\\\').replace(/"/g, '\\"'),
    JSON.stringify(secret).slice(1, -1),
  ]);
  return [...forms].filter((s) => s.length > 0);
}

/**
 * WSO2's published default password. It is also the default alias and keystore file name, so
 * redacting it would blank `wso2carbon.jks` and `KeyAlias wso2carbon` everywhere while hiding nothing
 * (it is in every WSO2 doc). Password settings themselves are still masked by position.
 */
const PUBLIC_DEFAULTS = new Set(['wso2carbon']);

/** Replace every occurrence of the given secrets. Secrets shorter than 3 characters are skipped (they would garble text). */
export function redact(text: string, secrets: readonly string[]): string {
  const all = secrets.filter((s) => s.length >= 3 && !PUBLIC_DEFAULTS.has(s)).flatMap(spellings);
  all.sort((a, b) => b.length - a.length);
  let out = text;
  for (const s of all) out = out.split(s).join(MASK);
  return out;
}
