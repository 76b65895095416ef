/**
 * The dry-run view: a unified diff per file (from the `diff` package) of masked copies, coloured on
 * a terminal, and a summary per function.
 */
import { createTwoFilesPatch } from 'diff';
import pc from 'picocolors';
import type { ChangeSet, FileChange, SettingChange } from '../changes/types';
import { decodeText } from '../text/codec';
import { MASK, maskPasswords } from './mask';

export interface RenderOptions {
  color: boolean;
}

function paint(line: string, color: boolean): string {
  if (!color) return line;
  if (line.startsWith('+++') || line.startsWith('---')) return pc.bold(line);
  if (line.startsWith('+')) return pc.green(line);
  if (line.startsWith('-')) return pc.red(line);
  if (line.startsWith('@@')) return pc.cyan(line);
  return line;
}

export function fileDiff(f: FileChange, opts: RenderOptions): string {
  if (f.binary) return f.before.equals(f.after) ? '' : paint(`Binary file ${f.path}: ${f.before.length} → ${f.after.length} bytes\n`, opts.color);
  const before = maskPasswords(f.path, decodeText(f.before, f.path).text);
  const after = maskPasswords(f.path, decodeText(f.after, f.path).text);
  if (before === after && f.before.equals(f.after)) return '';
  const patch = createTwoFilesPatch(`a/${f.path}`, `b/${f.path}`, before.replace(/\r\n/g, '\n'), after.replace(/\r\n/g, '\n'), '', '', { context: 3 });
  const body = patch
    .split('\n')
    .filter((l) => !l.startsWith('==='))
    .map((l) => paint(l, opts.color))
    .join('\n');
  return body.endsWith('\n') ? body : `${body}\n`;
}

export const shown = (c: Pick<SettingChange, 'secret'>, v: string) => (c.secret ? (v === '' ? '' : MASK) : v);

export function renderDiff(cs: ChangeSet, opts: RenderOptions): string {
  return cs.files.map((f) => fileDiff(f, opts)).join('');
}

export function renderSummary(cs: ChangeSet, opts: RenderOptions): string {
  const lines: string[] = [];
  const byFn = new Map<string, string[]>();
  for (const f of cs.files) {
    for (const c of f.changes) {
      const arr = byFn.get(c.function) ?? [];
      const from = shown(c, c.from);
      const to = shown(c, c.to);
      arr.push(`  ${f.path}${c.line ? `:${c.line}` : ''}  ${c.setting}: ${from === '' ? '(added)' : from} → ${to}`);
      byFn.set(c.function, arr);
    }
  }
  for (const [fn, arr] of byFn) {
    lines.push(opts.color ? pc.bold(fn) : fn, ...arr);
  }
  for (const f of cs.files) for (const n of f.notes) lines.push(`  note: ${n}`);
  for (const w of cs.warnings) lines.push(`${opts.color ? pc.yellow('warning') : 'warning'}: ${w}`);
  const changed = cs.files.filter((f) => !f.before.equals(f.after));
  lines.push(changed.length === 0 ? 'Nothing to change: the home already uses these keystores.' : `${changed.length} file(s) to change: ${changed.map((f) => f.path).join(', ')}`);
  return lines.join('\n') + '\n';
}

/** The `files` array of the JSON contract (passwords masked). */
export function jsonFiles(cs: ChangeSet): Array<{ path: string; changed: boolean; changes: Array<{ line: number; setting: string; from: string; to: string; function: string }> }> {
  return cs.files.map((f) => ({
    path: f.path,
    changed: !f.before.equals(f.after),
    changes: f.changes.map((c) => ({ line: c.line, setting: c.setting, from: shown(c, c.from), to: shown(c, c.to), function: c.function })),
  }));
}

/** What a restore would do, as a change set the diff view can show: current bytes → checkpoint bytes. */
export function restorePreview(
  home: string,
  files: ReadonlyArray<{ path: string; current: Buffer | null; restoreTo: Buffer | null }>,
): { cs: ChangeSet; changed: string[] } {
  const cs: ChangeSet = {
    home,
    files: files.map((f) => ({
      path: f.path,
      before: f.current ?? Buffer.alloc(0),
      after: f.restoreTo ?? Buffer.alloc(0),
      changes: [],
      notes: [],
      binary: !/\.(xml|policy|properties|toml)$/i.test(f.path),
    })),
    warnings: [],
    secrets: [],
  };
  const same = (a: Buffer | null, b: Buffer | null) => (a && b ? a.equals(b) : a === b);
  return { cs, changed: files.filter((f) => !same(f.current, f.restoreTo)).map((f) => f.path) };
}
