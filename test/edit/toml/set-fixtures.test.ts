/**
 * Edits on the real deployment.toml files: only the target lines change, the result parses and
 * reads back, a second run is a no-op, and CRLF files stay CRLF.
 */
import { parse } from 'smol-toml';
import { applyEdits } from '../../../src/text/patcher';
import { getTomlValue, scanToml } from '../../../src/edit/toml/scan';
import { setTomlValues } from '../../../src/edit/toml/set';
import { changedLines, dig, insertBefore, readFixture, replaceLine, toCrlf } from './helpers';

const set = (text: string, table: string, entries: Record<string, string>) => {
  const r = setTomlValues(text, table, entries);
  return { ...r, after: applyEdits(text, r.edits) };
};

/** Values read back through smol-toml and through the scanner. */
function expectValues(after: string, table: string, entries: Record<string, string>): void {
  const parsed = parse(after);
  const doc = scanToml(after);
  for (const [k, v] of Object.entries(entries)) {
    expect(dig(parsed, [...table.split('.'), k])).toBe(v);
    expect(getTomlValue(doc, table, k)?.value).toBe(v);
  }
}

describe('existing values are replaced in place, keeping the line as written', () => {
  // [fixture, table, key, line, old line, new line]
  const cases: Array<[string, string, string, number, string, string]> = [
    ['apim-3.2.0', 'keystore.tls', 'file_name', 31, 'file_name =  "wso2carbon.jks"', 'file_name =  "new-tls.p12"'],
    ['apim-3.2.0', 'keystore.tls', 'type', 32, 'type =  "JKS"', 'type =  "PKCS12"'],
    ['apim-3.2.0', 'keystore.tls', 'password', 33, 'password =  "wso2carbon"', 'password =  "s3cret!"'],
    ['apim-3.2.0', 'keystore.tls', 'alias', 34, 'alias =  "wso2carbon"', 'alias =  "tls-key"'],
    ['apim-3.2.0', 'keystore.tls', 'key_password', 35, 'key_password =  "wso2carbon"', 'key_password =  "kp"'],
    ['is-5.11.0', 'keystore.primary', 'file_name', 31, 'file_name = "wso2carbon.jks"', 'file_name = "primary.jks"'],
    ['is-5.11.0', 'keystore.primary', 'password', 32, 'password = "wso2carbon"', 'password = "p"'],
    ['is-5.11.0', 'truststore', 'file_name', 35, 'file_name="client-truststore.jks"', 'file_name="trust.p12"'],
    ['is-5.11.0', 'truststore', 'type', 37, 'type="JKS"', 'type="PKCS12"'],
    ['carbon-kernel-4.6.1', 'keystore.primary', 'type', 58, 'type ="JKS"', 'type ="PKCS12"'],
    ['carbon-kernel-4.6.1', 'keystore.primary', 'alias', 60, 'alias ="wso2carbon"', 'alias ="newkey"'],
    ['carbon-kernel-4.6.1', 'truststore', 'password', 65, 'password = "wso2carbon"', 'password = "tp"'],
  ];

  it.each(cases)('%s [%s].%s (line %i)', (fixture, table, key, line, oldLine, newLine) => {
    const text = readFixture(fixture as 'is-5.11.0');
    expect(text.split('\n')[line - 1]).toBe(oldLine);
    const value = /"(.*)"/.exec(newLine)![1];
    const r = set(text, table, { [key]: value });
    expect(r.after).toBe(replaceLine(text, line, newLine));
    expect(changedLines(text, r.after)).toEqual([line]);
    // offset: where the old value (with its quotes) starts.
    const offset = text.split('\n').slice(0, line - 1).join('\n').length + 1 + oldLine.indexOf('"');
    expect(r.changes).toEqual([
      { line, offset, setting: `[${table}].${key}`, from: /"(.*)"/.exec(oldLine)![1], to: value, secret: key.includes('password'), added: false },
    ]);
    expectValues(r.after, table, { [key]: value });
    expect(setTomlValues(r.after, table, { [key]: value }).edits).toEqual([]);
  });
});

