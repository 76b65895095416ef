/**
 * One writer per HOME: `<HOME>/.wso2-keystore/lock`, created exclusively and whole (written under a
 * name of its own, then linked into place), holding pid, hostname and time.
 *
 * - A lock whose pid is not alive on this host is stale (the process died): it is taken over, and
 *   `onNotice` says so. A live one, or one from another host (shared disk), is refused with LOCKED.
 * - The lock is removed in `finally`, so an error never leaves it behind; only SIGKILL or a power cut
 *   can, and the next run takes it over.
 * - Not handled: pid reuse (a stale lock whose pid now belongs to an unrelated process reads as live;
 *   the message says how to remove it), and two processes taking over the same stale lock in the
 *   same instant (we re-check what we moved aside and put a live lock back, which narrows but does
 *   not close that window).
 */
import * as path from 'node:path';
import { KsError } from '../errors';
import type { FsOps } from './fs-ops';
import { isErrno, realFsOps } from './fs-ops';
import { ioError } from './io-error';
import { STATE_DIR, ensureStateDirs, nodeCrypto, removeIfEmpty, stateDir } from './paths';

/** node:os on first use, like node:crypto (paths.ts): only a run that takes the lock needs it. */
const hostname = (): string => (require('node:os') as typeof import('node:os')).hostname();

export interface LockOptions {
  fsOps?: FsOps;
  /** Told about things the user should know that are not errors (e.g. a stale lock taken over). */
  onNotice?: (msg: string) => void;
}

export interface LockInfo {
  pid: number;
  hostname: string;
  time: string;
}

const LOCK_REL = `${STATE_DIR}/lock`;
/** An unreadable lock younger than this may be one another process is writing right now (a version
 * of this tool that wrote the lock in place; this one never shows a half-written lock). */
const FRESH_MS = 5000;

export const lockPath = (home: string) => path.join(stateDir(home), 'lock');

export async function withLock<T>(home: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const fs = opts.fsOps ?? realFsOps;
  const created = await ensureStateDirs(home, fs);
  let mine: Buffer;
  try {
    mine = await acquire(home, fs, opts.onNotice ?? (() => {}));
    await removeLeftovers(home, fs);
  } catch (e) {
    await removeIfEmpty(created, fs);
    throw e;
  }
  try {
    return await fn();
  } finally {
    await release(home, fs, mine);
    // A run that kept nothing (a failed apply, a stale-lock clean-up) leaves no state folder behind.
    await removeIfEmpty(created, fs);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return isErrno(e, 'EPERM'); // exists, owned by someone else
  }
}

function parse(buf: Buffer): LockInfo | null {
  try {
    const v = JSON.parse(buf.toString('utf8')) as Partial<LockInfo>;
    return typeof v.pid === 'number' && typeof v.hostname === 'string' ? (v as LockInfo) : null;
  } catch {
    return null;
  }
}

async function acquire(home: string, fs: FsOps, notice: (m: string) => void): Promise<Buffer> {
  const file = lockPath(home);
  const content = Buffer.from(
    JSON.stringify({ pid: process.pid, hostname: hostname(), time: new Date().toISOString() }) + '\n',
  );
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await create(fs, file, content)) return content;
    let seen: Buffer;
    try {
      seen = await fs.readFile(file);
    } catch (e) {
      if (isErrno(e, 'ENOENT')) continue; // released meanwhile
      throw ioError(e, LOCK_REL, 'read lock');
    }
    const info = parse(seen);
    if (info === null) {
      const age = await fs.stat(file).then((s) => Date.now() - s.mtimeMs, () => Infinity);
      if (age < FRESH_MS) throw locked('another wso2-keystore is taking the lock on this home right now');
    } else if (info.hostname !== hostname()) {
      throw locked(`a wso2-keystore on host ${info.hostname} (pid ${info.pid}) is working on this home`);
    } else if (alive(info.pid)) {
      throw locked(`another wso2-keystore (pid ${info.pid}) is working on this home`);
    }
    // Stale: move it aside, check that what we moved is what we judged stale, then retry the create.
    const aside = `${file}.stale-${nodeCrypto().randomBytes(4).toString('hex')}`;
    try {
      await fs.rename(file, aside);
    } catch (e) {
      if (isErrno(e, 'ENOENT')) continue;
      throw ioError(e, LOCK_REL, 'take over stale lock');
    }
    const moved = await fs.readFile(aside).catch(() => null);
    if (moved !== null && !moved.equals(seen)) {
      // We raced another takeover and moved its fresh lock: put it back if the slot is still free.
      await fs.rename(aside, file).catch(() => {});
      throw locked('another wso2-keystore is taking the lock on this home right now');
    }
    await fs.unlink(aside).catch(() => {});
    notice(
      info === null
        ? 'Removed an unreadable lock left by a wso2-keystore that was interrupted.'
        : `Took over a stale lock left by wso2-keystore pid ${info.pid} (no longer running).`,
    );
  }
  throw locked('could not take the lock after several attempts');
}

/**
 * Creates the lock with its content in one step: written under a name of this process's own, then
 * linked to the lock's name, which fails if a lock is there. A plain exclusive create leaves an
 * empty lock if the process is killed between creating and writing it, which others must then take
 * for one being written (FRESH_MS); a link never shows a half-made lock. False: a lock is there.
 */
async function create(fs: FsOps, file: string, content: Buffer): Promise<boolean> {
  const own = `${file}.new-${process.pid}-${nodeCrypto().randomBytes(4).toString('hex')}`;
  try {
    await fs.writeFile(own, content, 0o600);
  } catch (e) {
    throw ioError(e, LOCK_REL, 'create lock');
  }
  try {
    await fs.link(own, file);
    return true;
  } catch (e) {
    if (isErrno(e, 'EEXIST')) return false;
    throw ioError(e, LOCK_REL, 'create lock');
  } finally {
    await fs.unlink(own).catch(() => {});
  }
}

/** `lock.new-<pid>-…` names left by a run killed while creating its lock (create), whose process is gone. */
async function removeLeftovers(home: string, fs: FsOps): Promise<void> {
  const names = await fs.readdir(stateDir(home)).catch(() => [] as string[]);
  for (const n of names) {
    const m = /^lock\.new-(\d+)-[0-9a-f]+$/.exec(n);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) await fs.unlink(path.join(stateDir(home), n)).catch(() => {});
  }
}

async function release(home: string, fs: FsOps, mine: Buffer): Promise<void> {
  const file = lockPath(home);
  // Remove it only if it is still ours (a human may have removed it and another run taken it).
  const now = await fs.readFile(file).catch(() => null);
  if (now !== null && now.equals(mine)) await fs.unlink(file).catch(() => {});
}

function locked(msg: string): KsError {
  return new KsError('LOCKED', msg, {
    file: LOCK_REL,
    hint: `If you are sure no wso2-keystore is running, remove ${LOCK_REL} and run again.`,
  });
}
