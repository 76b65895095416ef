/** Read every config file a layout names, once, for the planner. */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KsError } from '../errors';
import { managedFiles, type HomeLayout } from './layout';

/**
 * The largest config file we read. Real WSO2 config files are under 200 KB; a file of hundreds of MB
 * is not one, and reading, parsing and backing it up would take seconds and gigabytes of memory.
 */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/**
 * The managed config files' bytes, by home-relative path. Read synchronously, one after the other:
 * about ten small files, and nothing else for the process to do meanwhile; each promise-based read
 * costs four round trips through libuv's thread pool (open, fstat, read, close), ~0.5 ms each in a
 * fresh process. The size is checked on the open file before it is read.
 */
export async function readHomeFiles(layout: HomeLayout): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const rel of managedFiles(layout)) out.set(rel, readConfigFile(layout.home, rel));
  return out;
}

function readConfigFile(home: string, rel: string): Buffer {
  let fd: number;
  try {
    fd = openSync(join(home, rel), 'r');
  } catch (e) {
    throw unreadable(rel, e);
  }
  try {
    let size = 0;
    try {
      size = fstatSync(fd).size;
    } catch {
      /* the read below reports it */
    }
    if (size > MAX_CONFIG_BYTES) {
      throw new KsError('FILE_TOO_LARGE', `is ${(size / 1024 / 1024).toFixed(0)} MB, more than the ${MAX_CONFIG_BYTES / 1024 / 1024} MB this tool reads in a config file`, {
        file: rel,
        hint: 'WSO2 config files are well under 1 MB: check that this is the right file (not a log or a dump pasted into it).',
      });
    }
    try {
      return readFileSync(fd);
    } catch (e) {
      throw unreadable(rel, e);
    }
  } finally {
    closeSync(fd);
  }
}

const unreadable = (rel: string, e: unknown) =>
  new KsError('FILE_UNREADABLE', `cannot read ${rel}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: rel, cause: e });
