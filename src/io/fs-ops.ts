/**
 * The one seam between this layer and the file system. Everything under src/io goes through an
 * `FsOps`, so tests can make the k-th write, fsync or rename fail (or kill the process there)
 * and prove that no mix of old and new files is ever left behind.
 *
 * Operations are path-based on purpose: a fault injector only has to count calls by name.
 * `fsync` opens the path read-only and syncs it; on Linux that flushes the inode whatever fd wrote
 * it, and it works for folders too (needed to make a rename durable).
 */
import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/**
 * node:fs/promises on first use: it brings node's file streams and readline with it (~2 ms in a fresh
 * process), and most runs (scan, a dry run, the wizard up to its first question) never write.
 */
let promises: typeof import('node:fs/promises') | undefined;
const fsp = (): typeof import('node:fs/promises') => (promises ??= require('node:fs/promises') as typeof import('node:fs/promises'));

export interface FsOps {
  readFile(path: string): Promise<Buffer>;
  /** Create a new file (fails with EEXIST if it exists); `mode` is subject to the umask. Does not fsync. */
  writeFile(path: string, data: Buffer, mode: number): Promise<void>;
  /** Flush a file's or a folder's data and metadata to disk. */
  fsync(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** A second name for a file; fails with EEXIST if `to` exists (an exclusive create with content). */
  link(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  chown(path: string, uid: number, gid: number): Promise<void>;
  /** Create one folder (not recursive); EEXIST if it exists. */
  mkdir(path: string, mode: number): Promise<void>;
  /** Remove a folder and everything in it; no error if it is missing. */
  rmTree(path: string): Promise<void>;
  /** Remove an empty folder; fails (ENOTEMPTY) if anything is in it, whatever was there a moment before. */
  rmdir(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
  stat(path: string): Promise<Stats>;
  lstat(path: string): Promise<Stats>;
  realpath(path: string): Promise<string>;
}

export const realFsOps: FsOps = {
  readFile: (p) => fsp().readFile(p),
  async writeFile(p, data, mode) {
    const fh = await fsp().open(p, 'wx', mode);
    try {
      await fh.writeFile(data);
    } finally {
      await fh.close();
    }
  },
  async fsync(p) {
    let fh: FileHandle;
    try {
      fh = await fsp().open(p, 'r');
    } catch (e) {
      // Windows cannot open a folder; folder fsync is a POSIX notion there anyway.
      if (process.platform === 'win32' && isErrno(e, 'EISDIR', 'EPERM', 'EACCES')) return;
      throw e;
    }
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  },
  rename: (a, b) => fsp().rename(a, b),
  link: (a, b) => fsp().link(a, b),
  unlink: (p) => fsp().unlink(p),
  chmod: (p, m) => fsp().chmod(p, m),
  chown: (p, u, g) => fsp().chown(p, u, g),
  mkdir: async (p, m) => {
    await fsp().mkdir(p, { mode: m });
  },
  rmTree: (p) => fsp().rm(p, { recursive: true, force: true }),
  rmdir: (p) => fsp().rmdir(p),
  readdir: (p) => fsp().readdir(p),
  stat: (p) => fsp().stat(p),
  lstat: (p) => fsp().lstat(p),
  realpath: (p) => fsp().realpath(p),
};

export function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string'
    ? (e as { code: string }).code
    : undefined;
}

export function isErrno(e: unknown, ...codes: string[]): boolean {
  const c = errnoCode(e);
  return c !== undefined && codes.includes(c);
}
