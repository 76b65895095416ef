/**
 * One error type for everything the user can cause (bad plan, bad home, wrong password, malformed file).
 * `code` is stable and asserted by tests; `message` is for people and never contains a password.
 * Programming mistakes stay plain `Error`s: the CLI reports those as internal errors.
 */
export type ErrorCode =
  | 'USAGE'
  | 'PLAN_INVALID'
  | 'PLAN_ENV_MISSING'
  | 'HOME_NOT_FOUND'
  | 'HOME_GENERATED'
  | 'FILE_MISSING'
  | 'FILE_UNREADABLE'
  | 'FILE_NOT_WRITABLE'
  | 'FILE_SYMLINK'
  /** A file changed on disk between planning and writing (someone edited it meanwhile). */
  | 'FILE_CHANGED'
  | 'FILE_ENCODING'
  /** A config file larger than MAX_CONFIG_BYTES (read-files.ts): not a WSO2 config, and too big to edit safely in memory. */
  | 'FILE_TOO_LARGE'
  | 'XML_MALFORMED'
  | 'XML_AMBIGUOUS'
  | 'TOML_MALFORMED'
  /** A `$secret{alias}` (Secure Vault) value would be overwritten by a clear one. */
  | 'SECRET_REFERENCE'
  | 'POLICY_MALFORMED'
  | 'ELEMENT_MISSING'
  | 'VALUE_UNENCODABLE'
  | 'INTERNAL_KEYSTORE_CHANGE'
  | 'KEYSTORE_INVALID'
  | 'KEYSTORE_PASSWORD'
  | 'KEYSTORE_TYPE_MISMATCH'
  | 'KEYSTORE_UNSUPPORTED'
  | 'KEY_PASSWORD'
  | 'ALIAS_MISSING'
  | 'ALIAS_NOT_KEY'
  | 'ALIAS_EXISTS'
  | 'KEY_CERT_MISMATCH'
  | 'CERT_EXPIRED'
  | 'CERT_INVALID'
  | 'BACKUP_NOT_FOUND'
  | 'RESTORE_CONFLICT'
  | 'LOCKED'
  | 'IO'
  | 'NOT_A_TERMINAL'
  | 'ABORTED'
  | 'VERIFY_FAILED';

export interface KsErrorOptions {
  /** File the problem is in, relative to HOME where possible. */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** What the user can do about it. */
  hint?: string;
  cause?: unknown;
}

export class KsError extends Error {
  readonly code: ErrorCode;
  readonly file?: string;
  readonly line?: number;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, options: KsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KsError';
    this.code = code;
    this.file = options.file;
    this.line = options.line;
    this.hint = options.hint;
  }

  /** The one-paragraph form the CLI prints: where, what, and what to do. */
  describe(): string {
    const where = this.file ? `${this.file}${this.line ? `:${this.line}` : ''}: ` : '';
    return `${where}${this.message}${this.hint ? `\n  ${this.hint}` : ''}`;
  }
}

export const isKsError = (e: unknown): e is KsError => e instanceof KsError;

/** Exit codes are part of the command-line contract. */
export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2, INTERRUPTED: 130 } as const;
