/**
 * Sets string values in one TOML table with minimal edits (pure: text in, edits out).
 *
 * Invariants:
 * - Text outside the returned edits' ranges is never changed; comments are never edited.
 * - An existing value is replaced in place, keeping its quoting style where that style can hold
 *   the new value (a literal string that cannot becomes a basic string; multi-line and bare values
 *   become basic strings, because keystore settings are strings).
 * - A missing key is added after the last key/value line of its table; a missing table is added
 *   after a commented-out copy of it (`#[keystore.tls]` block) or else at the end of the file.
 *   New lines use the line ending of the line they follow (else the file's).
 * - A `$secret{…}` value is never replaced by a clear value (see `SetTomlOptions.onSecretRef`).
 * - The result is re-parsed and every value read back before the edits are returned.
 *
 * Does not handle: adding keys to an inline table (`primary = { … }`) — that would mean rewriting
 * the braces, so it is refused with ELEMENT_MISSING; tables under array tables `[[…]]`.
 */
import { parse } from 'smol-toml';
import { KsError } from '../../errors';
import { applyEdits, type TextEdit } from '../../text/patcher';
import {
  decodeValue,
  escapeBasic,
  findEntry,
  formatKeyPart,
  isPrefix,
  parseDottedName,
  scanToml,
  tableName,
  type TomlDoc,
  type TomlEntry,
  type ValueStyle,
} from './scan';
import { isSecretRef } from './secret-ref';

export interface SetTomlOptions {
  /** File name for errors. */
  file?: string;
  /**
   * The current value is `$secret{alias}` and the new one is not. `error` (default): throw
   * SECRET_REFERENCE, the caller decides (e.g. update `[secrets]` with `setSecret` instead);
   * `skip`: leave the value and say so in `notes`.
   */
  onSecretRef?: 'error' | 'skip';
  /** Keys whose values are flagged `secret` in `changes` (default: password, key_password). */
  secretKeys?: readonly string[];
}

/** Shaped like `SettingChange` in src/changes/types.ts (the caller adds `function`). */
export interface TomlChange {
  /**
   * 1-based line in the text before the edit (for an added line: the line it will have). With edits
   * of several tables on one text, a caller moves it down by the lines inserted above `offset`.
   */
  line: number;
  /** Where the edit that makes this change starts, in the text before the edit. */
  offset: number;
  /** `[keystore.tls].password` */
  setting: string;
  /** The old value ('' when the key was added). */
  from: string;
  to: string;
  /** True for passwords: output layers never print these in clear. */
  secret: boolean;
  added: boolean;
}

export interface TomlEditResult {
  edits: TextEdit[];
  /**
   * The edit in `edits` that adds a whole table, if one does. A caller editing several tables of one
   * text applies it after the others at the same offset: keys added to the file's last table and a
   * table appended after it both go at the end, and the keys must stay in their table.
   */
  newTable?: TextEdit;
  changes: TomlChange[];
  /** Human-readable notes, never containing a value. */
  notes: string[];
}

