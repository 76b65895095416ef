/**
 * The k-th file-system call fails, for every k, through the whole apply path: plan file → keystore
 * checks → change set → applyTransaction (the real one, on a copy of EI 6.2.0 with a keytool-made
 * keystore), called by applyCommand exactly as the CLI calls it. The only seam is src/io's export of
 * applyTransaction, wrapped here to pass an FsOps that counts mutating calls and fails the k-th.
 *
 * - transient: only call k fails (EIO, ENOSPC, EACCES, EROFS in turn). Exit 1 and every file as it
 *   was, no checkpoint, no lock, no temp file; the error names a file and the errno. (Exit 0 only if
 *   the failing call's error is ignored by design, and then every file is applied.)
 * - persistent: every call from k on fails (the disk went read-only), so the rollback fails too.
 *   Then the process "dies" (its lock is made stale) and the next command (`backups`, real fs)
 *   must leave every file original, or wholly applied when the commit rename had already happened.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { applyCommand } from '../../src/cli/commands/apply';
import { backupsCommand } from '../../src/cli/commands/backups';
import { memoryIo } from '../helpers/io';
import { describeWithKeytool } from '../helpers/keytool';
import { ENV, basePlan, hashTree, leakedSecrets, makeHome, makeKeystores, manifests, writePlan, type Keystores } from './helpers';

const mockFault = { failAt: 0, persistent: false, errno: 'EIO', calls: 0, failed: [] as string[] };

jest.mock('../../src/io', () => {
  const actual = jest.requireActual('../../src/io');
  const ops: Record<string, unknown> = { ...actual.realFsOps };
  for (const op of ['writeFile', 'fsync', 'rename', 'unlink', 'chmod', 'chown', 'mkdir', 'rmTree']) {
    ops[op] = async (...args: unknown[]) => {
      const n = ++mockFault.calls;
      if (mockFault.failAt && (n === mockFault.failAt || (mockFault.persistent && n > mockFault.failAt))) {
        mockFault.failed.push(`${op} ${String(args[0])}`);
        throw Object.assign(new Error(`${mockFault.errno}: injected failure, ${op} '${String(args[0])}'`), {
          code: mockFault.errno,
          syscall: op,
          path: args[0],
        });
      }
      return actual.realFsOps[op](...args);
    };
  }
  return {
    ...actual,
    applyTransaction: (home: string, writes: unknown, meta: unknown, opts: Record<string, unknown> = {}) =>
      actual.applyTransaction(home, writes, meta, { ...opts, fsOps: ops, signals: 'throw' }),
  };
});

const ERRNOS = ['EIO', 'ENOSPC', 'EACCES', 'EROFS'];
/** How src/io/io-error.ts words each errno (the JSON code is the stable part). */
const SAYS: Record<string, { code: string; words: RegExp }> = {
  EIO: { code: 'IO', words: /EIO/ },
  ENOSPC: { code: 'IO', words: /disk full/ },
  EACCES: { code: 'FILE_NOT_WRITABLE', words: /permission denied/ },
  EROFS: { code: 'FILE_NOT_WRITABLE', words: /read-only file system/ },
};

/** The command's output in memory; `text` is stdout then stderr, as the checks read them. */
function fakeIo(cwd: string) {
  const m = memoryIo(cwd, { ...ENV });
  return { io: m.io, text: () => m.stdout() + m.stderr(), stderr: m.stderr };
}

/** Config files only (what an apply may change), relative to HOME. */
function configs(home: string): Record<string, string> {
  const all = hashTree(home);
  return Object.fromEntries(Object.entries(all).filter(([k, v]) => !k.startsWith('.wso2-keystore') && v !== 'dir'));
}

const state = (home: string) => {
  const dir = path.join(home, '.wso2-keystore', 'backups');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
};
const lockFile = (home: string) => path.join(home, '.wso2-keystore', 'lock');
const temps = (home: string) => Object.keys(hashTree(home)).filter((k) => k.includes('.wso2ks-tmp-'));

