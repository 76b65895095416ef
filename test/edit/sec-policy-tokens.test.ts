/**
 * The sec.policy tokenizer (src/edit/sec-policy.ts) against the character loop it replaced (kept
 * here, verbatim but for names, as the reference): the same tokens, or the same error (message and
 * line), on every sec.policy of the fixture homes and on random policy-like texts (fast-check):
 * strings with escapes and line breaks, both comment kinds, unterminated ones, words, punctuation,
 * non-ASCII and Unicode white space.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { KsError } from '../../src/errors';
import { tokenizePolicy } from '../../src/edit/sec-policy';
import { lineIndex } from '../../src/text/patcher';
import { FIXTURES, listFiles } from '../helpers/home';

const RUNS = Number(process.env.FC_RUNS ?? 1000);

interface Token {
  kind: 'word' | 'string' | 'punct';
  value: string;
  start: number;
  end: number;
}

/** The tokenizer as it was before the regex one (commit 46f837e). */
function referenceTokenize(src: string, file: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const lines = lineIndex(src);
  while (i < src.length) {
    const c = src[i];
    if (c === '/' && src[i + 1] === '/') {
      const nl = src.indexOf('\n', i);
      i = nl === -1 ? src.length : nl;
    } else if (c === '/' && src[i + 1] === '*') {
      const close = src.indexOf('*/', i + 2);
      if (close === -1) throw new KsError('POLICY_MALFORMED', 'unterminated /* comment', { file, line: lines(i) });
      i = close + 2;
    } else if (c === '"') {
      let j = i + 1;
      let value = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\' && j + 1 < src.length) {
          value += src[j + 1];
          j += 2;
        } else {
          if (src[j] === '\n') throw new KsError('POLICY_MALFORMED', 'a string runs past the end of its line', { file, line: lines(i) });
          value += src[j++];
        }
      }
      if (j >= src.length) throw new KsError('POLICY_MALFORMED', 'unterminated string', { file, line: lines(i) });
      out.push({ kind: 'string', value, start: i, end: j + 1 });
      i = j + 1;
    } else if (/\s/.test(c)) {
      i++;
    } else if (/[A-Za-z0-9_.$]/.test(c)) {
      let j = i;
      while (j < src.length && /[A-Za-z0-9_.$]/.test(src[j])) j++;
      out.push({ kind: 'word', value: src.slice(i, j), start: i, end: j });
      i = j;
    } else {
      out.push({ kind: 'punct', value: c, start: i, end: i + 1 });
      i++;
    }
  }
  return out;
}

function outcome(tokenize: (src: string, file: string) => Token[], src: string): unknown {
  try {
    return { tokens: tokenize(src, 'sec.policy') };
  } catch (e) {
    const k = e as KsError;
    return { error: k.code, message: k.message, line: k.line };
  }
}

const policies = listFiles(FIXTURES).filter((f) => f.endsWith('sec.policy'));

test('the fixture homes have sec.policy files to compare on', () => {
  expect(policies.length).toBeGreaterThan(0);
});

test.each(policies)('%s: the same tokens as the character loop', (rel) => {
  const src = readFileSync(join(FIXTURES, rel), 'latin1');
  const got = outcome(tokenizePolicy, src) as { tokens: Token[] };
  expect(got.tokens.length).toBeGreaterThan(10);
  expect(got).toEqual(outcome(referenceTokenize, src));
});

// Each error the tokenizer raises, from both; the random texts below hit the line-break one rarely
// (~1% of runs), so these make sure every message and line is compared.
test.each([
  ['grant {\n  permission "a\nb";\n}', 'a string runs past the end of its line', 2],
  ['keystore "x\\"', 'unterminated string', 1],
  ['a;\n"x\\\ny', 'unterminated string', 2],
  ['a;\n/* open\n', 'unterminated /* comment', 2],
])('%j: the same error as the character loop', (src, message, line) => {
  const got = outcome(tokenizePolicy, src);
  expect(got).toEqual({ error: 'POLICY_MALFORMED', message, line });
  expect(got).toEqual(outcome(referenceTokenize, src));
});

test('random policy-like texts: the same tokens, or the same error on the same line', () => {
  const piece = fc.oneof(
    fc.constantFrom('"', '\\', '\n', '\r\n', '/', '*', '//', '/*', '*/', ';', ',', '{', '}', ' ', '\t', '\u00a0', '\u2028', 'é', '😀'),
    fc.constantFrom('keystore', 'grant', 'signedBy', 'permission', 'java.io.FilePermission', '${user.dir}', 'file:', '"JKS"', '"a\\"b"', '"x\\\ny"'),
    fc.stringMatching(/^[A-Za-z0-9_.$]{1,6}$/),
  );
  let errors = 0;
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
      const src = parts.join('');
      const want = outcome(referenceTokenize, src);
      expect(outcome(tokenizePolicy, src)).toEqual(want);
      if ((want as { error?: string }).error) errors++;
    }),
    { numRuns: RUNS },
  );
  // Both sides were exercised: texts that tokenize, and texts with errors (each kind: the table above).
  expect(errors).toBeGreaterThan(RUNS / 10);
  expect(errors).toBeLessThan(RUNS);
});
