/**
 * For every k: make the k-th call of one fs operation fail, and prove the home is exactly as before
 * (same bytes, same modes, no temp files), with no partial checkpoint and no lock left.
 * k runs from 1 until an apply no longer reaches a k-th call, so every step is covered,
 * including the lock, the backup copies, the manifest, each file replace and the commit.
 */
import { KsError } from '../../src/errors';
import { applyTransaction, listCheckpoints, restoreCheckpoint } from '../../src/io';
import type { CountedOp } from './helpers';
import { failingFs, lockExists, makeHome, plannedWrites, removeHome, snapshot, stateEntries } from './helpers';

const meta = { command: 'apply', notes: [] };
const OPS: CountedOp[] = ['writeFile', 'fsync', 'rename', 'chmod', 'mkdir'];

describe.each(OPS)('the k-th %s fails', (op) => {
  test('apply: error thrown, every file original, no partial checkpoint, no lock, no temp file', async () => {
    let k = 1;
    for (; k < 200; k++) {
      const home = makeHome();
      try {
        const original = snapshot(home);
        const fs = failingFs(op, k);
        const result = await applyTransaction(home, plannedWrites(home), meta, { fsOps: fs, signals: 'throw' }).then(
          (r) => r,
          (e: unknown) => e,
        );
        if (!fs.fired()) {
          // Past the last call: the apply must have succeeded normally.
          expect(result).toHaveProperty('id');
          break;
        }
        expect(result).toBeInstanceOf(KsError);
        expect((result as KsError).code).toBe('IO');
        expect((result as KsError).message).toContain('EIO');
        expect({ k, state: snapshot(home) }).toEqual({ k, state: original });
        expect({ k, backups: stateEntries(home) }).toEqual({ k, backups: [] });
        expect({ k, lock: lockExists(home) }).toEqual({ k, lock: false });
      } finally {
        removeHome(home);
      }
    }
    // Sanity: the loop really exercised several steps (an apply of 3 files makes many of these calls).
    expect(k).toBeGreaterThan(op === 'mkdir' ? 2 : 3);
  });

  test('restore: a failing restore leaves the applied files and the checkpoint list as they were', async () => {
    for (let k = 1; k < 200; k++) {
      const home = makeHome();
      try {
        const { id } = await applyTransaction(home, plannedWrites(home), meta, { signals: 'throw' });
        const applied = snapshot(home);
        const fs = failingFs(op, k);
        const result = await restoreCheckpoint(home, id, { fsOps: fs, signals: 'throw' }).then(
          (r) => r,
          (e: unknown) => e,
        );
        if (!fs.fired()) break;
        expect(result).toBeInstanceOf(KsError);
        expect({ k, state: snapshot(home) }).toEqual({ k, state: applied });
        expect({ k, ids: (await listCheckpoints(home)).checkpoints.map((c) => c.id) }).toEqual({ k, ids: [id] });
        expect({ k, backups: stateEntries(home) }).toEqual({ k, backups: [id] });
        expect(lockExists(home)).toBe(false);
      } finally {
        removeHome(home);
      }
    }
  });
});

test.each([
  ['EACCES', 'FILE_NOT_WRITABLE', 'permission denied'],
  ['EROFS', 'FILE_NOT_WRITABLE', 'read-only file system'],
  ['ENOSPC', 'IO', 'disk full'],
])('%s while replacing a config file → %s "%s", naming the file, nothing changed', async (code, ksCode, words) => {
  // Tests run as root, where chmod 0444 does not stop writes, and a read-only bind mount needs
  // privileges the test box may not have; so the errno is injected through FsOps instead.
  const home = makeHome();
  try {
    const original = snapshot(home);
    // The 1st rename is the first temp → config file replace (the lock and copies are created, not renamed).
    const err = (await applyTransaction(home, plannedWrites(home), meta, {
      fsOps: failingFs('rename', 1, code),
      signals: 'throw',
    }).then(
      () => null,
      (e: unknown) => e,
    )) as KsError;
    expect(err).toBeInstanceOf(KsError);
    expect(err.code).toBe(ksCode);
    expect(err.message).toContain(words);
    expect(err.file).toBe('repository/conf/carbon.xml');
    expect(snapshot(home)).toEqual(original);
    expect(stateEntries(home)).toEqual([]);
    expect(lockExists(home)).toBe(false);
  } finally {
    removeHome(home);
  }
});
