/**
 * applyTransaction: a set of file writes applied all-or-nothing, modelled on certbot's reverter.
 *
 * Invariants (each is tested by failing or killing the process at every step):
 * 1. No config file is touched before `backups/<id>.partial/` holds a fsynced copy of every original
 *    and a fsynced manifest. So after any crash, originals are recoverable from disk.
 * 2. Each file is replaced by rename of a fsynced temp file in the same folder, so a file is always
 *    either wholly old or wholly new.
 * 3. Renaming `<id>.partial` to `<id>` is the commit point. Before it, any failure (or a later
 *    `recoverUnfinished`) puts every original back; after it, the change stands and is undoable.
 * 4. Rollback restores only files whose bytes differ from the original, and only files this
 *    transaction may have touched, so a concurrent edit to a file we never reached is not clobbered.
 *
 * Not handled: files whose folder does not exist (we do not create folders), hard links (the rename
 * breaks the link, like every editor that saves atomically), and ACLs/xattrs (not copied).
 */
import * as path from 'node:path';
import { KsError } from '../errors';
import type { FsOps } from './fs-ops';
import { isErrno, realFsOps } from './fs-ops';
import { ioError, step } from './io-error';
import type { LockOptions } from './lock';
import { withLock } from './lock';
import type { Manifest, ManifestFile } from './manifest';
import { COPIES_DIR, MANIFEST_NAME, MANIFEST_VERSION, copyName, readManifest, serializeManifest } from './manifest';
import {
  PARTIAL_SUFFIX,
  STATE_DIR,
  TMP_MARK,
  backupsDir,
  checkRelPath,
  newCheckpointId,
  resolveTarget,
  sha256,
  sha256OrNull,
  tmpName,
} from './paths';
import type { SignalMode } from './signals';
import { SignalGuard } from './signals';

export interface FileWrite {
  /** Relative to HOME, `/` separators. */
  path: string;
  /** The bytes the planner read; null = the file must not exist (the write creates it). */
  before: Buffer | null;
  /** The bytes to write; null = delete the file (used by restore to undo a creation). */
  after: Buffer | null;
  /** Permission bits to set. Default: the existing file's mode, or 0644 for a new file. */
  mode?: number;
}

export interface TransactionMeta {
  /** The command line as shown to the user (already masked). */
  command: string;
  /** Human-readable notes, already masked: never a password. */
  notes: string[];
}

export interface TransactionOptions extends LockOptions {
  /**
   * What to do after rolling back because of SIGINT/SIGTERM/SIGHUP: `exit` (default) exits the process
   * with 130/143/129; `throw` throws KsError ABORTED (for embedding and tests).
   */
  signals?: SignalMode;
  /**
   * In `exit` mode, called just before the process exits because of a signal, so the command can
   * say what happened: `id` is the checkpoint when the signal came after the commit point (the
   * change is applied), null when it was rolled back (`error` is the ABORTED error then).
   */
  onSignalExit?: (info: { signal: string; id: string | null; error: unknown }) => void;
}

export interface RecoverResult {
  /** Id of the interrupted checkpoint that was rolled back, or null if there was none. */
  rolledBack: string | null;
  /** Files whose originals were put back. */
  files: string[];
}

const rel = (...parts: string[]) => parts.join('/');
const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function sameBytes(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

async function readOrNull(fs: FsOps, abs: string, file: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(abs);
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return null;
    throw ioError(e, file, 'read');
  }
}

/** Write `data` to a temp file beside `target`, fsync, set mode/owner, rename over `target`, fsync the folder. */
async function atomicReplace(
  fs: FsOps,
  target: string,
  data: Buffer,
  mode: number,
  owner: { uid: number; gid: number } | null,
  file: string,
): Promise<void> {
  const tmp = tmpName(target);
  await step(file, 'write a temporary file beside', () => fs.writeFile(tmp, data, mode & 0o777));
  try {
    await step(file, 'flush a temporary file beside', () => fs.fsync(tmp));
    await step(file, 'set the mode of', () => fs.chmod(tmp, mode));
    if (owner && isRoot()) await step(file, 'set the owner of', () => fs.chown(tmp, owner.uid, owner.gid));
    await step(file, 'replace', () => fs.rename(tmp, target));
  } catch (e) {
    await fs.unlink(tmp).catch(() => {});
    throw e;
  }
  await step(file, 'flush the folder of', () => fs.fsync(path.dirname(target)));
}

