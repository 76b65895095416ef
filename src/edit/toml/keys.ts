/**
 * The keystore tables of deployment.toml and the keys the server reads from them.
 * A key the server does not know is silently ignored by it (e.g. `name = "x.jks"` instead of
 * `file_name`, seen in published automation): `unknownKeys` finds them so scan/verify can say so.
 */
import { isPrefix, tableName, type TomlDoc } from './scan';

export const KEYSTORE_TABLES = ['keystore.primary', 'keystore.internal', 'keystore.tls', 'truststore'] as const;
export type KeystoreTable = (typeof KEYSTORE_TABLES)[number];

export const KEYSTORE_KEYS = ['file_name', 'type', 'password', 'alias', 'key_password'] as const;

/**
 * Per table. The Micro Integrator truststore also takes `algorithm` (and `alias`, for the symmetric
 * key), as its documented default block shows, so those are not reported there.
 */
const KNOWN: Record<KeystoreTable, readonly string[]> = {
  'keystore.primary': KEYSTORE_KEYS,
  'keystore.internal': KEYSTORE_KEYS,
  'keystore.tls': KEYSTORE_KEYS,
  truststore: [...KEYSTORE_KEYS, 'algorithm'],
};

const LIKELY: Record<string, string> = {
  name: 'file_name',
  file: 'file_name',
  filename: 'file_name',
  location: 'file_name',
  path: 'file_name',
  keystore_password: 'password',
  store_password: 'password',
  pass: 'password',
  keypassword: 'key_password',
  key_pass: 'key_password',
  keystore_type: 'type',
  key_alias: 'alias',
};

export interface UnknownKey {
  /** `keystore.primary` */
  table: KeystoreTable;
  /** The key as a dotted name relative to the table, e.g. `name`. */
  key: string;
  line: number;
  /** The known key it probably means, if we can tell. */
  suggestion?: string;
}

export function unknownKeys(doc: TomlDoc): UnknownKey[] {
  const out: UnknownKey[] = [];
  for (const table of KEYSTORE_TABLES) {
    const path = table.split('.');
    for (const e of doc.entries) {
      if (e.inArrayTable || e.path.length <= path.length || !isPrefix(path, e.path)) continue;
      const rel = e.path.slice(path.length);
      // An inline table value is reported through its children, not as a key of its own.
      if (e.style === 'inline-table') continue;
      if (rel.length === 1 && KNOWN[table].includes(rel[0])) continue;
      const key = tableName(rel);
      const suggestion = LIKELY[key.toLowerCase().replace(/-/g, '_')];
      out.push({ table, key, line: e.line, ...(suggestion ? { suggestion } : {}) });
    }
  }
  return out.sort((a, b) => a.line - b.line);
}
