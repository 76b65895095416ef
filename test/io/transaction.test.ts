import * as fs from 'node:fs';
import * as path from 'node:path';
import { KsError } from '../../src/errors';
import { applyTransaction, listCheckpoints, recoverUnfinished, restoreCheckpoint } from '../../src/io';
import { FILES, NEW_PASSWORD, lockExists, makeHome, plannedWrites, removeHome, sha, snapshot, stateEntries } from './helpers';

const meta = { command: 'wso2-keystore apply --plan plan.toml', notes: ['carbon.xml: Security/KeyStore/Password set (masked: ****)'] };
const opts = { signals: 'throw' as const };

let home: string;
beforeEach(() => {
  home = makeHome();
});
afterEach(() => removeHome(home));

test('apply of 3 files, then restore, gives back the original bytes and modes', async () => {
  const original = snapshot(home);
  const writes = plannedWrites(home);

  const { id } = await applyTransaction(home, writes, meta, opts);

  expect(id).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{4}$/);
  for (const w of writes) {
    expect(sha(fs.readFileSync(path.join(home, w.path)))).toBe(sha(w.after!));
  }
  // Modes are kept by the apply itself, not only by the restore.
  for (const f of FILES) expect(fs.statSync(path.join(home, f.rel)).mode & 0o7777).toBe(f.mode);
  expect(lockExists(home)).toBe(false);

  const r = await restoreCheckpoint(home, id, opts);
  expect(r.restored.sort()).toEqual(FILES.map((f) => f.rel).sort());
  expect(snapshot(home)).toEqual(original);
});

test('the state folders are 0700 and the manifest records what was done, without the password', async () => {
  const { id } = await applyTransaction(home, plannedWrites(home), meta, opts);
  const state = path.join(home, '.wso2-keystore');
  expect(fs.statSync(state).mode & 0o777).toBe(0o700);
  expect(fs.statSync(path.join(state, 'backups')).mode & 0o777).toBe(0o700);
  expect(fs.statSync(path.join(state, 'backups', id)).mode & 0o777).toBe(0o700);

  const raw = fs.readFileSync(path.join(state, 'backups', id, 'manifest.json'), 'utf8');
  expect(raw).not.toContain(NEW_PASSWORD);
  const m = JSON.parse(raw);
  expect(m).toMatchObject({ version: 1, id, command: meta.command, notes: meta.notes });
  expect(m.files.map((f: { path: string }) => f.path)).toEqual(FILES.map((f) => f.rel));
  expect(m.files[0]).toMatchObject({ mode: 0o640, created: false, deleted: false });

  const [cp] = (await listCheckpoints(home)).checkpoints;
  expect(cp!.id).toBe(id);
  expect(JSON.stringify(cp!.notes)).not.toContain(NEW_PASSWORD);
  // Copies keep the original mode and bytes.
  const copy = path.join(state, 'backups', id, m.files[1].copy);
  expect(fs.statSync(copy).mode & 0o777).toBe(0o600);
  expect(sha(fs.readFileSync(copy))).toBe(m.files[1].sha256Before);
});

test('a created file is deleted by restore, and re-created by undoing that restore', async () => {
  const rel = 'repository/conf/security/new-store.properties';
  fs.mkdirSync(path.join(home, 'repository/conf/security'));
  const body = Buffer.from('alias=wso2carbon\n');
  const { id } = await applyTransaction(home, [{ path: rel, before: null, after: body }], meta, opts);
  expect(fs.readFileSync(path.join(home, rel))).toEqual(body);
  expect(fs.statSync(path.join(home, rel)).mode & 0o777).toBe(0o644);

  const undo = await restoreCheckpoint(home, id, opts);
  expect(fs.existsSync(path.join(home, rel))).toBe(false);

  await restoreCheckpoint(home, undo.id!, opts);
  expect(fs.readFileSync(path.join(home, rel))).toEqual(body);
});

test('a file edited after planning aborts the apply and names the file; nothing is written', async () => {
  const original = snapshot(home);
  const writes = plannedWrites(home);
  fs.appendFileSync(path.join(home, FILES[1]!.rel), '<!-- edited by hand -->');
  const edited = snapshot(home);

  const err = await applyTransaction(home, writes, meta, opts).catch((e) => e);
  expect(err).toBeInstanceOf(KsError);
  expect(err.code).toBe('FILE_CHANGED');
  expect(err.file).toBe(FILES[1]!.rel);
  expect(snapshot(home)).toEqual(edited);
  expect(snapshot(home)).not.toEqual(original);
  expect(stateEntries(home)).toEqual([]);
  expect(lockExists(home)).toBe(false);
});

test('nothing under .wso2-keystore exists until something is written', async () => {
  expect(await recoverUnfinished(home)).toEqual({ rolledBack: null, files: [] });
  expect(await listCheckpoints(home)).toEqual({ checkpoints: [], damaged: [] });
  expect(fs.existsSync(path.join(home, '.wso2-keystore'))).toBe(false);
});

test('recoverUnfinished puts back the originals of a partial checkpoint and removes it', async () => {
  const original = snapshot(home);
  const { id } = await applyTransaction(home, plannedWrites(home), meta, opts);
  // Simulate a run that died after writing all files but before its commit rename.
  const b = path.join(home, '.wso2-keystore', 'backups');
  fs.renameSync(path.join(b, id), path.join(b, `${id}.partial`));
  fs.writeFileSync(path.join(home, 'repository/conf', `.carbon.xml.wso2ks-tmp-deadbeef`), 'half');

  const r = await recoverUnfinished(home);
  expect(r.rolledBack).toBe(id);
  expect(r.files.sort()).toEqual(FILES.map((f) => f.rel).sort());
  expect(snapshot(home)).toEqual(original);
  expect(stateEntries(home)).toEqual([]);
  expect(lockExists(home)).toBe(false);
});

test('programming mistakes are plain Errors, before anything is created', async () => {
  const w = plannedWrites(home)[0]!;
  await expect(applyTransaction(home, [], meta, opts)).rejects.toThrow('no writes');
  await expect(applyTransaction(home, [{ ...w, path: '../etc/passwd' }], meta, opts)).rejects.toThrow('HOME-relative');
  await expect(applyTransaction(home, [w, w], meta, opts)).rejects.toThrow('twice');
  expect(fs.existsSync(path.join(home, '.wso2-keystore'))).toBe(false);
});
