/**
 * `unifiedDiff` prints what jsdiff's createTwoFilesPatch prints, byte for byte: the dry-run diffs
 * that test/cli and test/e2e compare were made with it. Random texts over a few repeated lines (the
 * case where Myers has ties to break), with and without a final line break, with CRLF and lone CR,
 * and real config files with lines changed, inserted and removed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import fc from 'fast-check';
import { unifiedDiff } from '../../src/preview/diff';
import { FIXTURES } from '../helpers/home';

const jsdiff = (a: string, b: string, context: number) => createTwoFilesPatch('a/f', 'b/f', a, b, '', '', { context });

describe('unifiedDiff is jsdiff createTwoFilesPatch', () => {
  it('on random texts of repeated lines (ties), any context', () => {
    const line = fc.constantFrom('a', 'b', 'c', '', '  </x>', 'b\r', '\r');
    const text = fc.tuple(fc.array(line, { maxLength: 40 }), fc.constantFrom('\n', '\r\n'), fc.boolean()).map(([ls, nl, end]) => ls.join(nl) + (end && ls.length ? nl : ''));
    fc.assert(
      fc.property(text, text, fc.integer({ min: 0, max: 5 }), (a, b, context) => {
        expect(unifiedDiff('a/f', 'b/f', a, b, context)).toBe(jsdiff(a, b, context));
      }),
      { numRuns: 3000 },
    );
  });

  it('on an edit of a text: a few lines changed, inserted or removed', () => {
    const base = fc.array(fc.constantFrom('<a>', '</a>', '  <b>x</b>', '', '<!-- c -->', 'y'), { minLength: 1, maxLength: 60 });
    const edit = fc.array(fc.tuple(fc.nat(), fc.constantFrom('change', 'insert', 'remove'), fc.constantFrom('<a>', 'new', '', '</a>')), { maxLength: 6 });
    fc.assert(
      fc.property(base, edit, fc.boolean(), (lines, edits, end) => {
        const after: string[] = [...lines];
        for (const [at, kind, v] of edits) {
          const i = at % (after.length + 1);
          if (kind === 'insert') after.splice(i, 0, v);
          else if (after.length === 0) continue;
          else if (kind === 'remove') after.splice(i % after.length, 1);
          else after[i % after.length] = v;
        }
        const a = lines.join('\n') + (end ? '\n' : '');
        const b = after.join('\n') + (end ? '\n' : '');
        expect(unifiedDiff('a/f', 'b/f', a, b, 3)).toBe(jsdiff(a, b, 3));
      }),
      { numRuns: 2000 },
    );
  });

  it('on real config files with keystore lines changed and blocks inserted', () => {
    for (const rel of ['carbon-kernel-4.4.26/repository/conf/carbon.xml', 'ei-6.2.0/conf/axis2/axis2.xml', 'ei-6.2.0/conf/tomcat/catalina-server.xml', 'ei-6.2.0/conf/sec.policy']) {
      const a = readFileSync(join(FIXTURES, rel), 'utf8').replace(/\r\n/g, '\n');
      const b = a
        .replace(/wso2carbon\.jks/g, 'newks.jks')
        .replace(/<\/Security>/, '  <InternalKeyStore>\n    <Location>x</Location>\n  </InternalKeyStore>\n</Security>')
        .replace(/\n[^\n]*\n/, '\n');
      expect(b).not.toBe(a);
      expect([rel, unifiedDiff(`a/${rel}`, `b/${rel}`, a, b, 3)]).toEqual([rel, createTwoFilesPatch(`a/${rel}`, `b/${rel}`, a, b, '', '', { context: 3 })]);
      expect(unifiedDiff('a/f', 'b/f', a, a, 3)).toBe(jsdiff(a, a, 3)); // no hunks
    }
  });

  it('on empty texts', () => {
    for (const [a, b] of [['', ''], ['', 'x'], ['x', ''], ['', 'x\n'], ['x\n', '']]) expect(unifiedDiff('a/f', 'b/f', a, b, 3)).toBe(jsdiff(a, b, 3));
  });
});
