export { applyEdits, type TextEdit } from '../../text/patcher';
export {
  scanToml,
  getTomlValue,
  findEntry,
  parseDottedName,
  tableName,
  type TomlDoc,
  type TomlEntry,
  type TomlTableHeader,
  type TomlComment,
  type TomlValue,
  type ValueStyle,
  type ScanOptions,
} from './scan';
export { setTomlValues, encodeString, type SetTomlOptions, type TomlChange, type TomlEditResult } from './set';
export { setSecret, isSecretRef } from './secrets';
export { unknownKeys, KEYSTORE_TABLES, KEYSTORE_KEYS, type KeystoreTable, type UnknownKey } from './keys';
