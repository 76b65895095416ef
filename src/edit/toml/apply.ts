/**
 * Minimal edits, after recast's patcher: an edit replaces `[start, end)` of the ORIGINAL text
 * (string offsets, not bytes). Invariant: text outside every edit's range is copied unchanged.
 *
 * Self-contained on purpose (src/text/patcher.ts has the same contract); the two can merge later.
 * Several zero-width inserts at one offset are allowed and keep the order they were given in.
 * Overlapping edits are a programming error (two patchers claimed the same span) and throw.
 */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export function applyEdits(source: string, edits: readonly TextEdit[]): string {
  if (edits.length === 0) return source;
  for (const e of edits) {
    if (!Number.isInteger(e.start) || !Number.isInteger(e.end) || e.start < 0 || e.start > e.end || e.end > source.length) {
      throw new Error(`edit out of range: ${e.start}-${e.end} (text length ${source.length})`);
    }
  }
  // Array.prototype.sort is stable: equal (start, end) keep the caller's order.
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const parts: string[] = [];
  let cursor = 0;
  for (const e of sorted) {
    if (e.start < cursor) throw new Error(`overlapping edits at offset ${e.start}`);
    parts.push(source.slice(cursor, e.start), e.text);
    cursor = e.end;
  }
  parts.push(source.slice(cursor));
  return parts.join('');
}