const DEFAULT_SECRET_KEYS = ['password', 'key_password'];
const STRING_STYLES: readonly ValueStyle[] = ['basic', 'literal', 'ml-basic', 'ml-literal'];
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Literal strings cannot hold `'`, line breaks, or control characters other than tab.
const NOT_LITERAL = /['\u0000-\u0008\u000A-\u001F\u007F]/;

/** The TOML text for `value` in the given style (basic unless the style is literal and can hold it). */
export function encodeString(value: string, style: ValueStyle = 'basic'): string {
  if (style === 'literal' && !NOT_LITERAL.test(value)) return `'${value}'`;
  return `"${escapeBasic(value)}"`;
}

export function setTomlValues(
  text: string,
  table: string,
  entries: Record<string, string>,
  opts: SetTomlOptions = {},
): TomlEditResult {
  const doc = scanToml(text, { file: opts.file });
  const tablePath = parseDottedName(table);
  const name = tableName(tablePath);
  const secretKeys = opts.secretKeys ?? DEFAULT_SECRET_KEYS;
  const isSecret = (key: string) => tablePath[0] === 'secrets' || secretKeys.includes(key);
  const result: TomlEditResult = { edits: [], changes: [], notes: [] };
  const missing: Array<[string, string]> = [];

  for (const [key, value] of Object.entries(entries)) {
    if (LONE_SURROGATE.test(value)) {
      throw new KsError('VALUE_UNENCODABLE', `the new value of [${name}].${key} is not valid Unicode text`, {
        file: opts.file,
      });
    }
    const entry = findEntry(doc, tablePath, key);
    if (!entry) {
      missing.push([key, value]);
      continue;
    }
    const setting = `[${name}].${formatKeyPart(key)}`;
    const raw = text.slice(entry.valueStart, entry.valueEnd);
    if (entry.style === 'array' || entry.style === 'inline-table') {
      throw new KsError('TOML_MALFORMED', `${setting} is ${entry.style === 'array' ? 'an array' : 'a table'}, expected a string`, {
        file: opts.file,
        line: entry.line,
      });
    }
    const isString = STRING_STYLES.includes(entry.style);
    const current = isString ? decodeValue(raw, entry.style) : raw;
    if (isString && current === value) continue;
    if (isString && isSecretRef(current) !== null && isSecretRef(value) === null) {
      if (opts.onSecretRef === 'skip') {
        result.notes.push(`${setting} (line ${entry.line}) is a Secure Vault reference; left unchanged`);
        continue;
      }
      throw new KsError('SECRET_REFERENCE', `${setting} is a Secure Vault reference ($secret{…}); refusing to write a clear value over it`, {
        file: opts.file,
        line: entry.line,
        hint: 'Update the alias under [secrets] instead, or remove the reference by hand.',
      });
    }
    result.edits.push({ start: entry.valueStart, end: entry.valueEnd, text: encodeString(value, entry.style) });
    result.changes.push({ line: entry.line, offset: entry.valueStart, setting, from: current, to: value, secret: isSecret(key), added: false });
  }

  if (missing.length > 0) {
    const ins = insertion(doc, tablePath, missing, opts);
    result.edits.push(ins.edit);
    if (ins.newTable) result.newTable = ins.edit;
    // No line number: the changes carry the keys' lines, which a caller editing several tables corrects.
    if (ins.newTable) result.notes.push(`added table [${name}]${ins.afterComment ? ' after its commented-out copy' : ' at the end of the file'}`);
    missing.forEach(([key, value], i) =>
      result.changes.push({
        line: ins.firstKeyLine + i,
        offset: ins.edit.start,
        setting: `[${name}].${formatKeyPart(key)}`,
        from: '',
        to: value,
        secret: isSecret(key),
        added: true,
      }),
    );
  }

  verify(text, result.edits, tablePath, entries);
  return result;
}

/** Check the result, not just the writing: it must parse and hold exactly the requested values. */
function verify(text: string, edits: TextEdit[], tablePath: string[], entries: Record<string, string>): void {
  if (edits.length === 0) return;
  const after = applyEdits(text, edits);
  let node: unknown = parse(after);
  for (const part of tablePath) node = (node as Record<string, unknown> | undefined)?.[part];
  for (const [key, value] of Object.entries(entries)) {
    const got = (node as Record<string, unknown> | undefined)?.[key];
    // A skipped $secret{} value legitimately differs; anything else is a bug in this module.
    if (got !== value && !(typeof got === 'string' && isSecretRef(got) !== null)) {
      throw new Error(`toml edit did not produce ${tableName(tablePath)}.${key}`);
    }
  }
}

interface Insertion {
  edit: TextEdit;
  firstKeyLine: number;
  newTable: boolean;
  afterComment: boolean;
}

function insertion(doc: TomlDoc, tablePath: string[], missing: Array<[string, string]>, opts: SetTomlOptions): Insertion {
  const text = doc.text;
  const name = tableName(tablePath);
  const live = doc.entries.filter((e) => !e.inArrayTable);

  const inlineOwner = live.find((e) => e.style === 'inline-table' && isPrefix(e.path, tablePath));
  if (inlineOwner) {
    throw new KsError(
      'ELEMENT_MISSING',
      `[${name}] is written as an inline table ({ … }); cannot add ${missing.map(([k]) => k).join(', ')} to it without rewriting it`,
      { file: opts.file, line: inlineOwner.line, hint: 'Add the keys inside the braces by hand (or turn it into a [table]) and run again.' },
    );
  }

  const sectionLength = (e: TomlEntry) => (e.section < 0 ? 0 : doc.tables[e.section].path.length);
  const headerIndex = doc.tables.findIndex((h) => !h.array && h.path.length === tablePath.length && isPrefix(h.path, tablePath));
  let anchor: TomlEntry | undefined;
  let prefix = '';
  let after: number | undefined;
  if (headerIndex >= 0) {
    const body = live.filter((e) => e.section === headerIndex && !e.inline);
    anchor = body[body.length - 1];
    after = anchor ? anchor.lineEnd : doc.tables[headerIndex].lineEnd;
  } else {
    // The table defined by dotted keys: `keystore.primary.file_name = …`, or `primary.x` under [keystore].
    const dotted = live.filter(
      (e) => !e.inline && e.path.length > tablePath.length && isPrefix(tablePath, e.path) && sectionLength(e) < tablePath.length,
    );
    anchor = dotted[dotted.length - 1];
    if (anchor) {
      after = anchor.lineEnd;
      prefix = text.slice(anchor.keyStart, anchor.keyParts[tablePath.length - sectionLength(anchor)].start);
    }
  }

  if (after !== undefined) {
    const indent = anchor ? text.slice(anchor.lineStart, anchor.keyStart) : '';
    const sep = anchor ? text.slice(anchor.keyEnd, anchor.valueStart) : ' = ';
    const lines = missing.map(([k, v]) => `${indent}${prefix}${formatKeyPart(k)}${sep}${encodeString(v)}`);
    const ins = insertLines(doc, after, lines, false);
    return { edit: ins.edit, firstKeyLine: ins.firstLine, newTable: false, afterComment: false };
  }

  // A new table: after its commented-out copy if that is a safe place, else at the end.
  const copy = commentedCopy(doc, tablePath);
  const lines = [`[${name}]`, ...missing.map(([k, v]) => `${formatKeyPart(k)} = ${encodeString(v)}`)];
  const ins = insertLines(doc, copy ? copy.after : text.length, lines, true);
  return { edit: ins.edit, firstKeyLine: ins.firstLine + 1, newTable: true, afterComment: copy !== undefined };
}

/** `#[keystore.tls]` (or `# [ keystore . tls ]`) followed by comment lines; only if the next live line is a header or EOF. */
function commentedCopy(doc: TomlDoc, tablePath: string[]): { after: number; line: number } | undefined {
  const header = /^#+\s*\[([^[\]]+)\]\s*(#.*)?$/;
  for (let i = 0; i < doc.comments.length; i++) {
    const m = header.exec(doc.comments[i].text);
    if (!m) continue;
    let path: string[];
    try {
      path = parseDottedName(m[1].trim());
    } catch {
      continue;
    }
    if (path.length !== tablePath.length || !isPrefix(path, tablePath)) continue;
    let j = i;
    while (j + 1 < doc.comments.length && doc.comments[j + 1].line === doc.comments[j].line + 1) j++;
    const after = doc.comments[j].lineEnd;
    // Inserting a header there must not capture the key/value lines that follow the comment block.
    const nextEntry = doc.entries.find((e) => !e.inline && e.keyStart >= after);
    const nextHeader = doc.tables.find((h) => h.start >= after);
    if (nextEntry && (!nextHeader || nextEntry.keyStart < nextHeader.start)) continue;
    return { after, line: doc.comments[i].line };
  }
  return undefined;
}

/** Line ending to use for a line inserted at `at`: that of the line before, else the file's. */
function eolBefore(doc: TomlDoc, at: number): string {
  const t = doc.text;
  if (at > 0 && t[at - 1] === '\n') return at > 1 && t[at - 2] === '\r' ? '\r\n' : '\n';
  return doc.eol;
}

/** True unless `at` is at the top of the file or the line before it is already blank. */
function needsBlank(doc: TomlDoc, at: number): boolean {
  const t = doc.text;
  if (t.slice(0, at).trim() === '') return false;
  const atLineStart = t[at - 1] === '\n';
  // The line before `at` (or, for a file without a final line ending, the last line itself).
  const end = atLineStart ? at - (t[at - 2] === '\r' ? 2 : 1) : at;
  const start = t.lastIndexOf('\n', end - 1) + 1;
  return t.slice(start, end).trim() !== '';
}

/**
 * Builds an insertion at `at` (a line start, or text end). A file without a final line ending keeps
 * not having one: the new lines then follow a leading line ending. `firstLine` is the 1-based line
 * number the first inserted non-blank line will have.
 */
function insertLines(doc: TomlDoc, at: number, lines: string[], blankBefore: boolean): { edit: TextEdit; firstLine: number } {
  const t = doc.text;
  const eol = eolBefore(doc, at);
  const atLineStart = at === 0 || t[at - 1] === '\n';
  const blank = blankBefore && needsBlank(doc, at) ? eol : '';
  const text = atLineStart ? blank + lines.map((l) => l + eol).join('') : eol + blank + lines.join(eol);
  const firstLine = doc.lineOf(at) + (atLineStart ? 0 : 1) + (blank ? 1 : 0);
  return { edit: { start: at, end: at, text }, firstLine };
}
