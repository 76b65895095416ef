/**
 * What a `scan` loads, run as users run it (bin/ and the built bundle). Node's built-in modules
 * cost milliseconds each to load in a fresh process, and the start-up figures of issue 7 are a few
 * tens of milliseconds over bare node, so a stray top-level import is a regression worth a test:
 * - node:crypto (~4 ms): scan hashes nothing; src/io loads it on first use, and bin/'s code cache
 *   compares the file's bytes instead of a SHA-1;
 * - node:child_process (~1.5–5 ms, with net and dgram): only commander wants it, for subcommands that
 *   are executables, and the bundle gives commander a copy that loads it on first use.
 * And the output must not change for it: the same JSON as dist/ (tsc's output, loaded plainly).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, copyHome, ensureBuilt, REPO } from '../helpers/home';

let work: string;
let home: string;

beforeAll(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'wso2-ks-loads-'));
  home = copyHome('apim-2.2.0', work);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the CLI with a preload that writes process.moduleLoadList at exit. */
function loadsOf(args: string[], env: Record<string, string> = {}): { modules: string[]; stdout: string; code: number | null } {
  const out = join(work, `loads-${Date.now()}.txt`);
  const preload = join(work, 'loads.js');
  require('node:fs').writeFileSync(preload, "process.on('exit', () => require('fs').writeFileSync(process.env.LOADS_OUT, process.moduleLoadList.join('\\n')));\n");
  const r = spawnSync(process.execPath, ['-r', preload, CLI, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', LOADS_OUT: out, ...env },
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return { modules: readFileSync(out, 'utf8').split('\n'), stdout: r.stdout, code: r.status };
}

test('the bundle is what bin/ runs here (else this test would measure dist/)', () => {
  expect(readFileSync(join(REPO, 'dist', 'bundle', 'cli', 'entry.js'), 'utf8')).toContain('lazy-child-process');
});

test('scan loads neither node:crypto nor node:child_process, and prints what dist/ prints', () => {
  const bundled = loadsOf(['scan', home, '--json']);
  expect(bundled.code).toBe(0);
  expect(JSON.parse(bundled.stdout).references.length).toBeGreaterThan(0);
  expect(bundled.modules).toContain('NativeModule vm'); // through bin/'s code-cache loader
  expect(bundled.modules).not.toContain('NativeModule crypto');
  expect(bundled.modules).not.toContain('NativeModule child_process');

  const plain = loadsOf(['scan', home, '--json'], { WSO2KS_NO_BUNDLE: '1' });
  expect(plain.stdout).toBe(bundled.stdout);
});
