/**
 * What a `scan` loads, run as users run it (bin/ and the built bundle). Node's built-in modules
 * cost milliseconds each to load in a fresh process, and the start-up figures of issue 7 are a few
 * tens of milliseconds over bare node, so a stray top-level import is a regression worth a test:
 * - node:crypto (~4 ms): scan hashes nothing; src/io loads it on first use, and bin/'s code cache
 *   compares the file's bytes instead of a SHA-1;
 * - node:child_process (~1.5–5 ms, with net and dgram): only commander wants it, for subcommands that
 *   are executables, and the bundle gives commander a copy that loads it on first use.
 * - node's stdout stream (node:stream, net, pipe_wrap: ~7 ms): output to a pipe or a file is written
 *   to the descriptor (src/cli/io.ts), falling back to the stream on EAGAIN, and ending quietly on EPIPE.
 * And the output must not change for it: the same JSON as dist/ (tsc's output, loaded plainly).
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleIsCurrent, CLI, copyHome, ensureBuilt, REPO } from '../helpers/home';

let work: string;
let home: string;

beforeAll(() => {
  ensureBuilt({ bundle: true });
  work = mkdtempSync(join(tmpdir(), 'wso2-ks-loads-'));
  home = copyHome('apim-2.2.0', work);
}, 180_000);
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
  expect(bundleIsCurrent()).toBe(true); // else bin/ falls back to dist/
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

/** A home whose scan prints more than a pipe holds (64 KiB on Linux). */
function bigHome(): string {
  const h = copyHome('apim-2.2.0', join(work, 'big'));
  const lines = Array.from({ length: 3000 }, (_, i) => `store.${i}.location=\${carbon.home}/repository/resources/security/store-${i}.jks`);
  writeFileSync(join(h, 'repository', 'conf', 'many-stores.properties'), `${lines.join('\n')}\n`);
  return h;
}

test('--version and scan to a pipe: written to the descriptor, without building node\'s stdout stream', () => {
  const version = loadsOf(['--version']);
  expect(version.stdout).toBe(`${JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version}\n`);
  const scan = loadsOf(['scan', home, '--json']);
  for (const r of [version, scan]) {
    expect(r.modules).not.toContain('NativeModule net');
    expect(r.modules).not.toContain('NativeModule stream');
  }
});

test('a reader that leaves early (scan | head): exit 0, nothing on stderr', () => {
  const h = bigHome();
  const r = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" scan "${h}" --json | head -c 10 >/dev/null`], { encoding: 'utf8', env: { PATH: process.env.PATH, NO_COLOR: '1' } });
  expect(r.status).toBe(0);
  expect(r.stderr).toBe('');
  const pipefail = spawnSync('bash', ['--norc', '--noprofile', '-c', `set -o pipefail; "${process.execPath}" "${CLI}" scan "${h}" --json | head -c 10 >/dev/null`], { encoding: 'utf8', env: { PATH: process.env.PATH, NO_COLOR: '1' } });
  expect([pipefail.status, pipefail.stderr]).toEqual([0, '']);
});

test('a full non-blocking pipe (EAGAIN): the rest goes through node\'s stream, every byte in order', async () => {
  const h = bigHome();
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' };
  const want = spawnSync(process.execPath, [CLI, 'scan', h, '--json'], { env, maxBuffer: 64 << 20 }).stdout as Buffer;
  expect(want.length).toBeGreaterThan(256 << 10); // several times what the pipe holds

  const fifo = join(work, 'fifo');
  spawnSync('mkfifo', [fifo]);
  const rfd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const wfd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  // Through sh and fd 3: libuv makes a child's fds 0-2 blocking when it spawns it, so the pipe is
  // handed over as fd 3 and the shell moves it to 1, keeping it non-blocking.
  const child = spawn('sh', ['-c', 'exec "$0" "$@" 1>&3 3>&-', process.execPath, CLI, 'scan', h, '--json'], { stdio: ['ignore', 'ignore', 'pipe', wfd], env });
  closeSync(wfd);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  let code: number | null | undefined;
  child.on('exit', (c) => (code = c));
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(1 << 16);
  // Read nothing for a while: the pipe fills and the CLI's write meets EAGAIN.
  await new Promise((r) => setTimeout(r, 700));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      try {
        for (;;) {
          const n = readSync(rfd, buf);
          if (n === 0) break; // no writer left
          chunks.push(Buffer.from(buf.subarray(0, n)));
        }
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') {
          clearInterval(timer);
          reject(e);
          return;
        }
      }
      if (code !== undefined) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  closeSync(rfd);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(Buffer.concat(chunks).equals(want)).toBe(true);
});
