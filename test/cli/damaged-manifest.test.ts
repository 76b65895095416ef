/**
 * A checkpoint whose manifest.json was damaged (by hand, a full disk, a bad copy) cannot be listed or
 * restored by the tool, but its copies are still there: backups and restore must say so, not claim
 * that nothing was ever applied.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO, demoHome, ensureBuilt, hashTree, runCli } from '../helpers/home';

beforeAll(() => ensureBuilt());

it('backups and restore name the damaged checkpoint and where its copies are', () => {
  const home = demoHome('damaged');
  const applied = runCli(['apply', '--plan', DEMO.plan, home, '--yes', '--json'], { env: DEMO.env });
  expect(applied.code).toBe(0);
  const id = JSON.parse(applied.stdout).backup as string;
  const backups = join(home, '.wso2-keystore', 'backups');
  expect(readdirSync(backups)).toContain(id);
  writeFileSync(join(backups, id, 'manifest.json'), '{bad');

  const note = `.wso2-keystore/backups/${id} has no readable manifest.json, so this tool cannot list or restore it; the original files are copied in its files/ folder, to put back by hand.`;
  const listed = runCli(['backups', home]);
  expect(listed.code).toBe(0);
  expect(listed.stderr).toContain(`warning: ${note}`);
  expect(listed.stdout).toBe('No backups this tool can restore.\n');
  expect(JSON.parse(runCli(['backups', home, '--json']).stdout)).toMatchObject({ backups: [], damaged: [id] });

  const restore = runCli(['restore', home, '--yes', '--json']);
  expect(restore.code).toBe(1);
  expect(JSON.parse(restore.stdout).error).toMatchObject({ code: 'BACKUP_NOT_FOUND', hint: note });
  expect(readdirSync(join(backups, id, 'files')).length).toBeGreaterThan(0);
});

it('restore --id of a damaged checkpoint says it exists but its manifest cannot be read, and writes nothing', () => {
  const home = demoHome('damaged-id');
  const id = JSON.parse(runCli(['apply', '--plan', DEMO.plan, home, '--yes', '--json'], { env: DEMO.env }).stdout).backup as string;
  writeFileSync(join(home, '.wso2-keystore', 'backups', id, 'manifest.json'), '{bad');
  const before = hashTree(home, true);

  const note = `.wso2-keystore/backups/${id} has no readable manifest.json, so this tool cannot list or restore it; the original files are copied in its files/ folder, to put back by hand.`;
  const message = `checkpoint ${id} exists, but its manifest.json cannot be read`;
  for (const extra of [['--yes'], ['--dry-run']]) {
    const json = runCli(['restore', home, '--id', id, ...extra, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).error).toMatchObject({ code: 'BACKUP_NOT_FOUND', message, hint: note });
  }
  const text = runCli(['restore', home, '--id', id, '--yes']);
  expect(text.code).toBe(1);
  expect(text.stderr).toBe(`error: ${message}\n  ${note}\n`);
  expect(hashTree(home, true)).toEqual(before);
  // An id that names no folder at all is still "no checkpoint".
  const missing = runCli(['restore', home, '--id', '20000101T000000Z-0000', '--json']);
  expect(JSON.parse(missing.stdout).error.message).toBe('there is no checkpoint 20000101T000000Z-0000');
});

it('restore without --id refuses to skip a newer damaged checkpoint; --id an older one goes on, with the warning', () => {
  const home = demoHome('damaged2');
  const first = JSON.parse(runCli(['apply', '--plan', DEMO.plan, home, '--yes', '--json'], { env: DEMO.env }).stdout).backup as string;
  // The restore is a checkpoint of its own, newer than the apply's.
  const second = JSON.parse(runCli(['restore', home, '--yes', '--json']).stdout).backup as string;
  expect(second.slice(0, 16) >= first.slice(0, 16)).toBe(true);
  writeFileSync(join(home, '.wso2-keystore', 'backups', second, 'manifest.json'), '{bad');

  const latest = runCli(['restore', home, '--dry-run', '--json']);
  expect(latest.code).toBe(1);
  expect(JSON.parse(latest.stdout).error).toMatchObject({
    code: 'BACKUP_NOT_FOUND',
    message: `the latest checkpoint, ${second}, cannot be read, so the latest change cannot be restored by this tool`,
    hint: expect.stringMatching(new RegExp(`To restore the older ${first} anyway, name it with --id\\.$`)),
  });
  const older = runCli(['restore', home, '--id', first, '--dry-run', '--force']); // the files were put back since: --force
  expect(older.code).toBe(0);
  expect(older.stderr).toContain(`warning: .wso2-keystore/backups/${second} has no readable manifest.json`);
  // With --json the warning is the report's `damaged`, not a line on stderr (as in backups --json).
  const json = runCli(['restore', home, '--id', first, '--dry-run', '--force', '--json']);
  expect(JSON.parse(json.stdout).damaged).toEqual([second]);
  expect(json.stderr).not.toContain('warning');
  const listed = runCli(['backups', home, '--json']);
  expect(JSON.parse(listed.stdout).damaged).toEqual([second]);
  expect(listed.stderr).not.toContain('warning');
});

it('a damaged checkpoint from the same second as the latest readable one may be the newer: restore without --id refuses', () => {
  const home = demoHome('damaged3');
  const id = JSON.parse(runCli(['apply', '--plan', DEMO.plan, home, '--yes', '--json'], { env: DEMO.env }).stdout).backup as string;
  // Same second, a suffix that sorts before the readable one's: ids alone cannot say which is newer.
  const twin = `${id.slice(0, 16)}-0000`;
  expect(twin < id).toBe(true);
  mkdirSync(join(home, '.wso2-keystore', 'backups', twin, 'files'), { recursive: true });
  writeFileSync(join(home, '.wso2-keystore', 'backups', twin, 'manifest.json'), '');

  const latest = runCli(['restore', home, '--dry-run', '--json']);
  expect(latest.code).toBe(1);
  expect(JSON.parse(latest.stdout).error).toMatchObject({ code: 'BACKUP_NOT_FOUND', message: expect.stringContaining(`the latest checkpoint, ${twin}, cannot be read`) });
  expect(runCli(['restore', home, '--id', id, '--dry-run']).code).toBe(0);
});
