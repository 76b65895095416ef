/**
 * Smoke test of `npm run bench` (scripts/bench.js): with tiny sizes and one timed run, the figures
 * that need neither keytool nor a terminal are measured and written as JSON. It checks the script
 * works, not how fast the CLI is: the figures of a 1-run, tiny-size benchmark mean nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, REPO } from '../helpers/home';

interface Row {
  id: number;
  ratio: number;
  subject: { min: number; median: number; max: number; runs: number };
  baseline: { median: number };
  sizes?: Array<{ mb: number; bytes: number; cli: { peakRssKiB?: number; error?: string }; planner: { peakRssKiB?: number; error?: string } }>;
  scanReferences?: number;
  grepLines?: number;
}

test('bench --quick measures --version, scan, the big-tree scan and edit scaling, and writes JSON', () => {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'wso2-ks-bench-test-'));
  try {
    const out = join(dir, 'results.json');
    const r = spawnSync(
      process.execPath,
      [join(REPO, 'scripts', 'bench.js'), '--quick', '--only', '1,4,5', '--runs', '1', '--tree', '60,300000,6', '--sizes', '0.02,0.05,0.1', '--out', out],
      { encoding: 'utf8', env: { ...process.env, WSO2KS_BENCH_CACHE: join(dir, 'cache') }, timeout: 120_000 },
    );
    expect(r.stderr).not.toMatch(/bench failed/);
    expect(r.status).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8')) as { quick: boolean; results: Row[] };
    expect(json.quick).toBe(true);
    expect(json.results.map((x) => x.id)).toEqual([1.1, 1.2, 4, 5]);
    for (const row of json.results) {
      expect(row.ratio).toBeGreaterThan(0);
      expect(row.subject.min).toBeLessThanOrEqual(row.subject.max);
    }
    const tree = json.results.find((x) => x.id === 4)!;
    // The generated references are found by the scan and by grep alike (grep also counts the
    // fixture home's own lines, including commented-out ones, so it finds at least as many).
    expect(tree.scanReferences).toBeGreaterThanOrEqual(6);
    expect(tree.grepLines).toBeGreaterThanOrEqual(tree.scanReferences!);
    const sizes = json.results.find((x) => x.id === 5)!.sizes!;
    expect(sizes.map((s) => s.mb)).toEqual([0.02, 0.05, 0.1]);
    expect(sizes[2].bytes).toBeGreaterThanOrEqual(100_000);
    for (const s of sizes) {
      expect(s.cli.error).toBeUndefined();
      expect(s.planner.peakRssKiB).toBeGreaterThan(0);
    }
    expect(r.stdout).toMatch(/--version/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
