/**
 * A line-level model of a TOML file that keeps exact string offsets, for minimal edits.
 *
 * The text is first validated with smol-toml; the scanner below may therefore assume valid TOML
 * and stays small. It records table headers, key/value entries (also dotted keys and the keys of
 * inline tables, for reading and in-place edits), and comment-only lines. It never builds text:
 * writing is done by `set.ts` as edits against the original.
 *
 * Not modelled: the contents of arrays (entries inside `[{…}]` are skipped), and the children of
 * array tables `[[…]]` are recorded with `inArrayTable` so that lookups ignore them.
 */
import { parse, TomlError } from 'smol-toml';
import { KsError } from '../../errors';

export type ValueStyle = 'basic' | 'literal' | 'ml-basic' | 'ml-literal' | 'bare' | 'array' | 'inline-table';

export interface KeyPart {
  name: string;
  start: number;
  end: number;
}

export interface TomlTableHeader {
  /** Canonical dotted name, e.g. `keystore.primary` (parts quoted only where TOML needs it). */
  name: string;
  path: string[];
  /** `[[…]]` */
  array: boolean;
  /** Offsets of the header from `[` to the closing `]`/`]]`. */
  start: number;
  end: number;
  /** Offset just after the header line's line ending (or text end). */
  lineEnd: number;
  line: number;
}

export interface TomlEntry {
  /** Full path: section header path + dotted key (+ inline table keys). */
  path: string[];
  /** Index into `doc.tables` of the section the entry lives in; -1 for the root section. */
  section: number;
  /** Parts of the key as written (relative to the section or the enclosing inline table). */
  keyParts: KeyPart[];
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
  style: ValueStyle;
  /** True for keys inside an inline table `{ … }`. */
  inline: boolean;
  /** True under an array table `[[…]]`: such paths are not unique, lookups skip them. */
  inArrayTable: boolean;
  /** 1-based line of the key. */
  line: number;
  /** Offset of the start of the key's line. */
  lineStart: number;
  /** Offset just after the line ending of the line where the value ends (or text end). */
  lineEnd: number;
}

export interface TomlComment {
  /** Offset of `#`; comment-only lines only (trailing comments after values are not listed). */
  start: number;
  /** Offset of the end of the comment (before the line ending). */
  end: number;
  lineStart: number;
  lineEnd: number;
  line: number;
  text: string;
}

export interface TomlDoc {
  text: string;
  /** The file's line ending (CRLF if its first line ending is CRLF). */
  eol: '\n' | '\r\n';
  tables: TomlTableHeader[];
  entries: TomlEntry[];
  comments: TomlComment[];
  /** 1-based line of an offset. */
  lineOf(offset: number): number;
}

export interface ScanOptions {
  /** File name for error messages. */
  file?: string;
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

/** A key part as TOML would write it: bare when possible, else a basic string. */
export function formatKeyPart(name: string): string {
  return BARE_KEY.test(name) ? name : `"${escapeBasic(name)}"`;
}

export function tableName(path: readonly string[]): string {
  return path.map(formatKeyPart).join('.');
}

/** Escapes for a basic string: `\`, `"` and every control character. */
export function escapeBasic(value: string): string {
  let out = '';
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

/** Parses a dotted key given as an API argument (`keystore.primary`, `"a.b".c`). */
export function parseDottedName(name: string): string[] {
  const s = new Scanner(name);
  const parts = s.key(0);
  if (s.skipWs(parts.end) !== name.length) throw new Error(`not a TOML key: ${name}`);
  return parts.parts.map((p) => p.name);
}

export function scanToml(text: string, options: ScanOptions = {}): TomlDoc {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof TomlError) {
      throw new KsError('TOML_MALFORMED', `not valid TOML: ${e.message.split('\n')[0]}`, {
        file: options.file,
        line: e.line,
        hint: 'Fix the file by hand (or restore it) first; the tool edits only valid TOML.',
        cause: e,
      });
    }
    throw e;
  }
  return new Scanner(text).scan();
}

const sameArray = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

export function isPrefix(prefix: readonly string[], path: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((x, i) => x === path[i]);
}

export interface TomlValue {
  /** The decoded string for string values; the raw text for other values. */
  value: string;
  raw: string;
  style: ValueStyle;
  /** 1-based line of the key. */
  line: number;
  /** Offsets of the value (quotes included). */
  range: [number, number];
  entry: TomlEntry;
}

/** The entry for `table`.`key` (key is one key part, not dotted), from any of the forms TOML allows. */
export function findEntry(doc: TomlDoc, table: string | readonly string[], key: string): TomlEntry | undefined {
  const path = [...(typeof table === 'string' ? parseDottedName(table) : table), key];
  return doc.entries.find((e) => !e.inArrayTable && sameArray(e.path, path));
}

