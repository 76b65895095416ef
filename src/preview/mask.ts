/**
 * Passwords never reach a screen or a log. Diffs are rendered from masked copies of the files: the
 * value of every password-bearing setting (found by position, not by guessing strings) is replaced
 * by MASK. Output streams also pass through `redact`, which replaces the plan's own secrets wherever
 * they appear, in every escaped form they can take in a file.
 */
import { applyEdits, type TextEdit } from '../text/patcher';
import { isXmlFile, parseXml } from '../xml/document';
import { escapeXmlAttr, escapeXmlContent } from '../xml/escape';

export const MASK = '********';

const PASSWORD_NAME = /(pass(word|phrase)?|pwd|secret|storepass|keypass)$/i;

/**
 * Mask password values in a file's text. Text that does not parse is masked line by line.
 * XML: the content of a leaf element named like a password (`<Password>`), an attribute named like
 * one (`keystorePass="…"`), and a leaf or `value` attribute of an element whose `name` or `key`
 * attribute names one (`<parameter name="wss.ssl.key.store.pass">`, `<Property name="…Password">`).
 * .properties: the value of a key named like a password; in cipher-text.properties every value.
 */
export function maskPasswords(path: string, text: string): string {
  const edits: TextEdit[] = [];
  if (isXmlFile(path, text)) {
    try {
      const doc = parseXml(text, path);
      for (const el of doc.elements) {
        const named = el.attrs.some((a) => (a.name === 'name' || a.name === 'key') && PASSWORD_NAME.test(a.value));
        if ((named || PASSWORD_NAME.test(el.local)) && el.children.length === 0 && !el.selfClosing && el.closeStart > el.openEnd) {
          edits.push({ start: el.openEnd, end: el.closeStart, text: MASK });
        }
        for (const a of el.attrs) {
          if ((PASSWORD_NAME.test(a.name) || (named && a.name === 'value')) && a.valueEnd > a.valueStart) edits.push({ start: a.valueStart, end: a.valueEnd, text: MASK });
        }
      }
      // A commented-out block is text to the parser, but its passwords are as real: masked by pattern,
      // in the comments that hold a password-like word at all (most are licence text and docs).
      const hints = [...text.matchAll(PASSWORD_HINT)].map((m) => m.index!);
      let h = 0;
      for (const [start, end] of doc.comments) {
        while (h < hints.length && hints[h] < start) h++;
        if (h === hints.length) break;
        if (hints[h] >= end || edits.some((e) => e.start <= start && end <= e.end)) continue;
        edits.push(...commentMasks(text, start, end));
      }
      return applyEdits(text, edits);
    } catch {
      /* fall through to the line-based mask */
    }
  }
  if (/\.properties$/i.test(path)) {
    // cipher-text.properties holds nothing but secrets; elsewhere only keys named like a password do.
    const all = /(^|[\\/])cipher-text\.properties$/i.test(path);
    return text.replace(/^([ \t]*([^#!\s=:][^=:\s]*)[ \t]*[=:][ \t]*)(.+?)(\r?)$/gm, (line: string, k: string, key: string, _v: string, cr: string) =>
      all || PASSWORD_NAME.test(key) ? `${k}${MASK}${cr}` : line,
    );
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

/** Where a password-like name may be (a superset of PASSWORD_NAME's matches, found in one pass). */
const PASSWORD_HINT = /pass|pwd|secret/gi;
const TAG_WITH_TEXT = /<([A-Za-z_][-\w.:]*)((?:\s+[^\s=<>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*>([^<]*)<\/\1\s*>/g;
const ATTR = /([^\s=<>"'/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const START_TAG = /<([A-Za-z_][-\w.:]*)((?:\s+[^\s=<>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/g;

/** The masks for the password-like settings written inside the comment `[start, end)`, as the element rules above. */
function commentMasks(text: string, start: number, end: number): TextEdit[] {
  const body = text.slice(start, end);
  const edits: TextEdit[] = [];
  const masked = (from: number, to: number) => edits.some((e) => e.start < to && from < e.end);
  for (const m of body.matchAll(TAG_WITH_TEXT)) {
    const local = m[1].slice(m[1].indexOf(':') + 1);
    const named = [...m[2].matchAll(ATTR)].some((a) => (a[1] === 'name' || a[1] === 'key') && PASSWORD_NAME.test(a[2] ?? a[3]));
    if (!(named || PASSWORD_NAME.test(local)) || !m[3]) continue;
    const to = start + m.index! + m[0].lastIndexOf('</');
    edits.push({ start: to - m[3].length, end: to, text: MASK });
  }
  // `value` of a tag whose name or key attribute names a password (`<Property name="…Password" value="…"/>`).
  const namedValues = new Set<number>();
  for (const m of body.matchAll(START_TAG)) {
    const attrs = [...m[2].matchAll(ATTR)];
    if (!attrs.some((a) => (a[1] === 'name' || a[1] === 'key') && PASSWORD_NAME.test(a[2] ?? a[3]))) continue;
    const base = m.index! + 1 + m[1].length;
    for (const a of attrs) if (a[1] === 'value') namedValues.add(base + a.index!);
  }
  for (const a of body.matchAll(ATTR)) {
    const raw = a[2] ?? a[3];
    const valueEnd = start + a.index! + a[0].length - 1;
    if (!raw || !(PASSWORD_NAME.test(a[1]) || namedValues.has(a.index!)) || masked(valueEnd - raw.length, valueEnd)) continue;
    edits.push({ start: valueEnd - raw.length, end: valueEnd, text: MASK });
  }
  return edits;
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
