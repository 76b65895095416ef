/**
 * Property: on random valid documents (tables, keys in every quoting style, comments, commented-out
 * tables, LF or CRLF, with or without a final line ending), setting random values in a random
 * keystore table changes only value tokens and inserts only whole lines; the result parses and
 * holds the new values; a second run is a no-op.
 */
import fc from 'fast-check';
import { parse } from 'smol-toml';
import { applyEdits, type TextEdit } from '../../../src/text/patcher';
import { encodeString, setTomlValues } from '../../../src/edit/toml/set';
import { dig } from './helpers';

const TABLES = ['server', 'keystore.primary', 'keystore.internal', 'keystore.tls', 'truststore', 'secrets', 'database.shared_db'];
const TARGETS = ['keystore.primary', 'keystore.internal', 'keystore.tls', 'truststore', 'secrets'];
const KEYS = ['file_name', 'type', 'password', 'alias', 'key_password', 'hostname', 'x-y'];
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const anyText = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('"', "'", '\\', '#', '[x]', '"""', '\n', 'é🔑'));
const value = anyText.filter((s) => !LONE_SURROGATE.test(s));

const valueToken = fc.oneof(
  value.map((s) => encodeString(s, 'basic')),
  value.map((s) => encodeString(s, 'literal')),
  fc.integer().map(String),
  fc.boolean().map(String),
  fc.constant('"""\nmulti\n[keystore.tls]\npassword = "no"\n"""'),
);

const comment = fc.constantFrom('# a comment', '#[keystore.tls]', '#password = "x"', '# [truststore]', '#[keystore.internal]', '#file_name = "c.jks"', '');

const keyLine = fc.record({
  indent: fc.constantFrom('', '  '),
  sep: fc.constantFrom(' = ', '=', '  =  ', ' =\t'),
  value: valueToken,
  trailing: fc.constantFrom('', ' # note', '  #[keystore.tls]'),
});

const table = fc.record({
  name: fc.constantFrom(...TABLES),
  keys: fc.uniqueArray(fc.constantFrom(...KEYS), { maxLength: 5 }),
  lines: fc.array(keyLine, { minLength: 5, maxLength: 5 }),
  comments: fc.array(comment, { maxLength: 3 }),
  after: fc.array(comment, { maxLength: 4 }),
});

const docArb = fc.record({
  eol: fc.constantFrom('\n', '\r\n'),
  finalEol: fc.boolean(),
  head: fc.array(comment, { maxLength: 3 }),
  tables: fc.uniqueArray(table, { selector: (t) => t.name, maxLength: 6 }),
});

type Doc = typeof docArb extends fc.Arbitrary<infer T> ? T : never;

function render(d: Doc): string {
  const out: string[] = [...d.head];
  for (const t of d.tables) {
    out.push(`[${t.name}]`);
    t.keys.forEach((k, i) => {
      const l = t.lines[i];
      if (t.comments[i] !== undefined && t.comments[i] !== '') out.push(t.comments[i]);
      out.push(`${l.indent}${k}${l.sep}${l.value.replace(/\n/g, d.eol)}${l.trailing}`);
    });
    out.push(...t.after);
  }
  const text = out.join(d.eol);
  return d.finalEol && text !== '' ? text + d.eol : text;
}

/** An applier written differently (from the end backwards), to cross-check applyEdits. */
function applyBackwards(text: string, edits: TextEdit[]): string {
  const sorted = edits.map((e, i) => ({ ...e, i })).sort((a, b) => b.start - a.start || b.end - a.end || b.i - a.i);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

const commentLines = (text: string) => text.split(/\r?\n/).filter((l) => /^\s*#/.test(l));

describe('random documents', () => {
  it('edits only value tokens and whole lines; the result parses and holds the values', () => {
    fc.assert(
      fc.property(
        docArb,
        fc.constantFrom(...TARGETS),
        fc.uniqueArray(fc.constantFrom('file_name', 'type', 'password', 'alias', 'key_password'), { minLength: 1, maxLength: 5 }),
        fc.array(value, { minLength: 5, maxLength: 5 }),
        (d, target, keys, values) => {
          const text = render(d);
          parse(text); // the generator makes valid TOML only
          const entries = Object.fromEntries(keys.map((k, i) => [k, values[i]]));
          const r = setTomlValues(text, target, entries);
          const after = applyEdits(text, r.edits);
          // A file without any line ending gets LF, the platform default of the servers' files.
          const eol = text.includes('\n') ? d.eol : '\n';
          expect(applyBackwards(text, r.edits)).toBe(after);

          for (const e of r.edits) {
            if (e.end > e.start) {
              // A replaced range is exactly one value token after `=` on its line.
              const old = text.slice(e.start, e.end);
              expect(() => parse(`v = ${old}`)).not.toThrow();
              expect(/=[ \t]*$/.test(text.slice(text.lastIndexOf('\n', e.start - 1) + 1, e.start))).toBe(true);
              expect(e.text).not.toMatch(/[\r\n]/);
            } else {
              // An insertion is whole lines at a line boundary, in the file's line ending.
              const atLineStart = e.start === 0 || text[e.start - 1] === '\n';
              expect(atLineStart || e.start === text.length).toBe(true);
              if (atLineStart) expect(e.text.endsWith(eol)).toBe(true);
              else expect(e.text.startsWith(eol)).toBe(true);
              if (eol === '\r\n') expect(/(^|[^\r])\n/.test(e.text)).toBe(false);
            }
          }
          if (eol === '\r\n') expect(/(^|[^\r])\n/.test(after)).toBe(false);
          // A file without a final line ending keeps having none.
          expect(after.endsWith(eol)).toBe(text === '' || text.endsWith(eol));
          expect(commentLines(after)).toEqual(commentLines(text));

          const parsed = parse(after);
          for (const [k, v] of Object.entries(entries)) expect(dig(parsed, [...target.split('.'), k])).toBe(v);
          expect(setTomlValues(after, target, entries).edits).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
