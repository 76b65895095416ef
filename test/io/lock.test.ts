import { recoverUnfinished } from '../../src/io';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KsError } from '../../src/errors';
import { applyTransaction, withLock } from '../../src/io';
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
