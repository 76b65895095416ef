/**
 * A signal during `apply --yes` must not end the process silently: the command says what happened,
 * on stderr, and with --json as its one JSON object on stdout. The signal is real: a preload sends
 * SIGTERM to the process right before it replaces its second config file (rolled back: nothing
 * written, exit 143) or right before the checkpoint's commit rename (the change stays: exit 143 too,
 * and the output says it is applied, with the backup to undo it).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, DEMO, demoHome, ensureBuilt, hashTree, runCli } from '../helpers/home';

beforeAll(() => ensureBuilt());

/** Run `args` on `home` with a preload that sends SIGTERM right before the chosen rename. */
function withSigterm(home: string, at: 'second file' | 'commit', args: string[]) {
  const preload = join(home, '..', 'term.js');
  const when = at === 'commit' ? "String(from).endsWith('.partial')" : "!String(to).includes('.wso2-keystore') && ++files === 2";
  writeFileSync(
    preload,
    "const fsp = require('node:fs/promises');\nconst rename = fsp.rename;\nlet files = 0;\n" +
      `fsp.rename = async function (from, to) {\n  if (${when}) { process.kill(process.pid, 'SIGTERM'); await new Promise((r) => setTimeout(r, 5)); }\n  return rename.apply(this, arguments);\n};\n`,
  );
  return spawnSync(process.execPath, ['-r', preload, CLI, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...DEMO.env },
    encoding: 'utf8',
  });
}

/** apply --yes on a fresh copy of the sample home, with SIGTERM right before the chosen rename. */
function applyWithSigterm(at: 'second file' | 'commit', json: boolean) {
  const home = demoHome('sigterm');
  const before = hashTree(home);
  const r = withSigterm(home, at, ['apply', '--plan', DEMO.plan, home, '--yes', ...(json ? ['--json'] : [])]);
  return { r, home, before };
}

describe('SIGTERM during apply --yes', () => {
  it('mid-write: rolled back, exit 143, and it says so (text)', () => {
    const { r, home, before } = applyWithSigterm('second file', false);
    expect(r.status).toBe(143);
    expect(r.stderr).toContain('error: interrupted by SIGTERM; the files were left as they were');
    expect(hashTree(home)).toEqual(before);
  });

  it('mid-write with --json: one JSON error object on stdout', () => {
    const { r } = applyWithSigterm('second file', true);
    expect(r.status).toBe(143);
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'ABORTED', message: 'interrupted by SIGTERM; the files were left as they were', file: null, line: null, hint: null } });
  });

  it('at the commit: the change stays, exit 143, and the output says it is applied, with the backup', () => {
    const { r, home, before } = applyWithSigterm('commit', true);
    expect(r.status).toBe(143);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ changed: true, interrupted: 'SIGTERM' });
    expect(out.backup).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{4}$/);
    expect(out.files.length).toBeGreaterThan(0);
    expect(r.stderr).toContain(`SIGTERM arrived after the change was committed: it is applied. Backup: ${out.backup}`);
    expect(r.stdout + r.stderr).not.toContain(DEMO.password);
    expect(hashTree(home)).not.toEqual(before);
    expect(JSON.parse(runCli(['backups', home, '--json']).stdout).backups.map((b: { id: string }) => b.id)).toContain(out.backup);
  });
});

describe('SIGTERM during restore --yes', () => {
  it('mid-write: rolled back to the applied files, exit 143, one JSON error object', () => {
    const home = demoHome('sigterm');
    expect(runCli(['apply', '--plan', DEMO.plan, home, '--yes'], { env: DEMO.env }).code).toBe(0);
    const applied = hashTree(home);
    const r = withSigterm(home, 'second file', ['restore', home, '--yes', '--json']);
    expect(r.status).toBe(143);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'ABORTED', message: 'interrupted by SIGTERM; the files were left as they were' });
    expect(r.stderr).toContain('error: interrupted by SIGTERM');
    expect(hashTree(home)).toEqual(applied);
  });
});

