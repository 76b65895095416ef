/**
 * A real permission failure from the kernel, halfway through a real apply (the built CLI on EI 6.2.0):
 * carbon.xml and catalina-server.xml are replaced first, then writing into conf/axis2 fails. Every file
 * must be put back, the error must name the file and the cause, and nothing must be left behind.
 *
 * As root `chmod` does not stop a write, so two other ways are used, each skipped (with the reason
 * logged) where it is not possible:
 * - EACCES: run the CLI as user `nobody` (spawn uid/gid) on a HOME it owns, except conf/axis2 (root, 0755);
 * - EPERM: `chattr +i` on conf/axis2 (immutable: no file can be created or renamed in it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeWithKeytool } from '../helpers/keytool';
import { BIN, ENV, REPO, basePlan, distIsBuilt, hashTree, leakedSecrets, makeHome, makeKeystores, writePlan, type Keystores } from './helpers';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function nobody(): { uid: number; gid: number } | null {
  try {
    const uid = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : null;
  } catch {
    return null;
  }
}

function chattrWorks(dir: string): boolean {
  const f = path.join(dir, 'probe');
  fs.writeFileSync(f, '');
  try {
    execFileSync('chattr', ['+i', f], { stdio: 'pipe' });
    execFileSync('chattr', ['-i', f], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  } finally {
    fs.rmSync(f, { force: true });
  }
}

const configsOf = (home: string) => Object.fromEntries(Object.entries(hashTree(home)).filter(([k]) => !k.startsWith('.wso2-keystore')));

describeWithKeytool('a real EACCES / EPERM halfway through apply', () => {
  let ks: Keystores;
  let dir: string;
  beforeAll(() => {
    if (!distIsBuilt()) throw new Error('dist/ is missing: run npm run build (npm test does)');
    ks = makeKeystores();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wso2ks-denied-'));
    fs.chmodSync(dir, 0o755);
  }, 120000);
  afterAll(() => {
    spawnSync('chattr', ['-R', '-i', dir], { stdio: 'pipe' });
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(ks.dir, { recursive: true, force: true });
  });

  function expectRolledBack(home: string, before: Record<string, string>, r: { status: number | null; stdout: string; stderr: string }, cause: RegExp) {
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe('FILE_NOT_WRITABLE');
    expect(r.stderr).toMatch(/conf\/axis2\/axis2\.xml/);
    expect(r.stderr).toMatch(cause);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(configsOf(home)).toEqual(before);
    const state = path.join(home, '.wso2-keystore');
    expect(fs.existsSync(path.join(state, 'lock'))).toBe(false);
    expect(fs.existsSync(path.join(state, 'backups')) ? fs.readdirSync(path.join(state, 'backups')) : []).toEqual([]);
    expect(leakedSecrets(r.stdout + r.stderr)).toEqual([]);
  }

  test('EACCES: conf/axis2 not writable by the user running the tool', () => {
    const who = nobody();
    if (!isRoot || !who) {
      console.warn('skipping EACCES: needs root (to run the CLI as nobody) and a nobody user');
      return;
    }
    const home = makeHome(ks, 'ei-6.2.0', dir, 'eacces');
    const plan = writePlan(dir, basePlan(), 'plan-eacces.json');
    fs.chmodSync(plan, 0o644);
    execFileSync('chown', ['-R', `${who.uid}:${who.gid}`, home]);
    execFileSync('chown', ['root:root', path.join(home, 'conf', 'axis2')]);
    fs.chmodSync(path.join(home, 'conf', 'axis2'), 0o755);
    const before = configsOf(home);
    const r = spawnSync(process.execPath, [BIN, 'apply', '--plan', plan, home, '--yes', '--json'], {
      cwd: REPO,
      env: { PATH: process.env.PATH, NO_COLOR: '1', ...ENV },
      uid: who.uid,
      gid: who.gid,
      encoding: 'utf8',
    });
    expectRolledBack(home, before, r, /permission denied/);
  });

  test('EPERM: conf/axis2 made immutable (chattr +i)', () => {
    if (!isRoot || !chattrWorks(dir)) {
      console.warn('skipping EPERM: chattr +i is not available here');
      return;
    }
    const home = makeHome(ks, 'ei-6.2.0', dir, 'eperm');
    const plan = writePlan(dir, basePlan(), 'plan-eperm.json');
    execFileSync('chattr', ['+i', path.join(home, 'conf', 'axis2')]);
    const before = configsOf(home);
    const r = spawnSync(process.execPath, [BIN, 'apply', '--plan', plan, home, '--yes', '--json'], {
      cwd: REPO,
      env: { PATH: process.env.PATH, NO_COLOR: '1', ...ENV },
      encoding: 'utf8',
    });
    execFileSync('chattr', ['-i', path.join(home, 'conf', 'axis2')]);
    expectRolledBack(home, before, r, /permission denied/);
  });
});
