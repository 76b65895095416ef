/**
 * The change set: what a plan does to a home, computed in memory before anything is written.
 * Every stage after the planner (preview, apply, JSON output) reads only this.
 */

/** The functions a keystore can serve; names are part of the plan-file contract. */
export const FUNCTIONS = ['primary', 'internal', 'tls', 'axis2', 'secPolicy', 'truststore'] as const;
export type KsFunction = (typeof FUNCTIONS)[number];

/** One changed setting, as shown in the summary and in `--json` (`secret` values are masked there). */
export interface SettingChange {
  /** 1-based line of the change in the file before the edit. */
  line: number;
  /** A readable name of the setting, e.g. `Security/KeyStore/Location` or `Connector[@port=9443]/@keystoreFile`. */
  setting: string;
  from: string;
  to: string;
  /** True for passwords: never printed in clear. */
  secret: boolean;
  /** The function the change serves. */
  function: KsFunction | 'other';
}

/** One file of the change set. `before`/`after` are the exact bytes. */
export interface FileChange {
  /** Path relative to HOME, with `/` separators. */
  path: string;
  before: Buffer;
  after: Buffer;
  changes: SettingChange[];
  /** Human-readable notes (never a password), e.g. "inserted Security/InternalKeyStore from templates/". */
  notes: string[];
  /** A binary file (a truststore with an imported certificate): shown as a note, never as a text diff. */
  binary?: boolean;
  /** The file does not exist yet: apply creates it, restore deletes it. */
  created?: boolean;
}

export interface ChangeSet {
  home: string;
  files: FileChange[];
  /** Things the user should know that are not edits (e.g. "axis2.xml: https listener is commented out"). */
  warnings: string[];
  /**
   * The references outside the managed files that stay pointing at a keystore this plan moves away
   * from, each as `path:line setting (why or value)`: exactly the entries the "still pointing at a
   * keystore this plan moves away from: …" warning lists (src/changes/also-update.ts), as data, so
   * nothing has to split that sentence. Never one that moved (a moved reference with no password
   * beside it has a warning of its own). Absent when none stays behind (or no scan was given).
   */
  staysBehind?: string[];
  /**
   * Functions the plan names for which this home has nothing to edit (no active https transport in
   * axis2.xml, no SSL Connector, a sec.policy without a keystore entry, a missing file): each also has
   * its warning. Absent when every function found its setting. Lets "nothing to change" say why.
   */
  notApplicable?: KsFunction[];
  /** Secrets that appear in the plan: output layers mask every occurrence of these. */
  secrets: string[];
}

/**
 * An encrypted Secure Vault value decrypted with the private key of `keystore`, one of the plan's;
 * null when it cannot be. The I/O layer holds the keys (checkPlanKeystores); the planners only ask.
 */
export type ReadVault = (encrypted: string, keystore: { absPath: string; alias?: string }) => string | null;
