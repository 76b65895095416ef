/**
 * Where state lives and how a HOME-relative config path becomes the file we really write.
 *
 * Layout: `<HOME>/.wso2-keystore/` (0700) holds `lock` and `backups/` (0700), one folder per
 * checkpoint. Nothing here is created until a write happens (dry runs leave HOME untouched).
 */
import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import { KsError } from '../errors';
import type { FsOps } from './fs-ops';
import { isErrno, realFsOps } from './fs-ops';
import { ioError, step } from './io-error';

/** node:crypto on first use (also for lock.ts): `scan` and the wizard's first screen never need it, and loading it takes ~4 ms. */
export const nodeCrypto = (): typeof import('node:crypto') => require('node:crypto') as typeof import('node:crypto');

export const STATE_DIR = '.wso2-keystore';
export const BACKUPS_DIR = 'backups';
export const PARTIAL_SUFFIX = '.partial';
export const TMP_MARK = '.wso2ks-tmp-';

export const stateDir = (home: string) => path.join(home, STATE_DIR);
export const backupsDir = (home: string) => path.join(home, STATE_DIR, BACKUPS_DIR);

/**
 * Creates `.wso2-keystore/` and `backups/` with mode 0700 (chmod too: mkdir's mode obeys the umask).
 * Returns the folders this call created, outermost first, so a run that ends with nothing to keep can
 * take them away again (`removeIfEmpty`).
 */
export async function ensureStateDirs(home: string, fs: FsOps): Promise<string[]> {
  const created: string[] = [];
  for (const dir of [stateDir(home), backupsDir(home)]) {
    const rel = path.relative(home, dir);
    await step(rel, 'create folder', async () => {
      try {
        await fs.mkdir(dir, 0o700);
        created.push(dir);
        await fs.chmod(dir, 0o700);
        await fs.fsync(path.dirname(dir));
      } catch (e) {
        if (!isErrno(e, 'EEXIST')) throw e;
      }
    });
  }
  return created;
}

/**
 * Removes the state folders a run created, innermost first, where they are empty — only when the run
 * created `.wso2-keystore/` itself (a home that had one keeps its layout). Best effort. rmdir, which
 * refuses a folder that is not empty, rather than a look then a recursive remove: another run may
 * create its lock or checkpoint in between, and that must never be taken with the folder.
 */
export async function removeIfEmpty(dirs: readonly string[], fs: FsOps): Promise<void> {
  if (dirs.length === 0 || dirs[0] !== stateDir(path.dirname(dirs[0]))) return;
  for (const dir of [...dirs].reverse()) {
    try {
      await fs.rmdir(dir);
    } catch {
      return; // not empty (or already gone): leave it, and its parent
    }
  }
}

/** Sortable UTC time plus a short random part, e.g. `20261125T193712Z-3f9a`. */
export function newCheckpointId(now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${t}-${nodeCrypto().randomBytes(2).toString('hex')}`;
}

export const sha256 = (b: Buffer) => nodeCrypto().createHash('sha256').update(b).digest('hex');
export const sha256OrNull = (b: Buffer | null) => (b === null ? null : sha256(b));

export const tmpName = (target: string) =>
  path.join(path.dirname(target), `.${path.basename(target)}${TMP_MARK}${nodeCrypto().randomBytes(4).toString('hex')}`);

/** Checks a HOME-relative path is relative, uses `/`, and stays inside HOME. Programming errors throw plain Error. */
export function checkRelPath(rel: string): void {
  if (rel === '' || path.isAbsolute(rel) || rel.includes('\\') || rel.split('/').some((s) => s === '..' || s === '.' || s === '')) {
    throw new Error(`not a clean HOME-relative path: ${JSON.stringify(rel)}`);
  }
  if (rel.split('/')[0] === STATE_DIR) throw new Error(`refusing to write inside ${STATE_DIR}: ${rel}`);
}

/** Whether a path relative to a root stays under it. A folder named `..keys` does: only `..` and `../` climb out. */
const staysUnder = (r: string) => r !== '..' && !r.startsWith(`..${path.sep}`) && !path.isAbsolute(r);

/** Whether `p` is `root` or under it (both absolute). */
export const isInside = (root: string, p: string) => {
  const r = path.relative(root, p);
  return r === '' || staysUnder(r);
};

/** `p` relative to `root` as text, with `/` separators, when it lies under it (not `root` itself); null otherwise. */
const relativeUnder = (root: string, p: string): string | null => {
  const r = path.relative(root, p);
  return r !== '' && staysUnder(r) ? r.split(path.sep).join('/') : null;
};

/** The real path, or the path as given when it does not exist (yet). */
const realOrGiven = (p: string): string => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

/**
 * `p` relative to HOME (`root`), with `/` separators, when it lies under it (not HOME itself); null
 * otherwise. The one rule for "is this inside HOME": a folder on `p`'s way is HOME itself, compared
 * as real paths. So HOME named through a symlink (/opt/wso2 -> /opt/wso2is-5.11.0) and HOME as the
 * current directory (which node reports as the real path) give the same answer for the same `p`,
 * however `p` names it. Symlinks below that folder are not followed: a keystore linked into HOME
 * from elsewhere is still named by its place in HOME, as the server will name it.
 */
export const homeRelative = (root: string, p: string): string | null => {
  const r = relativeUnder(root, p);
  if (r !== null) return r; // the common case, with no file system call
  const realRoot = realOrGiven(root);
  for (let dir = path.dirname(p); ; dir = path.dirname(dir)) {
    if (realOrGiven(dir) === realRoot) return relativeUnder(dir, p);
    if (dir === path.dirname(dir)) return null;
  }
};

/**
 * The absolute file to write for `rel`. A symlink (or a symlinked folder on the way) is followed only
 * if the real path stays inside HOME: then we write the target and keep the link. A file that does
 * not exist yet resolves through its parent folder, which must exist.
 */
export async function resolveTarget(home: string, rel: string, fs: FsOps): Promise<string> {
  checkRelPath(rel);
  const abs = path.join(home, ...rel.split('/'));
  const realHome = await step('.', 'resolve HOME', () => fs.realpath(home));
  let real: string;
  try {
    real = await fs.realpath(abs);
  } catch (e) {
    if (!isErrno(e, 'ENOENT')) throw ioError(e, rel, 'resolve path');
    // Dangling symlink: its target is what we would create, so check where it points.
    const isLink = await fs.lstat(abs).then((s) => s.isSymbolicLink(), () => false);
    if (isLink) {
      throw new KsError('FILE_SYMLINK', 'is a symlink whose target does not exist', { file: rel });
    }
    const parent = await step(rel, 'find the folder of', () => fs.realpath(path.dirname(abs)));
    real = path.join(parent, path.basename(abs));
  }
  if (!isInside(realHome, real)) {
    throw new KsError('FILE_SYMLINK', `is a symlink that points outside HOME (to ${real}); it is not changed`, {
      file: rel,
      hint:
        'Edit the real file, or make it a regular file inside HOME. If it is mounted from a Kubernetes ConfigMap, ' +
        'change the ConfigMap instead.',
    });
  }
  return real;
}

/**
 * Resolves every file a write of `rels` would touch, in order, and throws what the write would
 * (FILE_SYMLINK, …): a dry run or a preview must refuse where the apply refuses, not report a change
 * it can never make. Writes nothing.
 */
export async function checkTargets(home: string, rels: readonly string[], fs: FsOps = realFsOps): Promise<void> {
  for (const rel of rels) await resolveTarget(home, rel, fs);
}
