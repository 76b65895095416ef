/**
 * What a checkpoint folder holds (`backups/<id>/`):
 *   manifest.json   this record (never a password: notes arrive already masked)
 *   files/<n>-<name> a byte copy of each original that existed, flat so one folder fsync makes them durable
 * A folder named `<id>.partial` is a transaction in progress (or interrupted). Its manifest is written and
 * fsynced before any config file is touched, so "no readable manifest" means "nothing was touched".
 */
import * as path from 'node:path';
import type { FsOps } from './fs-ops';
import { isErrno } from './fs-ops';

export const MANIFEST_VERSION = 1;
export const MANIFEST_NAME = 'manifest.json';
export const COPIES_DIR = 'files';

export interface ManifestFile {
  /** As given by the caller: relative to HOME, `/` separators. */
  path: string;
  /** The file actually written, relative to the real HOME; differs from `path` when `path` is a symlink. */
  target: string;
  /** Permission bits the original had (or that a created file got). */
  mode: number;
  /** Owner of the original (or of the folder a created file went into). */
  uid: number;
  gid: number;
  sha256Before: string | null;
  sha256After: string | null;
  /** The file did not exist before: restoring deletes it. */
  created: boolean;
  /** The write deleted the file (only restores do this): restoring re-creates it. */
  deleted: boolean;
  /** The copy of the original inside the checkpoint folder (`files/<n>-<name>`), null when `created`. */
  copy: string | null;
}

export interface Manifest {
  version: number;
  id: string;
  /** ISO 8601, UTC. */
  time: string;
  command: string;
  notes: string[];
  files: ManifestFile[];
}

/** A committed checkpoint, as `listCheckpoints` reports it. */
export type Checkpoint = Manifest;

export const copyName = (index: number, rel: string) => `${COPIES_DIR}/${index}-${path.posix.basename(rel)}`;

export function serializeManifest(m: Manifest): Buffer {
  return Buffer.from(JSON.stringify(m, null, 2) + '\n', 'utf8');
}

/** Null when the manifest is missing or unreadable (a transaction that died before touching anything). */
export async function readManifest(fs: FsOps, dir: string): Promise<Manifest | null> {
  let raw: Buffer;
  try {
    raw = await fs.readFile(path.join(dir, MANIFEST_NAME));
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return null;
    throw e;
  }
  try {
    const m = JSON.parse(raw.toString('utf8')) as Manifest;
    if (typeof m !== 'object' || m === null || typeof m.id !== 'string' || !Array.isArray(m.files)) return null;
    return m;
  } catch {
    return null;
  }
}