export function getTomlValue(doc: TomlDoc, table: string, key: string): TomlValue | undefined {
  const entry = findEntry(doc, table, key);
  if (!entry) return undefined;
  const raw = doc.text.slice(entry.valueStart, entry.valueEnd);
  return {
    value: decodeValue(raw, entry.style),
    raw,
    style: entry.style,
    line: entry.line,
    range: [entry.valueStart, entry.valueEnd],
    entry,
  };
}

/** Strings are decoded by smol-toml itself, so escapes mean exactly what the parser says. */
export function decodeValue(raw: string, style: ValueStyle): string {
  if (style === 'basic' || style === 'literal' || style === 'ml-basic' || style === 'ml-literal') {
    return (parse(`v = ${raw}`) as { v: string }).v;
  }
  return raw;
}

class Scanner {
  private readonly lineStarts: number[] = [0];
  private readonly tables: TomlTableHeader[] = [];
  private readonly entries: TomlEntry[] = [];
  private readonly comments: TomlComment[] = [];

  constructor(private readonly t: string) {
    for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  lineOf = (offset: number): number => {
    const s = this.lineStarts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };

  scan(): TomlDoc {
    const t = this.t;
    let section = -1;
    let sectionPath: string[] = [];
    let inArrayTable = false;
    // A byte-order mark (Windows Notepad writes one) is not TOML content; it stays where it is.
    let pos = t.charCodeAt(0) === 0xfeff ? 1 : 0;
    while (pos < t.length) {
      const lineStart = pos;
      pos = this.skipWs(pos);
      const c = t[pos];
      if (pos >= t.length) break;
      if (c === '\n' || (c === '\r' && t[pos + 1] === '\n')) {
        pos = this.afterEol(pos);
        continue;
      }
      if (c === '#') {
        const end = this.commentEnd(pos);
        const lineEnd = this.afterEol(end);
        this.comments.push({ start: pos, end, lineStart, lineEnd, line: this.lineOf(pos), text: t.slice(pos, end) });
        pos = lineEnd;
        continue;
      }
      if (c === '[') {
        const array = t[pos + 1] === '[';
        const k = this.key(pos + (array ? 2 : 1));
        const end = this.skipWs(k.end) + (array ? 2 : 1);
        const lineEnd = this.restOfLine(end);
        const path = k.parts.map((p) => p.name);
        this.tables.push({ name: tableName(path), path, array, start: pos, end, lineEnd, line: this.lineOf(pos) });
        section = this.tables.length - 1;
        sectionPath = path;
        // Everything under an array table, also its sub-tables, belongs to one element of the array.
        inArrayTable = array || this.tables.some((h) => h.array && isPrefix(h.path, path));
        pos = lineEnd;
        continue;
      }
      pos = this.keyValue(pos, lineStart, section, sectionPath, inArrayTable, false);
      pos = this.restOfLine(pos);
    }
    const eol: '\n' | '\r\n' = (() => {
      const i = t.indexOf('\n');
      return i > 0 && t[i - 1] === '\r' ? '\r\n' : '\n';
    })();
    return { text: t, eol, tables: this.tables, entries: this.entries, comments: this.comments, lineOf: this.lineOf };
  }

  /** Reads `key = value` at `pos`, records it (and inline children); returns the offset after the value. */
  private keyValue(
    pos: number,
    lineStart: number,
    section: number,
    base: string[],
    inArrayTable: boolean,
    inline: boolean,
  ): number {
    const t = this.t;
    const k = this.key(pos);
    let p = this.skipWs(k.end);
    if (t[p] !== '=') throw new Error(`toml scanner: expected '=' at ${p}`);
    p = this.skipWs(p + 1);
    const path = [...base, ...k.parts.map((x) => x.name)];
    const entry: TomlEntry = {
      path,
      section,
      keyParts: k.parts,
      keyStart: pos,
      keyEnd: k.end,
      valueStart: p,
      valueEnd: p,
      style: 'bare',
      inline,
      inArrayTable,
      line: this.lineOf(pos),
      lineStart,
      lineEnd: 0,
    };
    this.entries.push(entry);
    const v = this.value(p, path, section, inArrayTable);
    entry.valueEnd = v.end;
    entry.style = v.style;
    // Children of an inline table are pushed after their parent, in text order.
    entry.lineEnd = this.afterEol(this.lineEndOf(v.end));
    return v.end;
  }

  private value(pos: number, path: string[], section: number, inArrayTable: boolean): { end: number; style: ValueStyle } {
    const t = this.t;
    if (t.startsWith('"""', pos)) return { end: this.mlEnd(pos, '"'), style: 'ml-basic' };
    if (t.startsWith("'''", pos)) return { end: this.mlEnd(pos, "'"), style: 'ml-literal' };
    if (t[pos] === '"') return { end: this.basicEnd(pos), style: 'basic' };
    if (t[pos] === "'") return { end: t.indexOf("'", pos + 1) + 1, style: 'literal' };
    if (t[pos] === '[') {
      let p = pos + 1;
      for (;;) {
        p = this.skipWsNlComments(p);
        if (t[p] === ']') return { end: p + 1, style: 'array' };
        if (t[p] === ',') {
          p++;
          continue;
        }
        // Array elements are not recorded: their paths are not addressable by table/key.
        p = this.value(p, [], section, true).end;
      }
    }
    if (t[pos] === '{') {
      let p = pos + 1;
      for (;;) {
        p = this.skipWsNlComments(p);
        if (t[p] === '}') return { end: p + 1, style: 'inline-table' };
        if (t[p] === ',') {
          p++;
          continue;
        }
        if (inArrayTable && path.length === 0) {
          // inside an array value: skip the key/value without recording it
          const k = this.key(p);
          p = this.value(this.skipWs(this.skipWs(k.end) + 1), [], section, true).end;
          continue;
        }
        p = this.keyValue(p, this.lineStarts[this.lineOf(p) - 1], section, path, inArrayTable, true);
      }
    }
    // Bare value (number, boolean, date-time; a date-time may contain one space).
    let p = pos;
    while (p < t.length && !',]}#\r\n'.includes(t[p])) p++;
    while (p > pos && (t[p - 1] === ' ' || t[p - 1] === '\t')) p--;
    return { end: p, style: 'bare' };
  }

  /** Parses a dotted key starting at `pos` (after leading whitespace is allowed). */
  key(pos: number): { parts: KeyPart[]; end: number } {
    const t = this.t;
    const parts: KeyPart[] = [];
    let p = this.skipWs(pos);
    for (;;) {
      const start = p;
      let name: string;
      if (t[p] === '"') {
        p = this.basicEnd(p);
        name = (parse(`v = ${t.slice(start, p)}`) as { v: string }).v;
      } else if (t[p] === "'") {
        p = t.indexOf("'", p + 1) + 1;
        name = t.slice(start + 1, p - 1);
      } else {
        while (p < t.length && /[A-Za-z0-9_-]/.test(t[p])) p++;
        name = t.slice(start, p);
      }
      if (p === start) throw new Error(`toml scanner: expected a key at ${p}`);
      parts.push({ name, start, end: p });
      const q = this.skipWs(p);
      if (t[q] !== '.') return { parts, end: p };
      p = this.skipWs(q + 1);
    }
  }

  skipWs(p: number): number {
    while (this.t[p] === ' ' || this.t[p] === '\t') p++;
    return p;
  }

  private skipWsNlComments(p: number): number {
    const t = this.t;
    for (;;) {
      const c = t[p];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') p++;
      else if (c === '#') p = this.commentEnd(p);
      else return p;
    }
  }

  private basicEnd(pos: number): number {
    const t = this.t;
    let p = pos + 1;
    while (t[p] !== '"') p += t[p] === '\\' ? 2 : 1;
    return p + 1;
  }

  /** End of a multi-line string: the closing delimiter may be followed by up to two more quotes. */
  private mlEnd(pos: number, q: string): number {
    const t = this.t;
    const delim = q.repeat(3);
    let p = pos + 3;
    for (;;) {
      if (q === '"' && t[p] === '\\') {
        p += 2;
        continue;
      }
      if (t.startsWith(delim, p)) {
        let n = 3;
        while (n < 5 && t[p + n] === q) n++;
        return p + n;
      }
      p++;
    }
  }

  private commentEnd(p: number): number {
    const t = this.t;
    while (p < t.length && t[p] !== '\n' && !(t[p] === '\r' && t[p + 1] === '\n')) p++;
    return p;
  }

  /** Offset of the line ending of the line containing `p` (or text end). */
  private lineEndOf(p: number): number {
    return this.commentEnd(p);
  }

  /** Offset after the line ending at `p` (which must be at a line ending or text end). */
  private afterEol(p: number): number {
    const t = this.t;
    if (t[p] === '\r' && t[p + 1] === '\n') return p + 2;
    if (t[p] === '\n') return p + 1;
    return p;
  }

  /** Skips trailing whitespace, comment and the line ending after a header or value. */
  private restOfLine(p: number): number {
    return this.afterEol(this.commentEnd(p));
  }
}
