#!/usr/bin/env node
'use strict';
/**
 * CLI-level fault injection (issue 6): kill `wso2-keystore apply --plan … --yes` with SIGKILL at random
 * moments, run the tool again (`backups HOME`, which recovers an interrupted run first), and check that
 * every file under HOME is byte-identical either to the original set or to the fully applied set
 * (computed once by a clean apply on another copy), never a mix.
 *
 *   node scripts/fault-inject.js [N=500] [--home ei-6.2.0|apim-2.2.0] [--seed S] [--jobs J] [--json]
 *
 * Needs `npm run build` (it runs bin/wso2-keystore.js on dist/) and keytool (the new keystore is made
 * by Java, like an administrator would). Each run uses a fresh copy of a real home from
 * ../shared/fixtures, in os.tmpdir(), removed afterwards.
 *
 * Three kinds of kill, mixed over the N runs (a run's kind is i % 10: 0-3 uniform, 4-6 window, 7-9 step):
 * - uniform: a random delay over the whole measured run time (start-up and planning included);
 * - window:  the child prints a line when it creates its `.partial` checkpoint folder (a traced preload,
 *            see below); the parent kills it a random delay after reading that line, the delay uniform
 *            over 1.2 × the measured transaction time, so most of these land between file renames;
 * - step:    a preload (`node -r`, written to a temp file by this script; nothing in src/ knows about it)
 *            wraps node:fs/promises and SIGKILLs the process right before its k-th mutating call
 *            (open, mkdir, rename, unlink, rm, chmod, chown), k going over every call of a clean run in
 *            a seeded random order:
 *            this is the "kill between two renames" case, made certain rather than likely.
 *
 * Outcome of a run: `original` (every file as before), `applied` (every file as after a clean apply),
 * `mixed` (each file is one or the other, but not all the same one), `corrupt` (a file is neither, a
 * file is missing, or a stray file such as a temp file is left). Other failures (second run not exit
 * 0, lock or .partial left after it, an `applied` run without a committed checkpoint) are listed too.
 * `midTransaction` counts the kills that left a `.partial` checkpoint behind (checked before recovery).
 *
 * Exit code: 0 when there is no mixed, corrupt or failed run; 1 otherwise; 2 on a usage error.
 */
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { copyHome, keytool, prng, REPO } = require('./bench/fixtures');

/** Set by snapshotTool(): the runs use a private copy of the built tool (see there). */
let BIN = path.join(REPO, 'bin', 'wso2-keystore.js');
/** Regex and XML specials on purpose: it must never show up in any output, and it must survive escaping. */
const PASSWORD = `p@$$(w0rd)*&<"'`;
const HOMES = {
  'ei-6.2.0': { functions: { primary: 'newks', tls: 'newks', axis2: 'newks', secPolicy: 'newks' } },
  'apim-2.2.0': { functions: { primary: 'newks', tls: 'newks', axis2: 'newks' } },
};

const PRELOAD = `'use strict';
// Written by scripts/fault-inject.js. WSO2KS_FI_KILL_AT=k: SIGKILL before the k-th mutating fs call.
// WSO2KS_FI_TRACE=1: print "@fi <event>" to stderr at the transaction's first and last step.
const fsp = require('node:fs/promises');
const killAt = Number(process.env.WSO2KS_FI_KILL_AT || 0);
const trace = process.env.WSO2KS_FI_TRACE === '1';
let n = 0;
for (const op of ['open', 'mkdir', 'rename', 'unlink', 'rm', 'chmod', 'chown']) {
  const real = fsp[op];
  fsp[op] = function (...args) {
    n++;
    if (killAt && n === killAt) process.kill(process.pid, 'SIGKILL');
    if (trace && op === 'mkdir' && String(args[0]).endsWith('.partial')) process.stderr.write('@fi begin\\n');
    const r = real.apply(this, args);
    if (trace && op === 'rename' && String(args[0]).endsWith('.partial')) r.then(() => process.stderr.write('@fi commit\\n'), () => {});
    return r;
  };
}
process.on('exit', () => { if (trace) process.stderr.write('@fi calls ' + n + '\\n'); });
`;

