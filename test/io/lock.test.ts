import { recoverUnfinished } from '../../src/io';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KsError } from '../../src/errors';
import { applyTransaction, realFsOps, withLock } from '../../src/io';
import { lockExists, makeHome, plannedWrites, removeHome, snapshot } from './helpers';

let home: string;
beforeEach(() => {
  home = makeHome();
});
afterEach(() => removeHome(home));

const lockFile = () => path.join(home, '.wso2-keystore', 'lock');
function plantLock(info: object | string) {
  fs.mkdirSync(path.dirname(lockFile()), { recursive: true, mode: 0o700 });
  fs.writeFileSync(lockFile(), typeof info === 'string' ? info : JSON.stringify(info));
}
/** A pid that certainly is not running: a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

test('the lock holds pid, hostname and time while fn runs, and is gone afterwards', async () => {
  const seen = await withLock(home, async () => JSON.parse(fs.readFileSync(lockFile(), 'utf8')));
  expect(seen).toMatchObject({ pid: process.pid, hostname: os.hostname() });
  expect(Date.parse(seen.time)).not.toBeNaN();
  expect(lockExists(home)).toBe(false);
});

test('the lock is released when fn throws', async () => {
  await expect(withLock(home, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  expect(lockExists(home)).toBe(false);
});

test('a live lock is refused with LOCKED naming the pid, and left in place', async () => {
  // Our own parent is alive on this host.
  plantLock({ pid: process.ppid, hostname: os.hostname(), time: new Date().toISOString() });
  const original = snapshot(home);
  const err = (await applyTransaction(home, plannedWrites(home), { command: 'apply', notes: [] }, { signals: 'throw' }).then(
    () => null,
    (e: unknown) => e,
  )) as KsError;
  expect(err).toBeInstanceOf(KsError);
  expect(err.code).toBe('LOCKED');
  expect(err.message).toBe(`another wso2-keystore (pid ${process.ppid}) is working on this home`);
  expect(snapshot(home)).toEqual(original);
  expect(JSON.parse(fs.readFileSync(lockFile(), 'utf8')).pid).toBe(process.ppid);
});

test('a lock from another host is refused (we cannot tell whether it is alive)', async () => {
  plantLock({ pid: 1, hostname: 'some-other-host', time: new Date().toISOString() });
  await expect(withLock(home, async () => 1)).rejects.toMatchObject({ code: 'LOCKED', message: expect.stringContaining('some-other-host') });
});

test('a stale lock (pid not running) is taken over, with a notice', async () => {
  const pid = deadPid();
  plantLock({ pid, hostname: os.hostname(), time: '2020-01-01T00:00:00.000Z' });
  const notices: string[] = [];
  const r = await withLock(home, async () => JSON.parse(fs.readFileSync(lockFile(), 'utf8')).pid, { onNotice: (m) => notices.push(m) });
  expect(r).toBe(process.pid);
  expect(notices).toEqual([`Took over a stale lock left by wso2-keystore pid ${pid} (no longer running).`]);
  expect(lockExists(home)).toBe(false);
  expect(fs.readdirSync(path.dirname(lockFile()))).toEqual(['backups']);
});

test('an unreadable lock is refused while fresh (someone may be writing it) and taken over when old', async () => {
  plantLock('');
  await expect(withLock(home, async () => 1)).rejects.toMatchObject({ code: 'LOCKED' });
  const old = new Date(Date.now() - 60000);
  fs.utimesSync(lockFile(), old, old);
  const notices: string[] = [];
  await expect(withLock(home, async () => 2, { onNotice: (m) => notices.push(m) })).resolves.toBe(2);
  expect(notices[0]).toMatch(/unreadable lock/);
});

test('the lock appears whole: written under a name of its own, then linked into place; no second name stays', async () => {
  // A kill between creating a file and writing it leaves it empty: the lock's own name is never created that way.
  const calls: string[] = [];
  const spy = Object.fromEntries(
    Object.entries(realFsOps).map(([op, f]) => [op, (...a: unknown[]) => (calls.push(`${op} ${a.filter((x) => typeof x === 'string' && x.startsWith(home)).map((x) => path.basename(x as string)).join(' ')}`), (f as (...x: unknown[]) => unknown)(...a))]),
  ) as unknown as typeof realFsOps;
  const inside = await withLock(home, async () => ({ names: fs.readdirSync(path.dirname(lockFile())).sort(), lock: fs.readFileSync(lockFile(), 'utf8') }), { fsOps: spy });
  expect(inside.names).toEqual(['backups', 'lock']); // the second name is gone before fn runs
  expect(JSON.parse(inside.lock).pid).toBe(process.pid);
  expect(calls.filter((c) => / lock(\.new-\S+)?( |$)/.test(c))).toEqual([
    expect.stringMatching(/^writeFile lock\.new-\d+-[0-9a-f]{8}$/),
    expect.stringMatching(/^link lock\.new-\d+-[0-9a-f]{8} lock$/),
    expect.stringMatching(/^unlink lock\.new-\d+-[0-9a-f]{8}$/),
    'readFile lock', // release: still ours?
    'unlink lock',
  ]);
  expect(fs.existsSync(path.dirname(lockFile()))).toBe(false); // nothing kept: the state folder goes too
});

test('a second name left by a run killed while making its lock (its pid gone) is removed by the next run; a live one is not', async () => {
  fs.mkdirSync(path.dirname(lockFile()), { recursive: true, mode: 0o700 });
  const dead = path.join(path.dirname(lockFile()), `lock.new-${deadPid()}-0a1b2c3d`);
  const live = path.join(path.dirname(lockFile()), `lock.new-${process.ppid}-0a1b2c3d`);
  fs.writeFileSync(dead, '{"pid":1}');
  fs.writeFileSync(live, '{"pid":1}');
  await withLock(home, async () => 1);
  expect(fs.existsSync(dead)).toBe(false);
  expect(fs.existsSync(live)).toBe(true); // another run may be about to link it
  expect(lockExists(home)).toBe(false);
});

test('two overlapping runs in one process: the second is refused, the first completes', async () => {
  let inner: unknown;
  await withLock(home, async () => {
    inner = await withLock(home, async () => 'should not run').catch((e: unknown) => e);
  });
  expect(inner).toBeInstanceOf(KsError);
  expect((inner as KsError).code).toBe('LOCKED');
  expect(lockExists(home)).toBe(false);
});

test('recoverUnfinished leaves a live run\'s partial checkpoint alone (LOCKED)', async () => {
  plantLock({ pid: process.ppid, hostname: os.hostname(), time: new Date().toISOString() });
  const partial = path.join(home, '.wso2-keystore/backups/20261125T193712Z-3f9a.partial');
  fs.mkdirSync(partial, { recursive: true });
  await expect(recoverUnfinished(home)).rejects.toMatchObject({ code: 'LOCKED' });
  expect(fs.existsSync(partial)).toBe(true);
});
