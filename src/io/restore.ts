/**
 * Listing checkpoints and restoring one. A restore is itself an applyTransaction, so it is
 * crash-safe and undoable (restoring the restore's checkpoint gives the applied bytes back).
 */
import * as path from 'node:path';
import { KsError } from '../errors';
import { isErrno, realFsOps } from './fs-ops';
import type { FsOps } from './fs-ops';
import { ioError, step } from './io-error';
import type { Checkpoint } from './manifest';
import { MANIFEST_NAME, readManifest } from './manifest';
import { PARTIAL_SUFFIX, STATE_DIR, backupsDir, resolveTarget, sha256, sha256OrNull } from './paths';
import type { TransactionOptions } from './transaction';
import { applyTransaction } from './transaction';

export interface RestoreFilePlan {
  path: string;
  /** Bytes on disk now; null if the file does not exist. */
  current: Buffer | null;
  /** Bytes the restore writes; null = the checkpoint created the file, so the restore deletes it. */
  restoreTo: Buffer | null;
  /** Mode the file had before the checkpoint's apply. */
  mode: number;
  /**
   * The file was changed after that apply (its hash is not the recorded sha256After) and the restore
   * would overwrite that change: a file already back to its original (a restore run twice) is none.
   */
  conflict: boolean;
}

export interface RestorePlan {
  checkpoint: Checkpoint;
  files: RestoreFilePlan[];
  /** Checkpoint folders whose manifest cannot be read (as listCheckpoints reports them). */
  damaged: string[];
}

export interface CheckpointList {
  /** Committed checkpoints, newest first. */
  checkpoints: Checkpoint[];
  /** Ids of committed checkpoint folders whose manifest.json is missing or unreadable. */
  damaged: string[];
}

export interface RestoreOptions extends TransactionOptions {
  /** Restore files that were edited after the apply too (their edits are lost, but kept in the new checkpoint). */
  force?: boolean;
}

/**
 * Committed checkpoints, newest first. Partial (in-progress or interrupted) ones are not listed. A
 * committed folder whose manifest.json is missing or unreadable cannot be listed or restored: its
 * id goes in `damaged` (its copies are still there, to put back by hand), oldest first.
 */
export async function listCheckpoints(home: string, opts: { fsOps?: FsOps } = {}): Promise<CheckpointList> {
  const fs = opts.fsOps ?? realFsOps;
  let names: string[];
  try {
    names = await fs.readdir(backupsDir(home));
  } catch (e) {
    if (isErrno(e, 'ENOENT', 'ENOTDIR')) return { checkpoints: [], damaged: [] };
    throw ioError(e, `${STATE_DIR}/backups`, 'list');
  }
  const checkpoints: Checkpoint[] = [];
  const damaged: string[] = [];
  for (const name of names) {
    if (name.startsWith('.') || name.endsWith(PARTIAL_SUFFIX)) continue;
    const m = await readManifest(fs, path.join(backupsDir(home), name)).catch(() => null);
    if (m && m.id === name) checkpoints.push(m);
    else if (CHECKPOINT_ID.test(name)) damaged.push(name);
  }
  checkpoints.sort((a, b) => (a.time === b.time ? b.id.localeCompare(a.id) : b.time.localeCompare(a.time)));
  return { checkpoints, damaged: damaged.sort() };
}

/** The checkpoint id form (paths.ts newCheckpointId): `20261125T195216Z-3be2`. */
const CHECKPOINT_ID = /^\d{8}T\d{6}Z-[0-9a-f]{4}$/;

/** What to say about checkpoint folders whose manifest cannot be read. */
export function damagedNote(ids: readonly string[]): string {
  return `${ids.map((d) => `${STATE_DIR}/backups/${d}`).join(', ')} ${ids.length === 1 ? 'has' : 'have'} no readable ${MANIFEST_NAME}, so this tool cannot list or restore ${ids.length === 1 ? 'it' : 'them'}; the original files are copied in ${ids.length === 1 ? 'its' : 'their'} files/ folder, to put back by hand.`;
}

const same = (a: Buffer | null, b: Buffer | null) => (a === null || b === null ? a === b : a.equals(b));

