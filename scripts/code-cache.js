#!/usr/bin/env node
'use strict';
/**
 * `npm run build` step 3 (run by scripts/bundle.js): the V8 code cache of the bundle, as
 * <file>.js.cache next to each bundle file (bin/wso2-keystore.js explains the format and why
 * the cache lives there and nowhere else).
 *
 * A cache made from the source alone holds only the top level; the functions a run calls are
 * compiled lazily, on first call. So the cache is made by running the CLI, from bin/ as a user
 * would, on a scratch copy of the sample home, with WSO2KS_CODE_CACHE=write: at exit, bin/ writes
 * each bundle file's cache with what the run compiled, on top of the cache it started from, so the
 * runs below add up (apply's dry run, then the real apply, both land in apply.js's cache).
 *
 * Needs neither Java nor a network: the sample home, its plan and the demo keystore are in samples/.
 * The wizard needs a terminal: with node-pty (a devDependency) or util-linux `script` it runs until
 * its first prompt and gets Ctrl-C; without either, its run without a terminal still loads it.
 *
 * A run that fails does not fail the build (the CLI works without a cache); it is reported.
 * `node scripts/code-cache.js --check` lists the caches and what each run did.
 */
const { spawnSync } = require('node:child_process');
const { method, promptIn, spawnOnTerminal } = require('./bench/pty');
const { cpSync, copyFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, relative } = require('node:path');

const REPO = join(__dirname, '..');
const BUNDLE = join(REPO, 'dist', 'bundle');
const CLI = join(REPO, 'bin', 'wso2-keystore.js');
const SAMPLES = join(REPO, 'samples');
const DEMO_PASS = 'demo-store-pass';

function cacheFiles(dir = BUNDLE, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) cacheFiles(p, out);
    else if (e.name.endsWith('.js.cache')) out.push(p);
  }
  return out;
}

/** The CLI's environment for these runs: no colour, no inherited V8 flags (they key the cache). */
function runEnv() {
  const env = { ...process.env, WSO2KS_CODE_CACHE: 'write', DEMO_STORE_PASS: DEMO_PASS, WSO2_PASS: 'wso2carbon', NO_COLOR: '1' };
  // V8 rejects a cache made under other flags: NODE_OPTIONS=--max-old-space-size=… at build time
  // would make a cache no ordinary run can use.
  delete env.NODE_OPTIONS;
  delete env.WSO2KS_NO_BUNDLE;
  delete env.WSO2KS_DEBUG;
  return env;
}

/** The wizard on a pseudo-terminal until its first prompt, then Ctrl-C (it exits 130 and bin/ writes). */
function wizardOnTerminal(home, cwd, env) {
  const termEnv = { ...env, TERM: 'xterm-256color' };
  delete termEnv.NO_COLOR;
  return new Promise((resolve) => {
    let seen = '';
    let sent = false;
    const term = spawnOnTerminal(
      { cmd: process.execPath, args: [CLI, 'setup', home], cwd, env: termEnv },
      {
        onData: (d) => {
          seen += String(d);
          if (!sent && promptIn(seen)) {
            sent = true;
            term.write('\x03');
          }
        },
        onExit: (code) => {
          clearTimeout(timer);
          resolve({ ok: sent && code === 130, how: `${method()}, exit ${code}` });
        },
      },
    );
    const timer = setTimeout(() => {
      term.kill();
      resolve({ ok: false, how: 'no prompt within 20 s' });
    }, 20000);
  });
}

async function main() {
  if (!statSync(join(BUNDLE, 'cli', 'entry.js'), { throwIfNoEntry: false })) {
    process.stderr.write('code-cache: no bundle (dist/bundle/cli/entry.js); nothing to cache\n');
    return;
  }
  for (const f of cacheFiles()) rmSync(f, { force: true });

  const scratch = mkdtempSync(join(tmpdir(), 'wso2-keystore-code-cache-'));
  const log = [];
  try {
    const home = join(scratch, 'wso2ei-6.2.0');
    cpSync(join(SAMPLES, 'wso2ei-6.2.0'), home, { recursive: true });
    const sec = join(home, 'repository', 'resources', 'security');
    copyFileSync(join(SAMPLES, 'keystores', 'demo-keystore.p12'), join(sec, 'demo-keystore.p12'));
    const plan = join(SAMPLES, 'demo-plan.json');
    const env = runEnv();

    // What users run, in an order where each run finds what it needs (a checkpoint to list and
    // restore after the real apply). Exit codes other than 0 are fine where the command says
    // something true about the sample (verify finds the sample's default keystores wanting).
    const runs = [
      ['scan', home, '--json'],
      ['scan', home],
      ['inspect', join(sec, 'demo-keystore.p12'), '--password-env', 'DEMO_STORE_PASS'],
      ['inspect', join(sec, 'wso2carbon.jks'), '--password-env', 'WSO2_PASS', '--json'],
      ['verify', home],
      ['verify', home, '--json'],
      ['apply', '--plan', plan, home, '--dry-run'],
      ['apply', '--plan', plan, home, '--dry-run', '--json'],
      ['apply', '--plan', plan, home, '--yes'],
      ['backups', home],
      ['backups', home, '--json'],
      ['restore', home, '--dry-run'],
      ['restore', home, '--yes'],
      ['--help'],
    ];
    for (const args of runs) {
      const r = spawnSync(process.execPath, [CLI, ...args], { cwd: scratch, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
      log.push({ run: args.map((a) => (a.startsWith(scratch) ? relative(scratch, a) : a.startsWith(REPO) ? relative(REPO, a) : a)).join(' '), exit: r.status, stderr: r.status > 2 || r.status === null ? (r.stderr || String(r.error)).slice(-400) : undefined });
    }
    const wiz = await wizardOnTerminal(home, scratch, env).catch((e) => ({ ok: false, how: e.message }));
    log.push({ run: 'setup HOME (terminal, until the first prompt)', exit: wiz.how });
    if (!wiz.ok) {
      // No terminal to be had: loading the wizard's bundle is still worth caching.
      const r = spawnSync(process.execPath, [CLI, 'setup', home], { cwd: scratch, env, stdio: ['ignore', 'pipe', 'pipe'] });
      log.push({ run: 'setup HOME (no terminal)', exit: r.status });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const made = cacheFiles().map((f) => `${relative(BUNDLE, f)} ${(statSync(f).size / 1024).toFixed(0)} KiB`);
  if (process.env.BUNDLE_VERBOSE || process.argv.includes('--check')) {
    for (const l of log) process.stderr.write(`code-cache: ${l.run}: exit ${l.exit}${l.stderr ? `\n${l.stderr}` : ''}\n`);
    process.stderr.write(`code-cache: ${made.join(', ')}\n`);
  }
  const failed = log.filter((l) => l.stderr);
  if (failed.length) process.stderr.write(`code-cache: ${failed.length} run(s) failed (the CLI works without their cache):\n${failed.map((l) => `  ${l.run}: ${l.stderr}`).join('\n')}\n`);
  if (process.env.CODE_CACHE_LOG) writeFileSync(process.env.CODE_CACHE_LOG, JSON.stringify({ log, made }, null, 2));
}

/** Never throws: the CLI runs without a cache, so a build does not fail for want of one. */
function makeCodeCache() {
  return main().catch((e) => {
    process.stderr.write(`code-cache: not made: ${e.message}\n`);
  });
}

if (require.main === module) makeCodeCache();

module.exports = { makeCodeCache };
