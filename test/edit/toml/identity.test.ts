/**
 * Every real deployment.toml scans and prints back byte-identical, and the model agrees with
 * smol-toml about every value it can address.
 */
import { parse } from 'smol-toml';
import { applyEdits } from '../../../src/text/patcher';
import { getTomlValue, scanToml } from '../../../src/edit/toml/scan';
import { unknownKeys } from '../../../src/edit/toml/keys';
import { dig, readFixture, toCrlf, TOML_FIXTURES, type TomlFixture } from './helpers';

// Checked by hand against the files (commented-out `#[…]` blocks are not tables).
const EXPECTED_TABLES: Record<TomlFixture, string[]> = {
  'is-5.11.0': [
    'server',
    'super_admin',
    'user_store',
    'database.identity_db',
    'database.shared_db',
    'keystore.primary',
    'truststore',
    'account_recovery.endpoint.auth',
    'identity.auth_framework.endpoint',
  ],
  'apim-3.2.0': [
    'server',
    'super_admin',
    'user_store',
    'database.apim_db',
    'database.shared_db',
    'keystore.tls',
    'apim.gateway.environment',
    'apim.cors',
    'event_handler',
    'service_provider',
    'database.local',
    'event_listener',
    'event_listener.properties',
  ],
  'carbon-kernel-4.6.1': [
    'server',
    'user_store',
    'database.shared_db',
    'database.shared_db.pool_options',
    'super_admin',
    'keystore.primary',
    'truststore',
  ],
};

const KEYSTORE_TABLES: Record<TomlFixture, string[]> = {
  'is-5.11.0': ['keystore.primary', 'truststore'],
  'apim-3.2.0': ['keystore.tls'],
  'carbon-kernel-4.6.1': ['keystore.primary', 'truststore'],
};

describe.each(TOML_FIXTURES)('%s deployment.toml', (name) => {
  const text = readFixture(name);

  it.each([
    ['LF', text],
    ['CRLF', toCrlf(text)],
  ])('prints back byte-identical without edits (%s)', (_eol, t) => {
    const doc = scanToml(t);
    expect(doc.text).toBe(t);
    expect(applyEdits(t, [])).toBe(t);
    expect(doc.eol).toBe(_eol === 'CRLF' ? '\r\n' : '\n');
  });

  it('finds exactly the tables the file has', () => {
    const doc = scanToml(text);
    expect(doc.tables.map((t) => t.name)).toEqual(EXPECTED_TABLES[name]);
    const ks = doc.tables.filter((t) => /^(keystore\.|truststore$)/.test(t.name)).map((t) => t.name);
    expect(ks).toEqual(KEYSTORE_TABLES[name]);
    // Header offsets point at the header text.
    for (const t of doc.tables) {
      const header = text.slice(t.start, t.end);
      expect(header).toBe(t.array ? `[[${t.name}]]` : `[${t.name}]`);
      expect(text.split('\n')[t.line - 1].startsWith(header)).toBe(true);
    }
  });

  it('reads every addressable value exactly as smol-toml does', () => {
    const doc = scanToml(text);
    const parsed = parse(text);
    const addressable = doc.entries.filter((e) => !e.inArrayTable);
    expect(addressable.length).toBeGreaterThan(10);
    for (const e of addressable) {
      const key = e.path[e.path.length - 1];
      const got = getTomlValue(doc, e.path.slice(0, -1).join('.'), key);
      expect(got?.entry).toBe(e);
      const want = dig(parsed, e.path);
      if (typeof want === 'string') expect(got?.value).toBe(want);
      // The value range holds the value exactly: re-parsing it gives the same thing.
      expect(parse(`v = ${text.slice(e.valueStart, e.valueEnd)}`).v).toEqual(want);
    }
  });

  it('lists comment-only lines, and no commented keystore table is taken for a real one', () => {
    const doc = scanToml(text);
    const commentLines = text.split('\n').flatMap((l, i) => (/^\s*#/.test(l) ? [i + 1] : []));
    expect(doc.comments.map((c) => c.line)).toEqual(commentLines);
    for (const e of doc.entries) expect(commentLines).not.toContain(e.line);
  });

  it('finds no unknown keys in the keystore tables of a stock file', () => {
    expect(unknownKeys(scanToml(text))).toEqual([]);
  });
});
