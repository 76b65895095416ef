'use strict';
/**
 * Timing primitives for scripts/bench.js. Every figure is a ratio against a baseline timed side by
 * side: the subject and its baseline run alternately (A B A B …) after a warm-up, so a noisy
 * neighbour or a CPU frequency change hits both about equally. Runs are sequential (the benchmark
 * machine has 2 cores; parallel runs would measure contention).
 *
 * A run that exits with an unexpected status stops the benchmark: a fast failure is not a figure.
 */
const { spawnSync } = require('node:child_process');
const { existsSync, mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

/** { min, median, max } of a list of numbers (ms). */
function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { min: s[0], median, max: s[s.length - 1], runs: s.length };
}

/**
 * One command: { label, cmd, args, env?, cwd?, ok?: number[] (accepted exit codes, default [0]) }.
 * Returns wall-clock ms from spawn to exit, stdout/stderr piped (as a user's pipe would be).
 */
function runOnce(c) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c.cmd, c.args, {
    cwd: c.cwd,
    env: c.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const ok = c.ok ?? [0];
  if (r.error || !ok.includes(r.status)) {
    const why = r.error ? r.error.message : `exit ${r.status}${r.signal ? ` (${r.signal})` : ''}`;
    throw new Error(`${c.label}: ${why}\n${String(r.stderr ?? '').slice(0, 2000)}\n${String(r.stdout ?? '').slice(0, 500)}`);
  }
  return ms;
}

/**
 * Subject vs baseline, interleaved. Returns { subject: stats, baseline: stats, ratio } where ratio is
 * median(subject) / median(baseline).
 */
function compare(subject, baseline, { runs, warmup }) {
  for (let i = 0; i < warmup; i++) {
    runOnce(baseline);
    runOnce(subject);
  }
  const a = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first, so neither always runs right after the other's cache effects.
    if (i % 2) {
      a.push(runOnce(subject));
      b.push(runOnce(baseline));
    } else {
      b.push(runOnce(baseline));
      a.push(runOnce(subject));
    }
  }
  const s = stats(a);
  const base = stats(b);
  return { subject: s, baseline: base, ratio: s.median / base.median };
}

/** Peak memory: GNU time's max RSS when /usr/bin/time exists, else null (the caller falls back). */
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/**
 * Time and peak RSS (KiB) of one run. With GNU time the RSS is the child's high-water mark as the
 * kernel counts it. Without it (macOS, busybox), the command must be node: it is started with a
 * preload (rss-on-exit.js) that writes process.resourceUsage().maxRSS (also KiB) when it exits.
 */
function runWithMemory(c) {
  const dir = mkdtempSync(join(tmpdir(), 'wso2-ks-bench-time-'));
  try {
    const out = join(dir, 'rss.txt');
    let cmd = c.cmd;
    let args = c.args;
    if (GNU_TIME) {
      cmd = GNU_TIME;
      args = ['-f', '%M', '-o', out, c.cmd, ...c.args];
    } else if (c.cmd === process.execPath) {
      args = ['-r', join(__dirname, 'rss-on-exit.js'), ...c.args];
    } else {
      throw new Error(`${c.label}: no /usr/bin/time, and the peak memory of a non-node command cannot be read`);
    }
    const ms = runOnce({ ...c, cmd, args, env: { ...(c.env ?? process.env), BENCH_RSS_OUT: out } });
    const rssKiB = Number(readFileSync(out, 'utf8').trim().split('\n').pop());
    return { ms, rssKiB };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { stats, runOnce, compare, runWithMemory, GNU_TIME };
