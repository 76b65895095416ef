import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KsError } from '../../src/errors';
import { applyTransaction, restoreCheckpoint } from '../../src/io';
import { lockExists, makeHome, removeHome, sha, snapshot, stateEntries } from './helpers';

const meta = { command: 'apply', notes: [] };
const opts = { signals: 'throw' as const };
let home: string;
let outside: string;
beforeEach(() => {
  home = makeHome();
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'wso2ks-outside-'));
});
afterEach(() => {
  removeHome(home);
  removeHome(outside);
});

/** Moves carbon.xml into `folder` (in HOME) and links it back from repository/conf; returns the paths and an edit. */
function carbonLinkedFrom(folder: string) {
  const real = path.join(home, folder, 'carbon.xml');
  const link = path.join(home, 'repository/conf/carbon.xml');
  fs.mkdirSync(path.dirname(real));
  fs.renameSync(link, real);
  fs.symlinkSync(`../../${folder}/carbon.xml`, link);
  const before = fs.readFileSync(real);
  return { real, link, before, after: Buffer.concat([before, Buffer.from('<!-- changed -->\n')]) };
}

test('a symlink whose target is inside HOME is followed: the target is written, the link kept, restore works', async () => {
  // e.g. a deployment keeps one real carbon.xml in a shared folder and links to it.
  const { real, link, before, after } = carbonLinkedFrom('shared-conf');

  const { id } = await applyTransaction(home, [{ path: 'repository/conf/carbon.xml', before, after }], meta, opts);
  expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
  expect(fs.readlinkSync(link)).toBe('../../shared-conf/carbon.xml');
  expect(fs.readFileSync(real)).toEqual(after);

  await restoreCheckpoint(home, id, opts);
  expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
  expect(sha(fs.readFileSync(real))).toBe(sha(before));
});

test('a symlink pointing outside HOME is refused with FILE_SYMLINK; nothing is written', async () => {
  // This is what a Kubernetes ConfigMap mount looks like from inside the pod.
  const link = path.join(home, 'repository/conf/carbon.xml');
  const target = path.join(outside, 'carbon.xml');
  fs.renameSync(link, target);
  fs.symlinkSync(target, link);
  const original = snapshot(home);
  const before = fs.readFileSync(target);

  const err = (await applyTransaction(
    home,
    [{ path: 'repository/conf/carbon.xml', before, after: Buffer.from('x') }],
    meta,
    opts,
  ).then(
    () => null,
    (e: unknown) => e,
  )) as KsError;
  expect(err).toBeInstanceOf(KsError);
  expect(err.code).toBe('FILE_SYMLINK');
  expect(err.file).toBe('repository/conf/carbon.xml');
  expect(err.message).toContain('points outside HOME');
  expect(err.hint).toContain('ConfigMap');
  expect(fs.readFileSync(target)).toEqual(before);
  expect(snapshot(home)).toEqual(original);
  expect(stateEntries(home)).toEqual([]);
  expect(lockExists(home)).toBe(false);
});

test('a symlinked folder on the way out of HOME is refused too', async () => {
  const dir = path.join(home, 'repository/conf/tomcat');
  fs.renameSync(dir, path.join(outside, 'tomcat'));
  fs.symlinkSync(path.join(outside, 'tomcat'), dir);
  const rel = 'repository/conf/tomcat/catalina-server.xml';
  const before = fs.readFileSync(path.join(home, rel));
  await expect(applyTransaction(home, [{ path: rel, before, after: Buffer.from('x') }], meta, opts)).rejects.toMatchObject({
    code: 'FILE_SYMLINK',
  });
  expect(fs.readFileSync(path.join(outside, 'tomcat/catalina-server.xml'))).toEqual(before);
});

test('a link into a folder whose name starts with ".." (..keys) is inside HOME: followed and written', async () => {
  const { real, link, before, after } = carbonLinkedFrom('..conf-store');
  await applyTransaction(home, [{ path: 'repository/conf/carbon.xml', before, after }], meta, opts);
  expect(fs.readFileSync(real)).toEqual(after);
  expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
});
