/** Small hand-written documents for the TOML forms the fixtures do not have. */
import { parse } from 'smol-toml';
import { applyEdits } from '../../../src/text/patcher';
import { getTomlValue, scanToml } from '../../../src/edit/toml/scan';
import { setTomlValues } from '../../../src/edit/toml/set';
import { unknownKeys } from '../../../src/edit/toml/keys';
import { dig } from './helpers';

const set = (text: string, table: string, entries: Record<string, string>) =>
  applyEdits(text, setTomlValues(text, table, entries).edits);

describe('scanToml', () => {
  it('skips multi-line strings: headers and keys inside them are not seen', () => {
    const text = [
      '[server]',
      'motd = """',
      '[keystore.tls]',
      'password = "not a key"',
      '"""',
      "raw = '''",
      '[truststore]',
      "''' # trailing comment",
      'q = """ends with quotes"""""',
      '[keystore.tls]',
      'password = "real"',
      '',
    ].join('\n');
    const doc = scanToml(text);
    expect(doc.tables.map((t) => [t.name, t.line])).toEqual([
      ['server', 1],
      ['keystore.tls', 10],
    ]);
    expect(doc.entries.map((e) => e.path.join('.'))).toEqual(['server.motd', 'server.raw', 'server.q', 'keystore.tls.password']);
    expect(getTomlValue(doc, 'server', 'q')?.value).toBe('ends with quotes""');
    expect(getTomlValue(doc, 'keystore.tls', 'password')).toMatchObject({ value: 'real', line: 11, style: 'basic' });
  });

  it('reads quoted keys and headers, dotted keys at the root and under a parent table, and inline tables', () => {
    const root = scanToml(['keystore.primary.file_name = "root.jks"', '"keystore" . \'primary\' . password = \'lit\'', '[ "truststore" ]', 'file_name = "t.jks" # comment'].join('\n'));
    expect(root.tables.map((t) => t.name)).toEqual(['truststore']);
    expect(getTomlValue(root, 'keystore.primary', 'file_name')?.value).toBe('root.jks');
    expect(getTomlValue(root, 'keystore.primary', 'password')).toMatchObject({ value: 'lit', style: 'literal', line: 2 });
    expect(getTomlValue(root, 'truststore', 'file_name')?.raw).toBe('"t.jks"');

    const text = [
      '[keystore]',
      'tls.alias = "a"',
      'internal = { file_name = "i.jks", password = "ip" }',
      '[[apim.env]]',
      'password = "array table: not addressable"',
    ].join('\n');
    const doc = scanToml(text);
    expect(doc.tables.map((t) => t.name)).toEqual(['keystore', 'apim.env']);
    expect(getTomlValue(doc, 'keystore.tls', 'alias')?.value).toBe('a');
    expect(getTomlValue(doc, 'keystore.internal', 'password')).toMatchObject({ value: 'ip', line: 3 });
    expect(getTomlValue(doc, 'keystore', 'internal')?.style).toBe('inline-table');
    expect(getTomlValue(doc, 'apim.env', 'password')).toBeUndefined();
    expect(getTomlValue(doc, 'keystore.tls', 'password')).toBeUndefined();
  });

  it('steps over multi-line arrays with comments and inline tables inside', () => {
    const text = [
      '[server]',
      'list = [',
      '  { password = "in array" }, # [keystore.tls]',
      '  "]", \'[truststore]\',',
      ']',
      'when = 1979-05-27 07:32:00Z # a date-time with a space',
      '[truststore]',
      'password = "p"',
      '',
    ].join('\n');
    const doc = scanToml(text);
    expect(doc.tables.map((t) => t.name)).toEqual(['server', 'truststore']);
    expect(doc.entries.map((e) => e.path.join('.'))).toEqual(['server.list', 'server.when', 'truststore.password']);
    expect(getTomlValue(doc, 'server', 'when')?.raw).toBe('1979-05-27 07:32:00Z');
    expect(set(text, 'truststore', { password: 'q', type: 'PKCS12' })).toBe(text.replace('password = "p"\n', 'password = "q"\ntype = "PKCS12"\n'));
  });

  it('reports malformed TOML as TOML_MALFORMED with the line', () => {
    const text = '[server]\nhostname = "localhost"\n\n[keystore.primary]\npassword = "unterminated\n';
    expect(() => scanToml(text, { file: 'repository/conf/deployment.toml' })).toThrow(
      expect.objectContaining({ code: 'TOML_MALFORMED', line: 5, file: 'repository/conf/deployment.toml' }),
    );
    // A table defined twice is malformed too (the server would fail on it as well).
    expect(() => scanToml('[truststore]\na = 1\n[truststore]\nb = 2\n')).toThrow(expect.objectContaining({ code: 'TOML_MALFORMED', line: 3 }));
    expect(() => setTomlValues('password = = 1', 'truststore', { password: 'x' })).toThrow(
      expect.objectContaining({ code: 'TOML_MALFORMED', line: 1 }),
    );
  });
});

