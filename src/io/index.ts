/** The thin I/O layer: transactions with checkpoints, restore, and the per-HOME lock. See docs/backups.md. */
export type { FsOps } from './fs-ops';
export { realFsOps } from './fs-ops';
export type { LockOptions } from './lock';
export { withLock } from './lock';
export type { Checkpoint, Manifest, ManifestFile } from './manifest';
export type { FileWrite, TransactionMeta, TransactionOptions, RecoverResult } from './transaction';
export { applyTransaction, recoverUnfinished } from './transaction';
export type { RestoreFilePlan, RestorePlan, RestoreOptions } from './restore';
export { damagedNote, listCheckpoints, planRestore, restoreCheckpoint } from './restore';
export { SIGNAL_EXIT_CODE } from './signals';
export { STATE_DIR, checkTargets } from './paths';