describe('a whole keystore switch per fixture', () => {
  const entries = { file_name: 'new.p12', type: 'PKCS12', password: 'pw1', alias: 'newkey', key_password: 'pw1' };

  it('apim [keystore.tls]: five lines change, nothing else', () => {
    const text = readFixture('apim-3.2.0');
    const r = set(text, 'keystore.tls', entries);
    expect(changedLines(text, r.after)).toEqual([31, 32, 33, 34, 35]);
    expectValues(r.after, 'keystore.tls', entries);
    expect(r.changes.map((c) => c.secret)).toEqual([false, false, true, false, true]);
    expect(setTomlValues(r.after, 'keystore.tls', entries).edits).toEqual([]);
  });

  it('is-5.11.0 [keystore.primary]: two lines change, the three missing keys are added at the end of the table', () => {
    const text = readFixture('is-5.11.0');
    const r = set(text, 'keystore.primary', entries);
    let expected = replaceLine(text, 31, 'file_name = "new.p12"');
    expected = replaceLine(expected, 32, 'password = "pw1"');
    // After the last key line (32), before the blank line that ends the table.
    expected = insertBefore(expected, 33, ['type = "PKCS12"', 'alias = "newkey"', 'key_password = "pw1"']);
    expect(r.after).toBe(expected);
    expect(r.changes.filter((c) => c.added).map((c) => [c.line, c.setting])).toEqual([
      [33, '[keystore.primary].type'],
      [34, '[keystore.primary].alias'],
      [35, '[keystore.primary].key_password'],
    ]);
    expect(r.after.split('\n').slice(32, 35)).toEqual(['type = "PKCS12"', 'alias = "newkey"', 'key_password = "pw1"']);
    expectValues(r.after, 'keystore.primary', entries);
    expect(setTomlValues(r.after, 'keystore.primary', entries).edits).toEqual([]);
  });

  it('is-5.11.0 [keystore.tls]: added after its commented-out copy, which stays as it was', () => {
    const text = readFixture('is-5.11.0');
    const r = set(text, 'keystore.tls', entries);
    const src = text.split('\n');
    const commented = src.indexOf('#[keystore.tls]') + 1;
    expect(commented).toBe(56);
    // The commented block is lines 56-61; line 62 is blank.
    expect(src[61]).toBe('');
    const expected = insertBefore(text, 62, [
      '',
      '[keystore.tls]',
      'file_name = "new.p12"',
      'type = "PKCS12"',
      'password = "pw1"',
      'alias = "newkey"',
      'key_password = "pw1"',
    ]);
    expect(r.after).toBe(expected);
    expect(r.changes[0]).toMatchObject({ line: 64, setting: '[keystore.tls].file_name', added: true, from: '' });
    expect(r.after.split('\n')[63]).toBe('file_name = "new.p12"');
    expect(r.notes).toEqual(['added table [keystore.tls] after its commented-out copy']);
    expectValues(r.after, 'keystore.tls', entries);
    expect(setTomlValues(r.after, 'keystore.tls', entries).edits).toEqual([]);
  });

  it('apim [keystore.primary] and [keystore.internal]: each after its commented copy', () => {
    const text = readFixture('apim-3.2.0');
    for (const [table, blockEnd] of [
      ['keystore.primary', 42],
      ['keystore.internal', 49],
    ] as const) {
      const r = set(text, table, entries);
      expect(text.split('\n')[blockEnd - 6]).toBe(`#[${table}]`);
      const expected = insertBefore(text, blockEnd + 1, [
        '',
        `[${table}]`,
        ...Object.entries(entries).map(([k, v]) => `${k} = "${v}"`),
      ]);
      expect(r.after).toBe(expected);
      expectValues(r.after, table, entries);
    }
  });

  it('apim [truststore]: no commented copy, so at the end; the file keeps having no final line ending', () => {
    const text = readFixture('apim-3.2.0');
    expect(text.endsWith('\n')).toBe(false);
    const r = set(text, 'truststore', { file_name: 't.jks', password: 'x' });
    expect(r.after).toBe(`${text}\n\n[truststore]\nfile_name = "t.jks"\npassword = "x"`);
    expect(r.changes.map((c) => c.line)).toEqual([text.split('\n').length + 3, text.split('\n').length + 4]);
    expectValues(r.after, 'truststore', { file_name: 't.jks', password: 'x' });
  });

  it('kernel 4.6.1 [truststore] (no blank line before it): missing alias goes after its last key', () => {
    const text = readFixture('carbon-kernel-4.6.1');
    const r = set(text, 'truststore', { alias: 'a' });
    expect(r.after).toBe(insertBefore(text, 66, ['alias = "a"']));
  });
});