describe('setTomlValues on hand-written forms', () => {
  it('edits dotted keys in place and adds a missing key with the same dotted prefix', () => {
    const text = 'keystore.primary.file_name = "a.jks"  # the store\nkeystore.primary.password = "x"\n\n[server]\nhostname = "h"\n';
    const after = set(text, 'keystore.primary', { file_name: 'b.p12', alias: 'k' });
    expect(after).toBe(
      'keystore.primary.file_name = "b.p12"  # the store\nkeystore.primary.password = "x"\nkeystore.primary.alias = "k"\n\n[server]\nhostname = "h"\n',
    );
  });

  it('handles `primary.file_name` under [keystore]: the new key goes after the last `primary.` line', () => {
    const text = '[keystore]\nprimary.file_name = "a.jks"\ntls.file_name = "t.jks"\n';
    const after = set(text, 'keystore.primary', { file_name: 'b.jks', password: 'p' });
    expect(after).toBe('[keystore]\nprimary.file_name = "b.jks"\nprimary.password = "p"\ntls.file_name = "t.jks"\n');
    expect(dig(parse(after), ['keystore', 'primary', 'password'])).toBe('p');
  });

  it('edits a key of an inline table in place, and refuses to add one', () => {
    const text = '[keystore]\nprimary = { file_name = "a.jks", password = "x" }\n';
    expect(set(text, 'keystore.primary', { password: 'y' })).toBe('[keystore]\nprimary = { file_name = "a.jks", password = "y" }\n');
    expect(() => setTomlValues(text, 'keystore.primary', { alias: 'k' }, { file: 'deployment.toml' })).toThrow(
      expect.objectContaining({ code: 'ELEMENT_MISSING', line: 2, file: 'deployment.toml' }),
    );
    // Nor a table inside an inline table.
    expect(() => setTomlValues('keystore = { primary = { password = "x" } }\n', 'keystore.tls', { alias: 'k' })).toThrow(
      expect.objectContaining({ code: 'ELEMENT_MISSING', line: 1 }),
    );
  });

  it('adds a missing key after the last key line, before trailing blank lines and comments, keeping indent and spacing', () => {
    const text = '[keystore.primary]\n  file_name   =   "a.jks" # c\n  password   =   "x"\n# a note about the next table\n\n[server]\n';
    expect(set(text, 'keystore.primary', { alias: 'k' })).toBe(
      '[keystore.primary]\n  file_name   =   "a.jks" # c\n  password   =   "x"\n  alias   =   "k"\n# a note about the next table\n\n[server]\n',
    );
  });

  it('adds keys to an empty table right after its header, and after a multi-line last value', () => {
    expect(set('[truststore]\n\n[server]\n', 'truststore', { password: 'p' })).toBe('[truststore]\npassword = "p"\n\n[server]\n');
    const ml = '[truststore]\nfile_name = """\nx.jks"""\n[server]\n';
    expect(set(ml, 'truststore', { password: 'p' })).toBe('[truststore]\nfile_name = """\nx.jks"""\npassword = "p"\n[server]\n');
  });

  it('turns a multi-line or bare value into a basic string', () => {
    const text = "[keystore.primary]\npassword = '''\nold'''\nalias = 12345 # numeric\n";
    const after = set(text, 'keystore.primary', { password: 'new', alias: 'k1' });
    expect(after).toBe('[keystore.primary]\npassword = "new"\nalias = "k1" # numeric\n');
  });

  it('adds a missing table after its commented copy only when no live key follows the copy', () => {
    const safe = '[server]\na = 1\n\n# [ keystore.tls ]\n# file_name = "x"\n\n[other]\nb = 2\n';
    expect(set(safe, 'keystore.tls', { alias: 'k' })).toBe(
      '[server]\na = 1\n\n# [ keystore.tls ]\n# file_name = "x"\n\n[keystore.tls]\nalias = "k"\n\n[other]\nb = 2\n',
    );
    // Here a header after the comment would capture `b = 2` from [server]: go to the end instead.
    const unsafe = '[server]\na = 1\n#[keystore.tls]\n#file_name = "x"\nb = 2\n';
    expect(set(unsafe, 'keystore.tls', { alias: 'k' })).toBe(`${unsafe}\n[keystore.tls]\nalias = "k"\n`);
    // `#[[keystore.tls]]` is not a copy of the table.
    const arr = '#[[keystore.tls]]\n\n[x]\n';
    expect(set(arr, 'keystore.tls', { alias: 'k' })).toBe(`${arr}\n[keystore.tls]\nalias = "k"\n`);
  });

  it('never touches comment lines, even ones that look like the target key', () => {
    const text = '[keystore.primary]\n#password = "old"\npassword = "old" # password = "old"\n#alias = "x"\n';
    const after = set(text, 'keystore.primary', { password: 'new', alias: 'k' });
    expect(after).toBe('[keystore.primary]\n#password = "old"\npassword = "new" # password = "old"\nalias = "k"\n#alias = "x"\n');
  });

  it('writes into an empty file and into a file of comments without extra blank lines at the top', () => {
    expect(set('', 'truststore', { password: 'p' })).toBe('[truststore]\npassword = "p"\n');
    expect(set('# only a comment\n', 'truststore', { password: 'p' })).toBe('# only a comment\n\n[truststore]\npassword = "p"\n');
    expect(set('a = 1\n\n', 'truststore', { password: 'p' })).toBe('a = 1\n\n[truststore]\npassword = "p"\n');
  });

  it('makes no edit when values are already equal (by meaning, not by spelling)', () => {
    const text = "[truststore]\npassword = 'same'\ntype = \"\\u004AKS\"\n";
    expect(setTomlValues(text, 'truststore', { password: 'same', type: 'JKS' })).toEqual({ edits: [], changes: [], notes: [] });
  });

  it('quotes keys that cannot be bare', () => {
    const after = set('[secrets]\n', 'secrets', { 'my.alias': 'x' });
    expect(after).toBe('[secrets]\n"my.alias" = "x"\n');
    expect(dig(parse(after), ['secrets', 'my.alias'])).toBe('x');
  });

  it('refuses to write a string over an array or table', () => {
    expect(() => setTomlValues('[truststore]\npassword = ["a"]\n', 'truststore', { password: 'x' })).toThrow(
      expect.objectContaining({ code: 'TOML_MALFORMED', line: 2 }),
    );
  });
});