async function removeFile(fs: FsOps, target: string, file: string): Promise<void> {
  await step(file, 'delete', () => fs.unlink(target).catch((e) => (isErrno(e, 'ENOENT') ? undefined : Promise.reject(e))));
  await step(file, 'flush the folder of', () => fs.fsync(path.dirname(target)));
}

/** Removes temp files a killed run may have left beside `target`. */
async function removeTemps(fs: FsOps, target: string): Promise<void> {
  const prefix = `.${path.basename(target)}${TMP_MARK}`;
  const names = await fs.readdir(path.dirname(target)).catch(() => [] as string[]);
  for (const n of names) if (n.startsWith(prefix)) await fs.unlink(path.join(path.dirname(target), n)).catch(() => {});
}

/**
 * Puts back the originals recorded in a partial checkpoint. `only` limits it to the files a live
 * transaction may have touched; after a crash every file is considered. Idempotent: a file already
 * equal to its original is skipped, so a crash during recovery is recovered by running it again.
 */
async function restoreOriginals(
  home: string,
  dir: string,
  m: Manifest,
  fs: FsOps,
  only: ReadonlySet<number> | null,
): Promise<string[]> {
  const realHome = await step('.', 'resolve HOME', () => fs.realpath(home));
  const restored: string[] = [];
  for (const [i, f] of m.files.entries()) {
    if (only && !only.has(i)) continue;
    const target = path.join(realHome, ...f.target.split('/'));
    await removeTemps(fs, target);
    const current = await readOrNull(fs, target, f.path);
    if (sha256OrNull(current) === f.sha256Before) continue;
    if (f.created) {
      await removeFile(fs, target, f.path);
    } else {
      const copyRel = rel(STATE_DIR, 'backups', path.basename(dir), f.copy ?? '');
      const copy = await step(copyRel, 'read the backup copy', () => fs.readFile(path.join(dir, f.copy ?? '')));
      if (sha256(copy) !== f.sha256Before) {
        throw new KsError('IO', `the backup copy of ${f.path} is damaged (its sha256 does not match the manifest)`, {
          file: copyRel,
        });
      }
      await atomicReplace(fs, target, copy, f.mode, { uid: f.uid, gid: f.gid }, f.path);
    }
    restored.push(f.path);
  }
  return restored;
}

/** Deletes a partial checkpoint: manifest first, so a crash halfway leaves "nothing to restore". */
async function removePartial(home: string, dir: string, fs: FsOps): Promise<void> {
  const file = rel(STATE_DIR, 'backups', path.basename(dir));
  await step(file, 'remove', async () => {
    await fs.unlink(path.join(dir, MANIFEST_NAME)).catch((e) => (isErrno(e, 'ENOENT') ? undefined : Promise.reject(e)));
    await fs.rmTree(dir);
    await fs.fsync(backupsDir(home));
  });
}

async function partialDirs(home: string, fs: FsOps): Promise<string[]> {
  try {
    const names = await fs.readdir(backupsDir(home));
    return names.filter((n) => n.endsWith(PARTIAL_SUFFIX)).sort();
  } catch (e) {
    if (isErrno(e, 'ENOENT', 'ENOTDIR')) return [];
    throw ioError(e, rel(STATE_DIR, 'backups'), 'list');
  }
}

/** Must be called with the lock held. */
async function recoverLocked(home: string, fs: FsOps): Promise<RecoverResult> {
  const result: RecoverResult = { rolledBack: null, files: [] };
  for (const name of await partialDirs(home, fs)) {
    const dir = path.join(backupsDir(home), name);
    const m = await step(rel(STATE_DIR, 'backups', name, MANIFEST_NAME), 'read', () => readManifest(fs, dir));
    if (m) result.files.push(...(await restoreOriginals(home, dir, m, fs, null)));
    await removePartial(home, dir, fs);
    result.rolledBack = name.slice(0, -PARTIAL_SUFFIX.length);
  }
  return result;
}

