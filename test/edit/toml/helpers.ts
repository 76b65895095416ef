import { readFileSync } from 'fs';
import { join } from 'path';

export const FIXTURES = join(__dirname, '../../../../shared/fixtures/wso2');

export const TOML_FIXTURES = ['is-5.11.0', 'apim-3.2.0', 'carbon-kernel-4.6.1'] as const;
export type TomlFixture = (typeof TOML_FIXTURES)[number];

export function readFixture(name: TomlFixture): string {
  return readFileSync(join(FIXTURES, name, 'repository/conf/deployment.toml'), 'utf8');
}

export const toCrlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');

/** Lines split keeping nothing of the line endings; used to compare files line by line. */
export const lines = (text: string): string[] => text.split(/\r?\n/);

/** `text` with 1-based line `n` replaced by `line` (the line ending is kept). */
export function replaceLine(text: string, n: number, line: string): string {
  const parts = text.split('\n');
  const cr = parts[n - 1].endsWith('\r') ? '\r' : '';
  parts[n - 1] = line + cr;
  return parts.join('\n');
}

/** `text` with `newLines` inserted before 1-based line `n` (each gets the file's line ending). */
export function insertBefore(text: string, n: number, newLines: string[], eol = '\n'): string {
  const parts = text.split('\n');
  const cr = eol === '\r\n' ? '\r' : '';
  parts.splice(n - 1, 0, ...newLines.map((l) => l + cr));
  return parts.join('\n');
}

/** 1-based numbers of the lines that differ (both texts must have the same number of lines). */
export function changedLines(before: string, after: string): number[] {
  const a = lines(before);
  const b = lines(after);
  if (a.length !== b.length) throw new Error(`line counts differ: ${a.length} vs ${b.length}`);
  return a.flatMap((l, i) => (l === b[i] ? [] : [i + 1]));
}

/** Reads `path` from a smol-toml parse result. */
export function dig(obj: unknown, path: string[]): unknown {
  let node = obj;
  for (const p of path) node = (node as Record<string, unknown> | undefined)?.[p];
  return node;
}
