/**
 * Kill the process at every step of an apply, then run recovery: the files must be all original
 * (or all new, when the kill came after the commit rename), never a mix.
 *
 * The child runs the compiled layer: only src/io (and src/errors) are compiled into a temp folder,
 * so this test does not depend on the rest of the tree compiling. A counting FsOps in the child
 * sends the signal right before its k-th mutating call; "before call k+1" is "after call k", so
 * looping k over every call also covers "killed just after a rename, before its fsync".
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyTransaction, listCheckpoints, recoverUnfinished, withLock } from '../../src/io';
import { lockExists, makeHome, plannedWrites, removeHome, snapshot, stateEntries } from './helpers';

const REPO = path.resolve(__dirname, '../..');
let build: string;
let childScript: string;

beforeAll(() => {
  build = fs.mkdtempSync(path.join(os.tmpdir(), 'wso2ks-io-build-'));
  fs.writeFileSync(
    path.join(build, 'tsconfig.json'),
    JSON.stringify({
      extends: path.join(REPO, 'tsconfig.build.json'),
      compilerOptions: {
        rootDir: path.join(REPO, 'src'),
        outDir: path.join(build, 'out'),
        sourceMap: false,
        typeRoots: [path.join(REPO, 'node_modules/@types')],
      },
      files: [path.join(REPO, 'src/io/index.ts')],
      include: [],
    }),
  );
  execFileSync(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-p', path.join(build, 'tsconfig.json')], {
    stdio: 'pipe',
  });
  childScript = path.join(build, 'child.js');
  fs.writeFileSync(
    childScript,
    `
const io = require(${JSON.stringify(path.join(build, 'out/io/index.js'))});
const fs = require('node:fs');
const [home, writesFile, kStr, signal, signalsMode] = process.argv.slice(2);
const k = Number(kStr);
const writes = JSON.parse(fs.readFileSync(writesFile, 'utf8')).map((w) => ({
  path: w.path, before: Buffer.from(w.before, 'base64'), after: Buffer.from(w.after, 'base64'),
}));
let n = 0;
const ops = { ...io.realFsOps };
for (const op of ['writeFile', 'fsync', 'rename', 'chmod', 'chown', 'mkdir', 'unlink', 'rmTree']) {
  const real = io.realFsOps[op];
  ops[op] = async (...args) => {
    if (++n === k) {
      process.kill(process.pid, signal);
      // Let a catchable signal reach its JS handler before the step runs, as it would during a slow
      // syscall (setImmediate is not enough: the check phase runs before the poll that reads signals).
      await new Promise((r) => setTimeout(r, 5));
    }
    return real(...args);
  };
}
const onSignalExit = (i) => process.stdout.write(JSON.stringify({ signalExit: { signal: i.signal, id: i.id, error: i.error ? i.error.code || String(i.error) : null } }));
io.applyTransaction(home, writes, { command: 'apply', notes: [] }, { fsOps: ops, signals: signalsMode, onSignalExit })
  .then(() => { process.stdout.write(JSON.stringify({ calls: n })); })
  .catch((e) => { process.stdout.write(JSON.stringify({ error: e.code || String(e) })); process.exitCode = 1; });
`,
  );
}, 120000);

afterAll(() => fs.rmSync(build, { recursive: true, force: true }));

function runChild(home: string, k: number, signal: string, mode: 'exit' | 'throw' = 'exit') {
  const writesFile = path.join(home, '..', `${path.basename(home)}-writes.json`);
  fs.writeFileSync(
    writesFile,
    JSON.stringify(plannedWrites(home).map((w) => ({ path: w.path, before: w.before!.toString('base64'), after: w.after!.toString('base64') }))),
  );
  const r = spawnSync(process.execPath, [childScript, home, writesFile, String(k), signal, mode], { encoding: 'utf8' });
  fs.rmSync(writesFile, { force: true });
  return r;
}

/** The applied state: what the files look like after a successful apply of plannedWrites. */
async function appliedSnapshot(): Promise<ReturnType<typeof snapshot>> {
  const h = makeHome();
  try {
    await applyTransaction(h, plannedWrites(h), { command: 'apply', notes: [] }, { signals: 'throw' });
    return snapshot(h);
  } finally {
    removeHome(h);
  }
}

test('SIGKILL at every step, then recoverUnfinished: all original or all new, never a mix', async () => {
  const applied = await appliedSnapshot();
  let outcomes = { original: 0, committed: 0 };
  let k = 1;
  for (; k < 500; k++) {
    const home = makeHome();
    try {
      const original = snapshot(home);
      const r = runChild(home, k, 'SIGKILL');
      if (r.status === 0) break; // k is past the last step
      expect({ k, signal: r.signal }).toEqual({ k, signal: 'SIGKILL' });

      const notices: string[] = [];
      await recoverUnfinished(home, { onNotice: (m) => notices.push(m) });
      // A lock left by the dead child is stale; taking the lock again must succeed and say so.
      const hadLock = lockExists(home);
      await withLock(home, async () => {}, { onNotice: (m) => notices.push(m) });
      if (hadLock) expect(notices.join('\n')).toMatch(/stale lock|unreadable lock/);
      expect(lockExists(home)).toBe(false);

      const now = snapshot(home);
      const cps = (await listCheckpoints(home)).checkpoints;
      expect({ k, partial: stateEntries(home).filter((e) => e.endsWith('.partial')) }).toEqual({ k, partial: [] });
      if (cps.length === 0) {
        expect({ k, now }).toEqual({ k, now: original });
        outcomes.original++;
      } else {
        expect({ k, now }).toEqual({ k, now: applied });
        outcomes.committed++;
      }
    } finally {
      removeHome(home);
    }
  }
  // Sanity: many steps were exercised, and both outcomes occurred (the commit is near the end).
  expect(k).toBeGreaterThan(20);
  expect(outcomes.original).toBeGreaterThan(outcomes.committed);
  expect(outcomes.committed).toBeGreaterThan(0);
}, 300000);

test('SIGTERM at every step: exits 143 after rolling back, lock released, never a mix', async () => {
  const applied = await appliedSnapshot();
  let rolledBack = 0;
  for (let k = 1; k < 500; k++) {
    const home = makeHome();
    try {
      const original = snapshot(home);
      const r = runChild(home, k, 'SIGTERM');
      if (r.status === 0 && !r.stdout.includes('error')) {
        // No k-th call happened (past the end) — or the signal came after the commit and the process
        // still exited; distinguish by the counted calls.
        const calls = (JSON.parse(r.stdout) as { calls: number }).calls;
        if (calls < k) break;
      }
      expect({ k, status: r.status }).toEqual({ k, status: 143 });
      expect(lockExists(home)).toBe(false);
      expect(stateEntries(home).filter((e) => e.endsWith('.partial'))).toEqual([]);
      const now = snapshot(home);
      // The command is told what happened before the exit, so it can say so (and print its JSON).
      const told = (JSON.parse(r.stdout) as { signalExit: { signal: string; id: string | null; error: string | null } }).signalExit;
      const cps = (await listCheckpoints(home)).checkpoints;
      if (cps.length === 0) {
        expect({ k, now }).toEqual({ k, now: original });
        expect({ k, told }).toEqual({ k, told: { signal: 'SIGTERM', id: null, error: 'ABORTED' } });
        rolledBack++;
      } else {
        expect({ k, now }).toEqual({ k, now: applied });
        expect({ k, told }).toEqual({ k, told: { signal: 'SIGTERM', id: cps[0].id, error: null } });
      }
    } finally {
      removeHome(home);
    }
  }
  expect(rolledBack).toBeGreaterThan(10);
}, 300000);