describe('unknownKeys', () => {
  it('points out keys the server ignores, with lines and a likely meaning', () => {
    const text = [
      '[keystore.primary]',
      'name = "mykeystore.jks"',
      'password = "p"',
      '[keystore.tls]',
      'location = "x"',
      'sub.deep = 1',
      '[truststore]',
      'algorithm = "AES"',
      'alias = "symmetric.key.value"',
      'passwd = "p"',
      '[keystore.tenant]',
      'type = "PKCS12"',
      'whatever = 1',
    ].join('\n');
    expect(unknownKeys(scanToml(text))).toEqual([
      { table: 'keystore.primary', key: 'name', line: 2, suggestion: 'file_name' },
      { table: 'keystore.tls', key: 'location', line: 5, suggestion: 'file_name' },
      { table: 'keystore.tls', key: 'sub.deep', line: 6 },
      { table: 'truststore', key: 'passwd', line: 10 },
    ]);
  });

  it('sees dotted-key and inline forms too', () => {
    const text = 'keystore.primary.name = "a"\ntruststore = { file = "t", password = "p" }\n';
    expect(unknownKeys(scanToml(text))).toEqual([
      { table: 'keystore.primary', key: 'name', line: 1, suggestion: 'file_name' },
      { table: 'truststore', key: 'file', line: 2, suggestion: 'file_name' },
    ]);
  });
});