/**
 * If a previous run died mid-transaction, put every original back and remove its partial checkpoint.
 * Every command calls this first. Creates nothing when there is nothing to recover (dry runs stay clean).
 * If another live wso2-keystore holds the lock, its `.partial` is its work in progress: LOCKED, untouched.
 */
export async function recoverUnfinished(home: string, opts: LockOptions = {}): Promise<RecoverResult> {
  const fs = opts.fsOps ?? realFsOps;
  if ((await partialDirs(home, fs)).length === 0) return { rolledBack: null, files: [] };
  return withLock(home, () => recoverLocked(home, fs), opts);
}

interface Prepared {
  w: FileWrite;
  target: string;
  targetRel: string;
  current: Buffer | null;
  mode: number;
  uid: number;
  gid: number;
}

function changedError(file: string): KsError {
  return new KsError('FILE_CHANGED', 'was changed on disk after it was read; nothing was written', {
    file,
    hint: 'Someone edited it meanwhile. Run the command again so it plans against the current file.',
  });
}

export async function applyTransaction(
  home: string,
  writes: FileWrite[],
  meta: TransactionMeta,
  opts: TransactionOptions = {},
): Promise<{ id: string }> {
  const fs = opts.fsOps ?? realFsOps;
  if (writes.length === 0) throw new Error('applyTransaction: no writes');
  const paths = new Set<string>();
  for (const w of writes) {
    checkRelPath(w.path);
    if (paths.has(w.path)) throw new Error(`applyTransaction: ${w.path} appears twice`);
    if (w.before === null && w.after === null) throw new Error(`applyTransaction: ${w.path} has neither before nor after`);
    paths.add(w.path);
  }

  const guard = new SignalGuard();
  let done: { id: string } | null = null;
  let failure: unknown = null;
  try {
    done = await withLock(
      home,
      async () => {
        const recovered = await recoverLocked(home, fs);
        if (recovered.rolledBack) {
          opts.onNotice?.(`Rolled back interrupted checkpoint ${recovered.rolledBack} first.`);
        }
        return await run(home, fs, writes, meta, guard);
      },
      opts,
    );
    return done;
  } catch (e) {
    failure = e;
    throw e;
  } finally {
    guard.dispose();
    const code = guard.exitCode();
    if (code !== null && (opts.signals ?? 'exit') === 'exit') {
      try {
        opts.onSignalExit?.({ signal: guard.signal!, id: done?.id ?? null, error: failure });
      } finally {
        process.exit(code);
      }
    }
  }
}