describe('CRLF files stay CRLF everywhere', () => {
  const entries = { file_name: 'n.p12', password: 'p', key_password: 'kp', alias: 'al' };
  it.each([
    ['is-5.11.0', 'keystore.primary'],
    ['is-5.11.0', 'keystore.internal'],
    ['apim-3.2.0', 'keystore.tls'],
    ['apim-3.2.0', 'truststore'],
    ['carbon-kernel-4.6.1', 'keystore.tls'],
    ['carbon-kernel-4.6.1', 'truststore'],
  ])('%s [%s]', (fixture, table) => {
    const lf = readFixture(fixture as 'is-5.11.0');
    const crlf = toCrlf(lf);
    const afterLf = set(lf, table, entries).after;
    const r = set(crlf, table, entries);
    expect(r.after).toBe(toCrlf(afterLf));
    expect(/(^|[^\r])\n/.test(r.after)).toBe(false);
    // The same changes, at the same lines (offsets differ by the CRs before them).
    const noOffset = (cs: Array<{ offset: number }>) => cs.map(({ offset: _, ...c }) => c);
    expect(noOffset(r.changes)).toEqual(noOffset(set(lf, table, entries).changes));
    expectValues(r.after, table, entries);
  });
});

describe('passwords with special characters round-trip', () => {
  const nasty = [
    `a&b<c>d"e'f\\g`,
    'pässwörd-日本語-🔑',
    'tab\there',
    'line\nbreak\r\nand\u0001control\u007f',
    '$ref{not.a.ref}',
    '"""',
    "'''",
    '\\u0041',
    ' leading and trailing ',
  ];
  it.each(nasty)('%j in a basic string', (pw) => {
    const text = readFixture('apim-3.2.0');
    const r = set(text, 'keystore.tls', { password: pw, key_password: pw });
    expect(changedLines(text, r.after)).toEqual([33, 35]);
    expectValues(r.after, 'keystore.tls', { password: pw, key_password: pw });
    expect(setTomlValues(r.after, 'keystore.tls', { password: pw }).edits).toEqual([]);
  });
  it.each(nasty)('%j in a literal string (kept literal when it can be)', (pw) => {
    const text = "[keystore.primary]\npassword = 'old'\n";
    const r = set(text, 'keystore.primary', { password: pw });
    expectValues(r.after, 'keystore.primary', { password: pw });
    const literalOk = !/['\u0000-\u0008\u000a-\u001f\u007f]/.test(pw);
    expect(r.after.split('\n')[1].startsWith(literalOk ? "password = '" : 'password = "')).toBe(true);
    expect(r.after.split('\n').length).toBe(3);
  });
  it('an unpaired surrogate is refused as VALUE_UNENCODABLE', () => {
    expect(() => setTomlValues('[truststore]\npassword = "x"\n', 'truststore', { password: 'a\uD800b' })).toThrow(
      expect.objectContaining({ code: 'VALUE_UNENCODABLE' }),
    );
  });
});
