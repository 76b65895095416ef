import * as fs from 'node:fs';
import * as path from 'node:path';
import { KsError } from '../../src/errors';
import { applyTransaction, listCheckpoints, planRestore, restoreCheckpoint } from '../../src/io';
import { FILES, makeHome, plannedWrites, removeHome, sha, snapshot } from './helpers';

const opts = { signals: 'throw' as const };
let home: string;
beforeEach(() => {
  home = makeHome();
});
afterEach(() => removeHome(home));

const catalina = FILES[1]!.rel;
const abs = (rel: string) => path.join(home, rel);

test('restore refuses a file edited after the apply, naming it; with force it restores', async () => {
  const original = snapshot(home);
  const { id } = await applyTransaction(home, plannedWrites(home), { command: 'apply', notes: [] }, opts);
  fs.appendFileSync(abs(catalina), '<!-- tuned by hand -->\n');
  const edited = snapshot(home);

  const plan = await planRestore(home);
  expect(plan.checkpoint.id).toBe(id);
  expect(plan.files.filter((f) => f.conflict).map((f) => f.path)).toEqual([catalina]);

  const err = (await restoreCheckpoint(home, undefined, opts).then(
    () => null,
    (e: unknown) => e,
  )) as KsError;
  expect(err).toBeInstanceOf(KsError);
  expect(err.code).toBe('RESTORE_CONFLICT');
  expect(err.message).toContain(catalina);
  expect(err.message).not.toContain('carbon.xml');
  expect(snapshot(home)).toEqual(edited);

  const r = await restoreCheckpoint(home, id, { ...opts, force: true });
  expect(r.restored).toHaveLength(3);
  expect(snapshot(home)).toEqual(original);
});

test('a restore is undoable: restoring the restore gives the applied bytes back', async () => {
  const writes = plannedWrites(home);
  await applyTransaction(home, writes, { command: 'apply', notes: [] }, opts);
  const applied = snapshot(home);
  const undo = await restoreCheckpoint(home, undefined, opts);
  expect(undo.id).not.toBeNull();
  expect(snapshot(home)).not.toEqual(applied);

  const redo = await restoreCheckpoint(home, undo.id!, opts);
  expect(redo.restored.sort()).toEqual(FILES.map((f) => f.rel).sort());
  expect(snapshot(home)).toEqual(applied);
  for (const w of writes) expect(sha(fs.readFileSync(abs(w.path)))).toBe(sha(w.after!));
});

test('files already equal to the original are skipped; nothing to do → no new checkpoint', async () => {
  const writes = plannedWrites(home);
  const { id } = await applyTransaction(home, writes, { command: 'apply', notes: [] }, opts);
  // Someone already put catalina back by hand (identical bytes: not a conflict, just nothing to do).
  fs.writeFileSync(abs(catalina), writes[1]!.before!);
  // planRestore says so too, so every caller (restore command, wizard) reads the same conflict flag.
  expect((await planRestore(home, id)).files.filter((f) => f.conflict)).toEqual([]);
  const r = await restoreCheckpoint(home, id, opts);
  expect(r.restored.sort()).toEqual([FILES[0]!.rel, FILES[2]!.rel].sort());
  const m = JSON.parse(fs.readFileSync(path.join(home, '.wso2-keystore/backups', r.id!, 'manifest.json'), 'utf8'));
  expect(m.files.map((f: { path: string }) => f.path).sort()).toEqual(r.restored.sort());

  expect((await planRestore(home, id)).files.filter((f) => f.conflict)).toEqual([]);
  const again = await restoreCheckpoint(home, id, opts);
  expect(again).toEqual({ id: null, restored: [] });
});

test('listCheckpoints is newest first and ignores partial ones; an unknown id lists the ones that exist', async () => {
  const a = await applyTransaction(home, plannedWrites(home).slice(0, 1), { command: 'first', notes: [] }, opts);
  const w = plannedWrites(home)[1]!;
  const b = await applyTransaction(home, [w], { command: 'second', notes: ['n'] }, opts);
  fs.mkdirSync(path.join(home, '.wso2-keystore/backups/29991231T000000Z-ffff.partial'));

  const list = (await listCheckpoints(home)).checkpoints;
  expect(list.map((c) => [c.id, c.command])).toEqual([
    [b.id, 'second'],
    [a.id, 'first'],
  ]);
  expect((await planRestore(home)).checkpoint.id).toBe(b.id);

  const err = (await planRestore(home, '20000101T000000Z-0000').catch((e: unknown) => e)) as KsError;
  expect(err.code).toBe('BACKUP_NOT_FOUND');
  expect(err.hint).toContain(a.id);
  expect(err.hint).toContain(b.id);
});

test('no checkpoints at all → BACKUP_NOT_FOUND', async () => {
  await expect(planRestore(home)).rejects.toMatchObject({ code: 'BACKUP_NOT_FOUND', message: 'there are no checkpoints to restore' });
});

test('a damaged backup copy is detected before anything is written', async () => {
  const { id } = await applyTransaction(home, plannedWrites(home), { command: 'apply', notes: [] }, opts);
  const applied = snapshot(home);
  const dir = path.join(home, '.wso2-keystore/backups', id);
  const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  fs.chmodSync(path.join(dir, m.files[2].copy), 0o644);
  fs.appendFileSync(path.join(dir, m.files[2].copy), 'garbage');
  await expect(restoreCheckpoint(home, id, opts)).rejects.toMatchObject({ code: 'IO', message: expect.stringContaining('damaged') });
  expect(snapshot(home)).toEqual(applied);
});