export async function planRestore(home: string, id?: string, opts: { fsOps?: FsOps } = {}): Promise<RestorePlan> {
  const fs = opts.fsOps ?? realFsOps;
  const { checkpoints: all, damaged } = await listCheckpoints(home, opts);
  const checkpoint = id === undefined ? all[0] : all.find((c) => c.id === id);
  // The folder is there (with its copies): "there is no checkpoint" would send the user looking elsewhere.
  if (!checkpoint && id !== undefined && damaged.includes(id)) {
    throw new KsError('BACKUP_NOT_FOUND', `checkpoint ${id} exists, but its ${MANIFEST_NAME} cannot be read`, { hint: damagedNote([id]) });
  }
  if (!checkpoint) {
    const ids = all.map((c) => c.id);
    const hint = [
      ids.length ? `Checkpoints: ${ids.join(', ')}.` : damaged.length ? '' : 'Nothing has been applied to this home yet.',
      damaged.length ? damagedNote(damaged) : '',
    ]
      .filter(Boolean)
      .join(' ');
    throw new KsError('BACKUP_NOT_FOUND', id === undefined ? 'there are no checkpoints to restore' : `there is no checkpoint ${id}`, { hint });
  }
  // "The latest" must not quietly skip a newer checkpoint this tool cannot read: that change would stay.
  // Ids sort by time to the second; one from the same second may be the newer.
  const newer = id === undefined ? damaged.filter((d) => d.slice(0, 16) >= checkpoint.id.slice(0, 16)) : [];
  if (newer.length) {
    throw new KsError('BACKUP_NOT_FOUND', `the latest checkpoint, ${newer[newer.length - 1]}, cannot be read, so the latest change cannot be restored by this tool`, {
      hint: `${damagedNote(newer)} To restore the older ${checkpoint.id} anyway, name it with --id.`,
    });
  }
  const dir = path.join(backupsDir(home), checkpoint.id);
  const files: RestoreFilePlan[] = [];
  for (const f of checkpoint.files) {
    const target = await resolveTarget(home, f.path, fs);
    const current = await fs.readFile(target).catch((e) => (isErrno(e, 'ENOENT') ? null : Promise.reject(ioError(e, f.path, 'read'))));
    let restoreTo: Buffer | null = null;
    if (!f.created) {
      const copyRel = `${STATE_DIR}/backups/${checkpoint.id}/${f.copy}`;
      restoreTo = await step(copyRel, 'read the backup copy', () => fs.readFile(path.join(dir, f.copy ?? '')));
      if (sha256(restoreTo) !== f.sha256Before) {
        throw new KsError('IO', `the backup copy of ${f.path} is damaged (its sha256 does not match the manifest)`, {
          file: copyRel,
        });
      }
    }
    files.push({ path: f.path, current, restoreTo, mode: f.mode, conflict: sha256OrNull(current) !== f.sha256After && !same(current, restoreTo) });
  }
  return { checkpoint, files, damaged };
}

/**
 * Restores a checkpoint (the latest when `id` is omitted). Refuses with RESTORE_CONFLICT when a file
 * was edited after the apply, unless `force`. Files already equal to the original are skipped.
 * Returns the id of the new checkpoint that undoes the restore, or null when nothing needed writing.
 */
export async function restoreCheckpoint(
  home: string,
  id?: string,
  opts: RestoreOptions = {},
): Promise<{ id: string | null; restored: string[] }> {
  const plan = await planRestore(home, id, opts);
  const todo = plan.files.filter((f) => !same(f.current, f.restoreTo));
  const conflicts = todo.filter((f) => f.conflict).map((f) => f.path);
  if (conflicts.length && !opts.force) {
    throw new KsError('RESTORE_CONFLICT', `changed after checkpoint ${plan.checkpoint.id} was applied: ${conflicts.join(', ')}`, {
      file: conflicts[0],
      hint: 'Those edits would be lost. Restore with --force to overwrite them (the restore itself is undoable).',
    });
  }
  if (todo.length === 0) return { id: null, restored: [] };
  const { id: newId } = await applyTransaction(
    home,
    todo.map((f) => ({ path: f.path, before: f.current, after: f.restoreTo, mode: f.mode })),
    {
      command: `restore ${plan.checkpoint.id}`,
      notes: [
        `restore of checkpoint ${plan.checkpoint.id} (${plan.checkpoint.command})`,
        ...(conflicts.length ? [`forced over later edits to: ${conflicts.join(', ')}`] : []),
      ],
    },
    opts,
  );
  return { id: newId, restored: todo.map((f) => f.path) };
}
