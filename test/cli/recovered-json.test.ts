/**
 * After a crash mid-write, the next command rolls the home back first and its --json says so in
 * "recovered" (docs/guarantees.md). The crash is real: `apply --yes` on a copy of the sample home
 * runs with a preload that SIGKILLs the process right before it replaces its second config file:
 * the `.partial` checkpoint holds the originals and one file already has its new bytes.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, DEMO, demoHome, ensureBuilt, hashTree, runCli } from '../helpers/home';

beforeAll(() => ensureBuilt());

/** A copy of samples/wso2ei-6.2.0 with an apply killed half-way through; returns it and its original hashes. */
function crashedHome(): { home: string; before: Record<string, string> } {
  const home = demoHome('recovered');
  const before = hashTree(home);
  const preload = join(home, '..', 'kill-at-second-file.js');
  writeFileSync(
    preload,
    "const fsp = require('node:fs/promises');\nconst rename = fsp.rename;\nlet files = 0;\n" +
      "fsp.rename = function (from, to) {\n  if (!String(to).includes('.wso2-keystore') && ++files === 2) process.kill(process.pid, 'SIGKILL');\n  return rename.apply(this, arguments);\n};\n",
  );
  const r = spawnSync(process.execPath, ['-r', preload, CLI, 'apply', '--plan', DEMO.plan, home, '--yes'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...DEMO.env },
    encoding: 'utf8',
  });
  expect(r.signal).toBe('SIGKILL');
  expect(readdirSync(join(home, '.wso2-keystore', 'backups')).filter((n) => n.endsWith('.partial'))).toHaveLength(1);
  // Mid-write, not before it: one file already has its new bytes.
  const mid = hashTree(home);
  expect(Object.keys(before).filter((rel) => mid[rel] !== before[rel])).toHaveLength(1);
  return { home, before };
}

describe.each([['verify'], ['scan'], ['backups']])('%s --json after a crash mid-apply', (command) => {
  it('rolls the home back first and reports it as "recovered"', () => {
    const { home, before } = crashedHome();
    const r = runCli([command, home, '--json']);
    const out = JSON.parse(r.stdout) as { recovered: { rolledBack: string; files: string[] } | null };
    expect(out.recovered).not.toBeNull();
    expect(out.recovered!.rolledBack).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{4}$/);
    expect(out.recovered!.files.length).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/notice: an earlier run was interrupted; rolled back/);
    const now = hashTree(home);
    for (const [rel, h] of Object.entries(before)) expect([rel, now[rel]]).toEqual([rel, h]);
    // And the next run has nothing left to recover.
    expect(JSON.parse(runCli([command, home, '--json']).stdout).recovered).toBeNull();
  });
});

