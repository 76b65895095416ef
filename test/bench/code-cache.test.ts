/**
 * The V8 code cache of the bundle (bin/wso2-keystore.js, scripts/code-cache.js).
 *
 * Runs on a private copy of the CLI (bin/, scripts/, a bundle built into the copy by
 * scripts/bundle.js, which also makes the caches, as `npm run build` does), so editing and
 * corrupting the bundle and its caches here never touches dist/ while other tests run it.
 *
 * What must hold: the build makes a cache for each file a command loads, and runs use it; the
 * output is the same byte for byte with and without it; a corrupt, truncated or stale cache is
 * ignored and the command still works; a cache made for other content of the same length (which
 * V8 alone would accept and run, shown below) is never used.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, REPO } from '../helpers/home';

const MAGIC = 'WKSC2\n';
/** Where V8's data starts in a cache: after the magic, the file's length (4 bytes) and the file's bytes. */
const v8At = (cache: Buffer) => MAGIC.length + 4 + cache.readUInt32BE(MAGIC.length);
// bin/wso2-keystore.js's CommonJS wrapper (if they differ, V8 rejects on length and the test of
// what V8 alone accepts fails, which says so).
const WRAP = ['(function (exports, require, module, __filename, __dirname) { ', '\n});'];

let root: string; // the copy of the CLI
let work: string; // homes
let home: string;
let bundle: string;
let cli: string;
const DEMO_PASS = 'demo-store-pass';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI of the copy, in a clean environment (no NODE_OPTIONS: V8 flags key the cache). */
function run(args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: work,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', NO_COLOR: '1', DEMO_STORE_PASS: DEMO_PASS, ...env },
    input: '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What report mode says about each bundle file: { 'cli/entry.js': 'used', … }. */
function report(r: Run): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of r.stderr.matchAll(/^code cache: (\S+): (\w+)$/gm)) out[m[1]] = m[2];
  return out;
}

/** The output without report mode's lines. */
const plain = (r: Run): Run => ({ ...r, stderr: r.stderr.replace(/^code cache: .*\n/gm, '') });

beforeAll(() => {
  ensureBuilt(); // dist/ (tsc), for the WSO2KS_NO_BUNDLE run
  root = mkdtempSync(join(tmpdir(), 'wso2-ks-code-cache-'));
  for (const d of ['bin', 'scripts', 'scripts/bench']) mkdirSync(join(root, d));
  copyFileSync(join(REPO, 'bin', 'wso2-keystore.js'), join(root, 'bin', 'wso2-keystore.js'));
  for (const f of ['bundle.js', 'code-cache.js', 'bench/pty.js']) copyFileSync(join(REPO, 'scripts', f), join(root, 'scripts', f));
  copyFileSync(join(REPO, 'package.json'), join(root, 'package.json'));
  for (const d of ['src', 'node_modules', 'templates', 'samples']) symlinkSync(join(REPO, d), join(root, d));
  // dist/: tsc's output shared (read only here), the bundle the copy's own.
  mkdirSync(join(root, 'dist'));
  for (const e of readdirSync(join(REPO, 'dist'))) if (e !== 'bundle') symlinkSync(join(REPO, 'dist', e), join(root, 'dist', e));
  const b = spawnSync(process.execPath, [join(root, 'scripts', 'bundle.js')], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 120_000 });
  if (b.status !== 0) throw new Error(`bundle failed: ${b.stderr}`);
  // bin/ takes the bundle only when it is as new as dist/cli/main.js; the shared dist/ may be
  // rebuilt by other tests meanwhile, so the copy's bundle is made newer than anything there.
  const later = new Date(Date.now() + 3600_000);
  const touch = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) touch(join(d, e.name));
      else utimesSync(join(d, e.name), later, later);
    }
  };
  bundle = join(root, 'dist', 'bundle');
  touch(bundle);
  cli = join(root, 'bin', 'wso2-keystore.js');

  work = mkdtempSync(join(tmpdir(), 'wso2-ks-code-cache-home-'));
  home = join(work, 'wso2ei-6.2.0');
  cpSync(join(REPO, 'samples', 'wso2ei-6.2.0'), home, { recursive: true });
  copyFileSync(join(REPO, 'samples', 'keystores', 'demo-keystore.p12'), join(home, 'repository', 'resources', 'security', 'demo-keystore.p12'));
}, 180_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

