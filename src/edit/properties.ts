/**
 * Java .properties files (cipher-text.properties, cipher-tool.properties, EndpointConfig.properties):
 * read entries, and set `key=value` in place or append it. Only the value part of the one matching
 * line changes; comments and other lines keep their bytes.
 *
 * Values are escaped the way `java.util.Properties.load(InputStream)` reads them: that reads
 * ISO-8859-1, so every character outside printable ASCII is written as `\uXXXX` (the cipher tool
 * loads cipher-text.properties exactly that way; a UTF-8 "é" would reach it as two characters).
 *
 * Does not handle: keys with escaped separators, and values continued over several lines with a
 * trailing backslash (neither appears in the WSO2 files we edit); such a key is reported missing.
 */
import { eolOf, lineAt, lineIndex, type TextEdit } from '../text/patcher';

export function escapePropertyValue(v: string): string {
  let out = '';
  for (const ch of v) {
    const c = ch.charCodeAt(0);
    if (ch === '\\') out += '\\\\';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c > 0x7e) {
      // One \uXXXX per UTF-16 code unit: Properties.load rebuilds surrogate pairs from them.
      for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')}`;
    } else out += ch;
  }
  // A leading blank would be taken as part of the separator.
  return out.replace(/^ /, '\\ ');
}

/** The value as Properties.load reads it (escapes undone). */
export function unescapePropertyValue(raw: string): string {
  return raw.replace(/\\(u[0-9A-Fa-f]{4}|.)/g, (_, e: string) => {
    if (e[0] === 'u' && e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return e === 't' ? '\t' : e === 'n' ? '\n' : e === 'r' ? '\r' : e === 'f' ? '\f' : e;
  });
}

export interface PropertyEntry {
  key: string;
  /** Raw value as written (escapes not undone). */
  raw: string;
  value: string;
  line: number;
  valueStart: number;
  valueEnd: number;
}

const LINE_RE = /^[ \t\f]*([^#!\s=:][^=:\s]*)[ \t\f]*[=:]?[ \t\f]*(.*?)\r?$/gm;

/** Key/value lines, in order (comments and blank lines skipped): key, raw value and its offsets. */
function* propertyLines(text: string): Generator<{ key: string; raw: string; at: number; valueStart: number }> {
  const re = new RegExp(LINE_RE.source, 'gm');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    yield { key: m[1], raw: m[2], at: m.index, valueStart: m.index + m[0].length - m[2].length - (m[0].endsWith('\r') ? 1 : 0) };
  }
}

/** Every key/value line, in order (comments and blank lines skipped). */
export function readProperties(text: string): PropertyEntry[] {
  const lines = lineIndex(text);
  return [...propertyLines(text)].map((p) => ({ key: p.key, raw: p.raw, value: unescapePropertyValue(p.raw), line: lines(p.at), valueStart: p.valueStart, valueEnd: p.valueStart + p.raw.length }));
}

export interface PropertyEdit extends TextEdit {
  line: number;
  from: string;
}

/** The first line of `key` (no other line is decoded or numbered). */
export function findProperty(text: string, key: string): { valueStart: number; valueEnd: number; value: string } | undefined {
  for (const p of propertyLines(text)) if (p.key === key) return { valueStart: p.valueStart, valueEnd: p.valueStart + p.raw.length, value: p.raw };
  return undefined;
}

export function setProperty(text: string, key: string, value: string): PropertyEdit | null {
  const existing = findProperty(text, key);
  const escaped = escapePropertyValue(value);
  if (existing) {
    if (existing.value === escaped || unescapePropertyValue(existing.value) === value) return null;
    return { start: existing.valueStart, end: existing.valueEnd, text: escaped, line: lineAt(text, existing.valueStart), from: existing.value };
  }
  const eol = eolOf(text);
  const needsNl = text.length > 0 && !text.endsWith('\n');
  return { start: text.length, end: text.length, text: `${needsNl ? eol : ''}${key}=${escaped}${eol}`, line: lineAt(text, text.length) + (needsNl ? 1 : 0), from: '' };
}