function usage(msg) {
  process.stderr.write(`${msg}\nusage: node scripts/fault-inject.js [N=500] [--home ${Object.keys(HOMES).join('|')}] [--seed S] [--jobs J] [--json]\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { n: 500, home: 'ei-6.2.0', seed: Date.now() % 2 ** 31, jobs: Math.max(1, Math.min(4, os.cpus().length)), json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--json') o.json = true;
    else if (a === '--home') o.home = val();
    else if (a === '--seed') o.seed = Number(val());
    else if (a === '--jobs') o.jobs = Number(val());
    else if (/^\d+$/.test(a)) o.n = Number(a);
    else usage(`unknown argument ${a}`);
  }
  if (!HOMES[o.home]) usage(`unknown home ${o.home}`);
  if (!Number.isInteger(o.n) || o.n < 1) usage('N must be a positive integer');
  if (!Number.isInteger(o.jobs) || o.jobs < 1) usage('--jobs must be a positive integer');
  if (!Number.isFinite(o.seed)) usage('--seed must be a number');
  return o;
}

const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');

/** Every file under HOME except .wso2-keystore: relative path → sha256. */
function snapshot(home) {
  const out = {};
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      const rel = path.relative(home, abs).split(path.sep).join('/');
      if (rel === '.wso2-keystore') continue;
      if (e.isDirectory()) walk(abs);
      else out[rel] = sha(fs.readFileSync(abs));
    }
  };
  walk(home);
  return out;
}

function classify(snap, original, applied) {
  const keys = new Set([...Object.keys(snap), ...Object.keys(original), ...Object.keys(applied)]);
  let isOriginal = true;
  let isApplied = true;
  let corrupt = [];
  for (const k of keys) {
    const s = snap[k];
    if (s !== original[k]) isOriginal = false;
    if (s !== applied[k]) isApplied = false;
    if (s !== original[k] && s !== applied[k]) corrupt.push(k);
  }
  if (isOriginal) return { outcome: 'original' };
  if (isApplied) return { outcome: 'applied' };
  if (corrupt.length) return { outcome: 'corrupt', files: corrupt };
  return { outcome: 'mixed', files: [...keys].filter((k) => snap[k] !== original[k]) };
}

function checkpoints(home) {
  try {
    return fs.readdirSync(path.join(home, '.wso2-keystore', 'backups'));
  } catch {
    return [];
  }
}

/** Spawn the CLI; resolves with exit code, signal, output and the parent-clock time of traced events. */
function runCli(args, { env = {}, preload = null, killAfterMs = null, killAfterBeginMs = null } = {}) {
  return new Promise((resolve) => {
    const nodeArgs = preload ? ['-r', preload, BIN, ...args] : [BIN, ...args];
    const t0 = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
    const child = spawn(process.execPath, nodeArgs, {
      env: { ...process.env, NEWKS_PASS: PASSWORD, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const events = {};
    let killed = false;
    let timer = null;
    if (killAfterMs !== null) {
      timer = setTimeout(() => {
        killed = child.kill('SIGKILL');
      }, killAfterMs);
    }
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      for (const m of String(d).matchAll(/@fi (begin|commit)/g)) {
        if (m[1] in events) continue;
        events[m[1]] = ms();
        if (m[1] === 'begin' && killAfterBeginMs !== null) {
          timer = setTimeout(() => {
            killed = child.kill('SIGKILL');
          }, killAfterBeginMs);
        }
      }
      const c = /@fi calls (\d+)/.exec(stderr);
      if (c) events.calls = Number(c[1]);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, events, killed: killed && signal === 'SIGKILL', ms: ms() });
    });
  });
}

function makeKeystore(dest) {
  keytool(['-genkeypair', '-alias', 'newkey', '-keystore', dest, '-storetype', 'JKS', '-storepass', PASSWORD,
    '-keypass', PASSWORD, '-dname', 'CN=localhost, O=Fault Injection', '-keyalg', 'RSA', '-keysize', '2048', '-validity', '365']);
}

/**
 * Copy bin/, dist/, templates/ and package.json into the work folder (node_modules linked), so a
 * rebuild of the checkout during a long run (other people share it) cannot make a run load a
 * half-written dist/ and fail for a reason that has nothing to do with the kill.
 */
function snapshotTool(work) {
  const tool = path.join(work, 'tool');
  // preserveTimestamps: bin/ picks dist/bundle only when it is at least as new as dist/cli/main.js.
  for (const d of ['bin', 'dist', 'templates']) fs.cpSync(path.join(REPO, d), path.join(tool, d), { recursive: true, preserveTimestamps: true });
  fs.copyFileSync(path.join(REPO, 'package.json'), path.join(tool, 'package.json'));
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(tool, 'node_modules'));
  BIN = path.join(tool, 'bin', 'wso2-keystore.js');
}

async function prepare(o, work) {
  snapshotTool(work);
  const template = copyHome(o.home, work, 'template');
  makeKeystore(path.join(template, 'repository', 'resources', 'security', 'fi-new.jks'));
  const plan = path.join(work, 'plan.json');
  fs.writeFileSync(
    plan,
    JSON.stringify({
      version: 1,
      confirmInternalKeystoreChange: true,
      keystores: { newks: { path: 'repository/resources/security/fi-new.jks', type: 'JKS', password: { env: 'NEWKS_PASS' }, alias: 'newkey' } },
      functions: HOMES[o.home].functions,
    }),
  );
  const preload = path.join(work, 'preload.js');
  fs.writeFileSync(preload, PRELOAD);
  return { template, plan, preload };
}

const newHome = (ctx, work, name) => {
  const home = path.join(work, name);
  fs.cpSync(ctx.template, home, { recursive: true });
  return home;
};

/**
 * Clean applies: the applied set, then traced runs at the same concurrency as the real ones (so the
 * timing matches the load): run time, transaction window (quartiles of its begin and commit) and the
 * number of fs calls.
 */
async function calibrate(ctx, work, original, jobs) {
  const once = async (name, traced) => {
    const home = newHome(ctx, work, name);
    const r = await runCli(['apply', '--plan', ctx.plan, home, '--yes', '--json'], {
      preload: traced ? ctx.preload : null,
      env: traced ? { WSO2KS_FI_TRACE: '1' } : {},
    });
    if (r.code !== 0) throw new Error(`the clean apply failed (exit ${r.code}): ${r.stderr}${r.stdout}`);
    r.snap = snapshot(home);
    fs.rmSync(home, { recursive: true, force: true });
    return r;
  };
  const applied = (await once('cal', false)).snap;
  const runs = [];
  await pool(Math.max(6, 3 * jobs), jobs, async (i) => {
    runs.push(await once(`cal-${i}`, true));
  });
  for (const r of runs) if (JSON.stringify(r.snap) !== JSON.stringify(applied)) throw new Error('two clean applies gave different bytes');
  const q = (xs, f) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * f)];
  const begin = q(runs.map((r) => r.events.begin), 0.25);
  const commit = q(runs.map((r) => r.events.commit), 0.75);
  const calls = Math.max(...runs.map((r) => r.events.calls));
  if (!(begin < commit) || !calls) throw new Error('calibration saw no transaction events');
  const files = Object.keys(applied).filter((k) => applied[k] !== original[k]).length;
  const txMs = q(runs.map((r) => r.events.commit - r.events.begin), 0.75);
  return { applied, files, runMs: q(runs.map((r) => r.ms), 0.5), window: [begin, commit], txMs, calls };
}

async function pool(n, jobs, fn) {
  let next = 0;
  const worker = async () => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(jobs, n) }, worker));
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(REPO, 'dist', 'cli', 'main.js'))) usage('dist/ is missing: run npm run build first');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wso2ks-fi-'));
  const started = Date.now();
  try {
    const ctx = await prepare(o, work);
    const original = snapshot(ctx.template);
    const cal = await calibrate(ctx, work, original, o.jobs);
    const random = prng(o.seed); // seeded, so a run can be repeated with --seed
    /** Every fs-call index 1..calls once, shuffled (Fisher-Yates), so a small N still spreads over the run. */
    const stepOrder = Array.from({ length: cal.calls }, (_, j) => j + 1);
    for (let j = stepOrder.length - 1; j > 0; j--) {
      const x = Math.floor(random() * (j + 1));
      [stepOrder[j], stepOrder[x]] = [stepOrder[x], stepOrder[j]];
    }
    const counts = { original: 0, applied: 0, mixed: 0, corrupt: 0 };
    const kinds = { uniform: 0, window: 0, step: 0 };
    /** Where each kind of kill landed: before the checkpoint existed, mid-transaction, after the commit. */
    const phases = Object.fromEntries(Object.keys(kinds).map((k) => [k, { before: 0, mid: 0, after: 0 }]));
    const stats = { killed: 0, finishedBeforeKill: 0, midTransaction: 0, committedBeforeRecovery: 0, lockLeftByKill: 0, recoveredBySecondRun: 0 };
    const failures = [];
    const leak = [];

    await pool(o.n, o.jobs, async (i) => {
      const r = i % 10;
      const kind = r < 4 ? 'uniform' : r < 7 ? 'window' : 'step';
      kinds[kind]++;
      const home = newHome(ctx, work, `run-${i}`);
      let how;
      let first;
      if (kind === 'step') {
        const k = stepOrder[(Math.floor(i / 10) * 3 + (r - 7)) % cal.calls];
        how = `kill before fs call ${k}/${cal.calls}`;
        first = await runCli(['apply', '--plan', ctx.plan, home, '--yes'], { preload: ctx.preload, env: { WSO2KS_FI_KILL_AT: String(k) } });
      } else if (kind === 'window') {
        const delay = random() * cal.txMs * 1.2;
        how = `kill ${delay.toFixed(1)} ms after the checkpoint folder appeared`;
        first = await runCli(['apply', '--plan', ctx.plan, home, '--yes'], {
          preload: ctx.preload,
          env: { WSO2KS_FI_TRACE: '1' },
          killAfterBeginMs: delay,
        });
      } else {
        const delay = random() * cal.runMs * 1.1;
        how = `kill after ${delay.toFixed(1)} ms`;
        first = await runCli(['apply', '--plan', ctx.plan, home, '--yes'], { killAfterMs: delay });
      }
      const killed = first.signal === 'SIGKILL';
      if (killed) stats.killed++;
      else stats.finishedBeforeKill++;
      const cps = checkpoints(home);
      const partial = cps.some((n) => n.endsWith('.partial'));
      const committed = cps.some((n) => !n.endsWith('.partial'));
      if (partial) stats.midTransaction++;
      if (committed) stats.committedBeforeRecovery++;
      phases[kind][partial ? 'mid' : committed ? 'after' : 'before']++;
      if (fs.existsSync(path.join(home, '.wso2-keystore', 'lock'))) stats.lockLeftByKill++;

      const second = await runCli(['backups', home, '--json']);
      const problems = [];
      if (second.code !== 0) problems.push(`second run exit ${second.code}: ${second.stderr.trim()}`);
      let recovered = null;
      try {
        recovered = JSON.parse(second.stdout).recovered;
      } catch {
        problems.push('second run printed no JSON');
      }
      if (recovered) stats.recoveredBySecondRun++;
      if (partial && !recovered) problems.push('a .partial was left but the second run reported no recovery');
      if (fs.existsSync(path.join(home, '.wso2-keystore', 'lock'))) problems.push('lock left after the second run');
      const after = checkpoints(home);
      if (after.some((n) => n.endsWith('.partial'))) problems.push('.partial left after the second run');
      const c = classify(snapshot(home), original, cal.applied);
      counts[c.outcome]++;
      if (c.outcome === 'applied' && after.length !== 1) problems.push(`applied, but ${after.length} checkpoints`);
      if (c.outcome === 'original' && after.length !== 0) problems.push(`original, but checkpoints left: ${after.join(', ')}`);
      if (!killed && (first.code !== 0 || c.outcome !== 'applied')) {
        problems.push(`not killed, exit ${first.code}, outcome ${c.outcome}: ${first.stderr.replace(/@fi .*\n/g, '').trim().slice(0, 300)}`);
      }
      for (const out of [first.stdout, first.stderr, second.stdout, second.stderr]) {
        if (out.includes(PASSWORD)) leak.push(i);
      }
      if (c.files) problems.push(`${c.outcome}: ${c.files.join(', ')}`);
      if (problems.length) failures.push({ run: i, kind, how, partial, problems });
      fs.rmSync(home, { recursive: true, force: true });
      if (!o.json && (i + 1) % 50 === 0) process.stderr.write(`  ${i + 1}/${o.n}\n`);
    });

    const result = {
      n: o.n,
      home: o.home,
      seed: o.seed,
      jobs: o.jobs,
      filesChangedByApply: cal.files,
      calibration: { runMs: Math.round(cal.runMs), transactionWindowMs: cal.window.map((x) => Math.round(x)), transactionMs: Math.round(cal.txMs), fsCalls: cal.calls },
      kinds,
      phases,
      counts,
      ...stats,
      passwordLeaks: leak.length,
      failures: failures.slice(0, 20),
      failureCount: failures.length,
      seconds: Math.round((Date.now() - started) / 1000),
    };
    if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      process.stdout.write(
        `fault injection: ${o.n} SIGKILLed applies on ${o.home} (${cal.files} files change), seed ${o.seed}, ${result.seconds} s\n` +
          `  kinds: ${kinds.uniform} uniform delay over ${result.calibration.runMs} ms, ${kinds.window} in the transaction window ` +
          `${result.calibration.transactionMs} ms after it begins, ${kinds.step} before fs call k of ${cal.calls}\n` +
          `  killed ${stats.killed}, finished before the kill ${stats.finishedBeforeKill}; mid-transaction (.partial left) ${stats.midTransaction}; ` +
          `lock left by the kill ${stats.lockLeftByKill}\n` +
          `  where kills landed (before checkpoint / mid-transaction / after commit): ` +
          `${Object.entries(phases).map(([k, p]) => `${k} ${p.before}/${p.mid}/${p.after}`).join(', ')}\n` +
          `  outcome: original ${counts.original}, applied ${counts.applied}, mixed ${counts.mixed}, corrupt ${counts.corrupt}; ` +
          `other failures ${failures.length}; password leaks ${leak.length}\n`,
      );
      for (const f of failures.slice(0, 20)) process.stdout.write(`  run ${f.run} (${f.how}): ${f.problems.join('; ')}\n`);
    }
    process.exitCode = counts.mixed || counts.corrupt || failures.length || leak.length ? 1 : 0;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`fault-inject: ${e && e.stack ? e.stack : e}\n`);
  process.exitCode = 1;
});