const file = (rel: string) => join(bundle, 'cli', rel);

/** Runs `body` with a bundle file (or its cache) changed, then puts it back. */
function withChanged(path: string, change: (b: Buffer) => Buffer, body: () => void) {
  const saved = readFileSync(path);
  writeFileSync(path, change(saved));
  try {
    body();
  } finally {
    writeFileSync(path, saved);
  }
}

test('the build makes a cache for every file a command loads, holding the bytes it was made for', () => {
  for (const rel of ['entry.js', 'commands/scan.js', 'commands/apply.js', 'commands/inspect.js', 'commands/verify.js', 'commands/backups.js', 'commands/restore.js', 'commands/setup.js']) {
    const cache = readFileSync(`${file(rel)}.cache`);
    expect(cache.toString('latin1', 0, MAGIC.length)).toBe(MAGIC);
    const bytes = readFileSync(file(rel));
    expect(cache.readUInt32BE(MAGIC.length)).toBe(bytes.length);
    expect(cache.subarray(MAGIC.length + 4, v8At(cache)).equals(bytes)).toBe(true);
    // more than the top level: the functions the build's runs called are in it
    expect(cache.length - v8At(cache)).toBeGreaterThan(20_000);
  }
});

test('runs use the cache, and print the same bytes with it as without it', () => {
  const commands = [
    ['scan', home, '--json'],
    ['scan', home],
    ['apply', '--plan', join(REPO, 'samples', 'demo-plan.json'), home, '--dry-run'],
    ['inspect', join(home, 'repository', 'resources', 'security', 'demo-keystore.p12'), '--password-env', 'DEMO_STORE_PASS', '--json'],
    ['--help'],
  ];
  for (const args of commands) {
    const cached = run(args, { WSO2KS_CODE_CACHE: 'report' });
    const command = args[0] === '--help' ? null : `commands/${args[0]}.js`;
    expect(report(cached)).toEqual({ 'cli/entry.js': 'used', ...(command ? { [`cli/${command}`]: 'used' } : {}) });
    const without = run(args, { WSO2KS_CODE_CACHE: 'off' });
    expect(without.code).toBe(0);
    expect(without.stderr).not.toMatch(/code cache/);
    expect(plain(cached)).toEqual(without);
    expect(run(args)).toEqual(without);
  }
});

test('a corrupt, truncated or stale cache is ignored: a plain compile, the same output', () => {
  const args = ['scan', home, '--json'];
  const want = run(args, { WSO2KS_CODE_CACHE: 'off' });
  expect(want.code).toBe(0);
  const corruptions: Array<[string, (b: Buffer) => Buffer, string]> = [
    ['one byte of the file copy changed', (b) => Buffer.concat([b.subarray(0, MAGIC.length + 40), Buffer.from([b[MAGIC.length + 40] ^ 1]), b.subarray(MAGIC.length + 41)]), 'stale'],
    ['the length changed', (b) => Buffer.concat([b.subarray(0, MAGIC.length), Buffer.from([b[MAGIC.length] ^ 1]), b.subarray(MAGIC.length + 1)]), 'stale'],
    ['another magic (format)', (b) => Buffer.concat([Buffer.from('WKSC9\n'), b.subarray(MAGIC.length)]), 'stale'],
    ['cut inside the header', (b) => b.subarray(0, 10), 'stale'],
    ['empty', () => Buffer.alloc(0), 'stale'],
    ['V8 data cut in half', (b) => b.subarray(0, v8At(b) + ((b.length - v8At(b)) >> 1)), 'rejected'],
    ['the file copy only', (b) => b.subarray(0, v8At(b)), 'stale'],
  ];
  for (const rel of ['entry.js', 'commands/scan.js']) {
    for (const [what, change, status] of corruptions) {
      withChanged(`${file(rel)}.cache`, change, () => {
        const r = run(args, { WSO2KS_CODE_CACHE: 'report' });
        expect({ what, rel, status: report(r)[`cli/${rel}`] }).toEqual({ what, rel, status });
        expect(plain(r)).toEqual(want);
      });
    }
    const cache = `${file(rel)}.cache`;
    const saved = readFileSync(cache);
    rmSync(cache);
    try {
      const r = run(args, { WSO2KS_CODE_CACHE: 'report' });
      expect(report(r)[`cli/${rel}`]).toBe('none');
      expect(plain(r)).toEqual(want);
    } finally {
      writeFileSync(cache, saved);
    }
  }
});

