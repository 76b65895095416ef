/** A run that keeps nothing leaves no trace: no .wso2-keystore folder after a failed apply or a lock clean-up. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyTransaction, realFsOps, withLock } from '../../src/io';
import { backupsDir, removeIfEmpty, stateDir } from '../../src/io/paths';
import { makeHome, plannedWrites, removeHome, snapshot } from './helpers';

let home: string;
beforeEach(() => (home = makeHome()));
afterEach(() => removeHome(home));

test('an apply refused before its first write leaves no state folder', async () => {
  const before = snapshot(home);
  const writes = plannedWrites(home);
  writes[1] = { ...writes[1], before: Buffer.from('not what is on disk') }; // FILE_CHANGED
  await expect(applyTransaction(home, writes, { command: 'apply', notes: [] }, { signals: 'throw' })).rejects.toMatchObject({ code: 'FILE_CHANGED' });
  expect(snapshot(home)).toEqual(before);
  expect(fs.existsSync(path.join(home, '.wso2-keystore'))).toBe(false);
});

test('a lock taken and released on a fresh home leaves no state folder; an existing one is kept', async () => {
  await withLock(home, async () => {
    expect(fs.existsSync(path.join(home, '.wso2-keystore', 'lock'))).toBe(true);
  });
  expect(fs.existsSync(path.join(home, '.wso2-keystore'))).toBe(false);
  await applyTransaction(home, plannedWrites(home), { command: 'apply', notes: [] }, { signals: 'throw' });
  await withLock(home, async () => {});
  expect(fs.readdirSync(path.join(home, '.wso2-keystore', 'backups'))).toHaveLength(1);
});

test('the clean-up never takes what another run put in the folders meanwhile (its lock, its checkpoint)', async () => {
  fs.mkdirSync(backupsDir(home), { recursive: true });
  fs.writeFileSync(path.join(stateDir(home), 'lock'), 'another run');
  // A folder listing taken just before the other run wrote its lock: empty.
  const racing = { ...realFsOps, readdir: async () => [] };
  await removeIfEmpty([stateDir(home), backupsDir(home)], racing);
  expect(fs.readFileSync(path.join(stateDir(home), 'lock'), 'utf8')).toBe('another run');
  expect(fs.existsSync(backupsDir(home))).toBe(false); // empty: removed
});
