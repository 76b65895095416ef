/**
 * Test homes: scratch copies of the real WSO2 fixture homes, hashes of every file in them, and a
 * runner for the built CLI (spawned as a process, the way users and scripts run it).
 */
import { spawnSync, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { structuredPatch } from 'diff';

export const REPO = join(__dirname, '..', '..');
export const FIXTURES = join(REPO, '..', 'shared', 'fixtures', 'wso2');
export const CLI = join(REPO, 'bin', 'wso2-keystore.js');

/** Every file under a folder, relative, with '/' separators. */
export function listFiles(dir: string, skip: (rel: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const rel = relative(dir, p).split(sep).join('/');
      if (skip(rel)) continue;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(rel);
    }
  };
  walk(dir);
  return out.sort();
}

/** The one copier of fixture homes, shared with scripts/ (plain JS). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fixtures = require('../../scripts/bench/fixtures.js') as { copyHome(fixture: string, into: string, name?: string): string };

/** A writable scratch copy of a fixture home (folders 0755, files 0644), `into/name` (a new temp folder by default). */
export function copyHome(fixture: string, into?: string, name = fixture): string {
  return fixtures.copyHome(fixture, into ?? mkdtempSync(join(tmpdir(), `wso2-ks-home-${fixture}-`)), name);
}

/** The README's demo: samples/demo-plan.json, and the environment that gives it its password. */
export const DEMO = { plan: join(REPO, 'samples', 'demo-plan.json'), password: 'demo-store-pass', env: { DEMO_STORE_PASS: 'demo-store-pass' } };

/** A scratch copy of samples/wso2ei-6.2.0 with samples/keystores/demo-keystore.p12 in place: DEMO.plan applies to it. */
export function demoHome(prefix: string): string {
  const home = join(mkdtempSync(join(tmpdir(), `wso2-ks-${prefix}-`)), 'wso2ei-6.2.0');
  cpSync(join(REPO, 'samples', 'wso2ei-6.2.0'), home, { recursive: true });
  copyFileSync(join(REPO, 'samples', 'keystores', 'demo-keystore.p12'), join(home, 'repository', 'resources', 'security', 'demo-keystore.p12'));
  return home;
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** sha256 of every file in a home (the tool's own state folder left out unless asked for). */
export function hashTree(home: string, withState = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of listFiles(home, (r) => !withState && r.startsWith('.wso2-keystore'))) out[rel] = sha256(readFileSync(join(home, rel)));
  return out;
}

/**
 * dist/ (tsc's output) as new as src/. With `bundle`, dist/bundle too (scripts/bundle.js, as `npm run
 * build` makes it): bin/ takes the bundle only when it is at least as new as dist/cli/main.js, so a
 * test that must run the bundle rebuilds it after a tsc run here.
 */
export function ensureBuilt(opts: { bundle?: boolean } = {}): void {
  const main = join(REPO, 'dist', 'cli', 'main.js');
  const stale = () => {
    if (!existsSync(main)) return true;
    const built = statSync(main).mtimeMs;
    return listFiles(join(REPO, 'src')).some((f) => statSync(join(REPO, 'src', f)).mtimeMs > built);
  };
  if (stale()) execFileSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO, 'tsconfig.build.json')], { stdio: 'pipe' });
  if (opts.bundle && !bundleIsCurrent()) execFileSync(process.execPath, [join(REPO, 'scripts', 'bundle.js')], { stdio: 'pipe' });
}

/** Whether bin/ runs the bundle: it exists and is at least as new as dist/cli/main.js. */
export function bundleIsCurrent(): boolean {
  const entry = join(REPO, 'dist', 'bundle', 'cli', 'entry.js');
  return existsSync(entry) && statSync(entry).mtimeMs >= statSync(join(REPO, 'dist', 'cli', 'main.js')).mtimeMs;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? REPO,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', NO_COLOR: '1', ...opts.env },
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** 1-based line numbers of `before` that the edit to `after` removed or replaced (a zero-context diff). */
export function removedLines(before: string, after: string): number[] {
  const p = structuredPatch('a', 'b', before, after, '', '', { context: 0 });
  const out: number[] = [];
  for (const h of p.hunks) {
    let old = h.oldStart;
    for (const l of h.lines) {
      if (l.startsWith('-')) out.push(old++);
      else if (!l.startsWith('+')) old++;
    }
  }
  return out;
}
