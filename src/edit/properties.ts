/**
 * Java .properties files (cipher-text.properties): set `key=value` in place or append it.
 * Only the value part of the one matching line changes; comments and other lines keep their bytes.
 */
import { eolOf, lineAt, type TextEdit } from '../text/patcher';

const escapeValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/^\s/, (c) => `\\${c}`);

export interface PropertyEdit extends TextEdit {
  line: number;
  from: string;
}

export function findProperty(text: string, key: string): { valueStart: number; valueEnd: number; value: string } | undefined {
  const re = /^[ \t\f]*([^#!\s=:][^=:\s]*)[ \t\f]*[=:]?[ \t\f]*(.*?)\r?$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1] === key) {
      const valueStart = m.index + m[0].length - m[2].length - (m[0].endsWith('\r') ? 1 : 0);
      return { valueStart, valueEnd: valueStart + m[2].length, value: m[2] };
    }
    if (m[0].length === 0) re.lastIndex++;
  }
  return undefined;
}

export function setProperty(text: string, key: string, value: string): PropertyEdit | null {
  const existing = findProperty(text, key);
  const escaped = escapeValue(value);
  if (existing) {
    if (existing.value === escaped) return null;
    return { start: existing.valueStart, end: existing.valueEnd, text: escaped, line: lineAt(text, existing.valueStart), from: existing.value };
  }
  const eol = eolOf(text);
  const needsNl = text.length > 0 && !text.endsWith('\n');
  return { start: text.length, end: text.length, text: `${needsNl ? eol : ''}${key}=${escaped}${eol}`, line: lineAt(text, text.length) + (needsNl ? 1 : 0), from: '' };
}