async function run(
  home: string,
  fs: FsOps,
  writes: FileWrite[],
  meta: TransactionMeta,
  guard: SignalGuard,
): Promise<{ id: string }> {
  const realHome = await step('.', 'resolve HOME', () => fs.realpath(home));

  // 1. Resolve and verify every file before anything is created.
  const prepared: Prepared[] = [];
  const targets = new Set<string>();
  for (const w of writes) {
    guard.check();
    const target = await resolveTarget(home, w.path, fs);
    if (targets.has(target)) throw new Error(`applyTransaction: two writes resolve to the same file (${w.path})`);
    targets.add(target);
    const current = await readOrNull(fs, target, w.path);
    if (!sameBytes(current, w.before)) throw changedError(w.path);
    const st = await step(w.path, 'inspect', () => fs.stat(current === null ? path.dirname(target) : target));
    prepared.push({
      w,
      target,
      targetRel: path.relative(realHome, target).split(path.sep).join('/'),
      current,
      mode: w.mode ?? (current === null ? 0o644 : st.mode & 0o7777),
      uid: st.uid,
      gid: st.gid,
    });
  }

  // 2. Build the partial checkpoint: copies, then the manifest, all fsynced.
  let id = newCheckpointId();
  while (await fs.stat(path.join(backupsDir(home), id)).then(() => true, () => false)) id = newCheckpointId();
  const partialName = id + PARTIAL_SUFFIX;
  const partial = path.join(backupsDir(home), partialName);
  const partialRel = rel(STATE_DIR, 'backups', partialName);
  const manifest: Manifest = {
    version: MANIFEST_VERSION,
    id,
    time: new Date().toISOString(),
    command: meta.command,
    notes: [...meta.notes],
    files: prepared.map(
      (p, i): ManifestFile => ({
        path: p.w.path,
        target: p.targetRel,
        mode: p.mode,
        uid: p.uid,
        gid: p.gid,
        sha256Before: sha256OrNull(p.current),
        sha256After: sha256OrNull(p.w.after),
        created: p.current === null,
        deleted: p.w.after === null,
        copy: p.current === null ? null : copyName(i, p.w.path),
      }),
    ),
  };

  const finalDir = path.join(backupsDir(home), id);
  let committed = false;
  let created = false;
  let manifestDurable = false;
  const touched = new Set<number>();
  try {
    await step(partialRel, 'create checkpoint folder', async () => {
      await fs.mkdir(partial, 0o700);
      created = true;
      await fs.mkdir(path.join(partial, COPIES_DIR), 0o700);
    });
    for (const [i, p] of prepared.entries()) {
      guard.check();
      const f = manifest.files[i]!;
      if (p.current === null || f.copy === null) continue;
      const copyAbs = path.join(partial, f.copy);
      await step(rel(partialRel, f.copy), `back up ${p.w.path} to`, async () => {
        await fs.writeFile(copyAbs, p.current!, 0o600);
        await fs.chmod(copyAbs, p.mode);
        await fs.fsync(copyAbs);
      });
    }
    await step(rel(partialRel, MANIFEST_NAME), 'write', async () => {
      await fs.fsync(path.join(partial, COPIES_DIR));
      await fs.writeFile(path.join(partial, MANIFEST_NAME), serializeManifest(manifest), 0o600);
      await fs.fsync(path.join(partial, MANIFEST_NAME));
      await fs.fsync(partial);
      await fs.fsync(backupsDir(home));
    });
    manifestDurable = true;

    // 3. Replace the files one by one.
    for (const [i, p] of prepared.entries()) {
      guard.check();
      // Last look before writing: the lock keeps other wso2-keystore runs out, not editors.
      const now = await readOrNull(fs, p.target, p.w.path);
      if (!sameBytes(now, p.current)) throw changedError(p.w.path);
      touched.add(i);
      if (p.w.after === null) await removeFile(fs, p.target, p.w.path);
      else await atomicReplace(fs, p.target, p.w.after, p.mode, { uid: p.uid, gid: p.gid }, p.w.path);
    }
    guard.check();

    // 4. Commit.
    await step(partialRel, 'commit checkpoint', () => fs.rename(partial, finalDir));
    committed = true;
    // If this fsync fails the commit may not survive a power cut: un-commit and roll back rather
    // than report a success that could turn into a half-applied state.
    await step(rel(STATE_DIR, 'backups', id), 'flush the commit of', () => fs.fsync(backupsDir(home)));
    return { id };
  } catch (e) {
    const err = ioError(e, partialRel, 'write');
    try {
      if (committed) await step(partialRel, 'un-commit checkpoint', () => fs.rename(finalDir, partial));
      if (manifestDurable) await restoreOriginals(home, partial, manifest, fs, touched);
      if (created) await removePartial(home, partial, fs);
    } catch (rollbackErr) {
      throw new KsError(
        'IO',
        `${err.file ? `${err.file}: ` : ''}${err.message}; rolling back also failed ` +
          `(${rollbackErr instanceof KsError ? rollbackErr.describe() : String(rollbackErr)})`,
        {
          file: partialRel,
          cause: err,
          hint: `The originals are kept in ${partialRel}/; the next wso2-keystore command puts them back, or copy them by hand (see docs/backups.md).`,
        },
      );
    }
    throw err;
  }
}