describeWithKeytool('k-th fs call fails during a whole apply', () => {
  let ks: Keystores;
  let work: string;
  let template: string;
  let plan: string;
  let original: Record<string, string>;
  let applied: Record<string, string>;
  let K = 0;
  let n = 0;

  const freshHome = () => {
    const home = path.join(work, `h${n++}`);
    fs.cpSync(template, home, { recursive: true });
    return home;
  };

  beforeAll(async () => {
    ks = makeKeystores();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'wso2ks-kth-'));
    template = makeHome(ks, 'ei-6.2.0', work, 'template');
    plan = writePlan(work, basePlan());
    original = configs(template);
    const home = freshHome();
    Object.assign(mockFault, { failAt: 0, calls: 0, persistent: false, failed: [] });
    const f = fakeIo(work);
    expect(await applyCommand({ plan, home, yes: true }, f.io)).toBe(0);
    K = mockFault.calls;
    applied = configs(home);
  }, 120000);

  afterAll(() => {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(ks.dir, { recursive: true, force: true });
  });

  test('a clean apply changes 6 files and makes enough fs calls to be worth failing', () => {
    const changed = Object.keys(applied).filter((k) => applied[k] !== original[k]);
    expect(changed).toHaveLength(6);
    expect(K).toBeGreaterThan(40);
  });

  test('transient: call k fails, for every k: all files original (exit 1), never a mix', async () => {
    const outcomes: Record<string, number> = { original: 0, applied: 0 };
    for (let k = 1; k <= K; k++) {
      const home = freshHome();
      const errno = ERRNOS[k % ERRNOS.length];
      Object.assign(mockFault, { failAt: k, calls: 0, persistent: false, errno, failed: [] });
      const f = fakeIo(work);
      const code = await applyCommand({ plan, home, yes: true, json: true }, f.io);
      const now = configs(home);
      const where = `k=${k} (${mockFault.failed.join(', ')}), exit ${code}: ${f.stderr().slice(0, 300)}`;
      expect(leakedSecrets(f.text() + manifests(home).join(''))).toEqual([]);
      expect({ where, temps: temps(home) }).toEqual({ where, temps: [] });
      if (code === 0) {
        // Only a failure that is ignored on purpose may pass: removing our own lock after the commit,
        // or the lock's second name once it is linked into place (the next run removes it: lock.ts).
        expect({ where, applied: now }).toEqual({ where, applied });
        expect(mockFault.failed[0]).toMatch(/^unlink .*\.wso2-keystore\/lock(\.new-\d+-[0-9a-f]+)?$/);
        outcomes.applied++;
      } else {
        expect({ where, code, now }).toEqual({ where, code: 1, now: original });
        expect({ where, state: state(home) }).toEqual({ where, state: [] });
        expect({ where, lock: fs.existsSync(lockFile(home)) }).toEqual({ where, lock: false });
        expect({ where, code: JSON.parse(f.text().slice(0, f.text().lastIndexOf('}') + 1)).error.code }).toEqual({ where, code: SAYS[errno].code });
        expect(f.stderr()).toMatch(SAYS[errno].words);
        // Names the file: a config file or a path under .wso2-keystore, as "path: cannot …".
        expect(f.stderr()).toMatch(/^error: \S+: cannot /m);
        expect(f.stderr()).not.toMatch(/internal error/);
        outcomes.original++;
      }
    }
    expect(outcomes.original).toBeGreaterThan(K - 3);
  }, 300000);

  test('persistent: every call from k on fails (rollback too), then the next command recovers', async () => {
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
    const outcomes: Record<string, number> = { original: 0, applied: 0, recovered: 0 };
    for (let k = 1; k <= K; k++) {
      const home = freshHome();
      Object.assign(mockFault, { failAt: k, calls: 0, persistent: true, errno: 'EROFS', failed: [] });
      const f = fakeIo(work);
      const code = await applyCommand({ plan, home, yes: true }, f.io);
      const where = `k=${k} (${mockFault.failed[0]}), exit ${code}: ${f.stderr().slice(0, 300)}`;
      // Exit 0 only when the one failing step is removing our own lock after the commit (ignored on purpose).
      const lockOnly = /^unlink .*\.wso2-keystore\/lock$/.test(mockFault.failed[0] ?? '');
      expect({ where, code }).toEqual({ where, code: lockOnly ? 0 : 1 });
      expect(f.stderr()).not.toMatch(/internal error/);
      // The process would exit now; its lock (if it could not remove it) becomes stale.
      if (fs.existsSync(lockFile(home))) {
        fs.writeFileSync(lockFile(home), JSON.stringify({ pid: deadPid, hostname: os.hostname(), time: new Date().toISOString() }));
      }
      Object.assign(mockFault, { failAt: 0 });
      const g = fakeIo(work);
      const partial = state(home).some((s) => s.endsWith('.partial'));
      expect(await backupsCommand({ home }, g.io)).toBe(0);
      if (partial) {
        expect(g.stderr()).toMatch(/interrupted; rolled back/);
        outcomes.recovered++;
      }
      const now = configs(home);
      expect({ where, temps: temps(home), lock: fs.existsSync(lockFile(home)), partial: state(home).filter((s) => s.endsWith('.partial')) }).toEqual({
        where,
        temps: [],
        lock: false,
        partial: [],
      });
      if (JSON.stringify(now) === JSON.stringify(applied)) {
        // Only possible when the commit rename succeeded before the disk failed: the change stands,
        // with its checkpoint, and apply said that rolling back failed.
        expect({ where, committed: state(home).length }).toEqual({ where, committed: 1 });
        if (!lockOnly) expect(f.stderr()).toMatch(/rolling back also failed/);
        outcomes.applied++;
      } else {
        expect({ where, now }).toEqual({ where, now: original });
        outcomes.original++;
      }
      expect(leakedSecrets(f.text() + g.text() + manifests(home).join(''))).toEqual([]);
    }
    expect(outcomes.recovered).toBeGreaterThan(0);
    expect(outcomes.original + outcomes.applied).toBe(K);
  }, 300000);
});
