/**
 * What every patcher works with. Patchers are pure: (file text, targets) → edits. They never touch
 * fs, process or prompts, so each is tested on real files in memory.
 */
import type { KsFunction } from '../changes/types';
import type { TextEdit } from '../text/patcher';

/** A keystore as a function will use it, with everything resolved (passwords included). */
export interface KeystoreTarget {
  /** The plan's name for it. */
  name: string;
  absPath: string;
  /** Path relative to HOME with `/` separators, or null when the keystore lies outside HOME. */
  homeRelPath: string | null;
  type: 'JKS' | 'PKCS12';
  password: string;
  alias?: string;
  /** Defaults to the store password. */
  keyPassword: string;
  /** How many private-key entries the keystore holds, when it was opened (decides whether Tomcat needs keyAlias). */
  keyEntryCount?: number;
}

/** A text edit together with what it means. `from`/`to` are decoded values. */
export interface SettingEdit extends TextEdit {
  setting: string;
  from: string;
  to: string;
  secret: boolean;
  function: KsFunction | 'other';
  /** A note instead of a from/to pair (e.g. an inserted block). */
  note?: string;
}

export interface PatchResult {
  edits: SettingEdit[];
  warnings: string[];
}

/** Which settings of a file serve which function, as the file says now (used by scan, verify, the wizard). */
export interface CurrentSetting {
  function: KsFunction | 'other';
  /** Where it is: `Security/KeyStore`, `Connector[port=9443]`, … */
  owner: string;
  location?: string;
  type?: string;
  password?: string;
  alias?: string;
  keyPassword?: string;
  line: number;
  /** Secure Vault alias when the password is a placeholder. */
  secretAlias?: string;
  /** Secure Vault alias of the key password, when it is a `$secret{}` reference (deployment.toml). */
  keyPasswordSecretAlias?: string;
}
