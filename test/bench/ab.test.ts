/** scripts/bench/ab.js: the A/B of two commands that docs/performance.md's figures cite. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '../helpers/home';

const AB = join(REPO, 'scripts', 'bench', 'ab.js');
const ab = (args: string[]) => spawnSync(process.execPath, [AB, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME } });

test('times both commands alternately and gives B/A as a ratio of medians', () => {
  // B busies the CPU for 300 ms more than A: whatever the machine's noise, B/A is well above 1.
  const r = ab(['--runs', '3', '--warmup', '0', '--', 'node', '-e', '0', '--', 'node', '-e', 'const t = Date.now(); while (Date.now() - t < 300);']);
  expect(r.status).toBe(0);
  const [a, b, ratio] = r.stdout.trim().split('\n');
  const median = (line: string) => Number(/\/ ([\d.]+) \//.exec(line)![1]);
  expect(a).toMatch(/^A {2}[\d.]+ \/ [\d.]+ \/ [\d.]+ ms \(min \/ median \/ max, 3 runs\)$/);
  expect(b).toMatch(/^B {2}[\d.]+ \/ [\d.]+ \/ [\d.]+ ms \(min \/ median \/ max, 3 runs\)$/);
  expect(median(b) - median(a)).toBeGreaterThan(250);
  expect(Number(/^B\/A ([\d.]+)x$/.exec(ratio)![1])).toBeCloseTo(median(b) / median(a), 1);
});

test('usage errors exit 2 and say how to call it', () => {
  for (const args of [['--runs', 'x'], ['--', 'node', '-e', '0'], []]) {
    const r = ab(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/usage: node scripts\/bench\/ab\.js/);
  }
});

test('a command that fails stops it with the failing command named', () => {
  const r = ab(['--runs', '1', '--warmup', '0', '--', 'node', '-e', '0', '--', 'node', '-e', 'process.exit(3)']);
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/^ab: B: exit 3/);
});