test('a cache made for other content of the same length is never used (V8 alone would run it)', () => {
  const entry = file('entry.js');
  const from = 'Point a WSO2 Carbon server at a new keystore';
  const to = 'Point a WSO2 Carbon server at a NEW keystore';
  expect(readFileSync(entry, 'utf8').split(from)).toHaveLength(2);
  withChanged(entry, (b) => Buffer.from(b.toString('utf8').replace(from, to)), () => {
    // What the hash guards against: V8 checks only the length, accepts the old cache for the new
    // source, and runs the old bytecode (the old description).
    const probe = `
      const vm = require('node:vm'), fs = require('node:fs'), path = require('node:path');
      const f = ${JSON.stringify(entry)};
      const src = ${JSON.stringify(WRAP[0])} + fs.readFileSync(f, 'utf8') + ${JSON.stringify(WRAP[1])};
      const s = new vm.Script(src, { filename: f, cachedData: fs.readFileSync(f + '.cache').subarray(${v8At(readFileSync(`${entry}.cache`))}) });
      const m = { exports: {} };
      s.runInThisContext().call(m.exports, m.exports, require, m, f, path.dirname(f));
      process.stderr.write('rejected=' + s.cachedDataRejected + '\\n');
      m.exports.main(['--help'], m.exports.processIo());`;
    const v8alone = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', env: { PATH: process.env.PATH, NO_COLOR: '1' } });
    expect(v8alone.stderr).toContain('rejected=false');
    expect(v8alone.stdout).toContain(from);

    const r = run(['--help'], { WSO2KS_CODE_CACHE: 'report' });
    expect(report(r)).toEqual({ 'cli/entry.js': 'stale' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(to);
    expect(r.stdout).not.toContain(from);
  });
});

test('a cache that cannot be written in write mode is reported, and leaves no temporary file behind', () => {
  const cache = `${file('entry.js')}.cache`;
  const saved = readFileSync(cache);
  rmSync(cache);
  mkdirSync(cache); // rename onto a directory fails after the temporary file is written
  try {
    const r = run(['--help'], { WSO2KS_CODE_CACHE: 'write' });
    expect(r.stdout).toContain('Usage');
    expect(r.stderr).toMatch(/^code cache: .*entry\.js\.cache not written: /m);
    expect(r.code).toBe(1);
    expect(readdirSync(join(bundle, 'cli')).filter((f) => f.startsWith('entry.js.cache.'))).toEqual([]);
  } finally {
    rmSync(cache, { recursive: true, force: true });
    writeFileSync(cache, saved);
  }
});

test('WSO2KS_NO_BUNDLE still runs dist/, without the cache', () => {
  expect(existsSync(join(root, 'dist', 'cli', 'main.js'))).toBe(true);
  const r = run(['scan', home, '--json'], { WSO2KS_NO_BUNDLE: '1', WSO2KS_CODE_CACHE: 'report' });
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout).references.length).toBeGreaterThan(0);
});

test('under --enable-source-maps the bundle loads the Node way (which maps stack traces through the .map files)', () => {
  const r = spawnSync(process.execPath, ['--enable-source-maps', cli, 'scan', home, '--json'], {
    cwd: work,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', WSO2KS_CODE_CACHE: 'report' },
    encoding: 'utf8',
  });
  expect(r.status).toBe(0);
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe(run(['scan', home, '--json']).stdout);
});
