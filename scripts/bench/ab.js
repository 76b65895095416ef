#!/usr/bin/env node
'use strict';
/**
 * A/B of two commands, the way `npm run bench` times its figures (measure.js `compare`: alternating
 * runs after a warm-up, medians, min / median / max): for judging one change against its parent, or
 * an idea against what is there, on a noisy machine.
 *
 *   node scripts/bench/ab.js [--runs N] [--warmup N] -- A-command args… -- B-command args…
 *
 * e.g. the bundle as built against a copy kept from before a change:
 *   node scripts/bench/ab.js --runs 15 -- node /tmp/before/bin/wso2-keystore.js scan HOME --json -- node bin/wso2-keystore.js scan HOME --json
 *
 * Prints both lines and B/A, the ratio of medians. Each command must exit 0. Output is piped away,
 * as in the bench; the environment is this one's.
 */
const { compare } = require('./measure');

function parse(argv) {
  const opts = { runs: 15, warmup: 2 };
  const dash = argv.indexOf('--');
  const head = dash === -1 ? argv : argv.slice(0, dash);
  for (let i = 0; i < head.length; i++) {
    const [flag, v] = [head[i], Number(head[i + 1])];
    if ((flag === '--runs' || flag === '--warmup') && Number.isInteger(v) && v >= (flag === '--runs' ? 1 : 0)) {
      opts[flag.slice(2)] = v;
      i++;
    } else throw new Error(`unknown or bad option: ${flag}`);
  }
  const rest = dash === -1 ? [] : argv.slice(dash + 1);
  const second = rest.indexOf('--');
  const a = second === -1 ? [] : rest.slice(0, second);
  const b = second === -1 ? [] : rest.slice(second + 1);
  if (!a.length || !b.length) throw new Error('give two commands: -- A-command args… -- B-command args…');
  const cmd = (words, label) => ({ label, cmd: words[0] === 'node' ? process.execPath : words[0], args: words.slice(1) });
  return { opts, a: cmd(a, 'A'), b: cmd(b, 'B') };
}

function main() {
  let p;
  try {
    p = parse(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`ab: ${e.message}\nusage: node scripts/bench/ab.js [--runs N] [--warmup N] -- A-command args… -- B-command args…\n`);
    process.exit(2);
  }
  let r;
  try {
    r = compare(p.b, p.a, p.opts); // subject B, baseline A: the ratio reads "B is r times A"
  } catch (e) {
    process.stderr.write(`ab: ${e.message}\n`);
    process.exit(1);
  }
  const line = (name, s) => `${name}  ${s.min.toFixed(1)} / ${s.median.toFixed(1)} / ${s.max.toFixed(1)} ms (min / median / max, ${s.runs} runs)`;
  process.stdout.write(`${line('A', r.baseline)}\n${line('B', r.subject)}\nB/A ${r.ratio.toFixed(2)}x\n`);
}

main();
