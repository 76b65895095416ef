/**
 * SIGKILL at random moments during a real `apply` (the CLI as a child process), then `backups HOME`:
 * every file must be wholly original or wholly applied, never a mix; no lock or .partial left.
 * Small N here (20 runs, ~30 s); `node scripts/fault-inject.js 500` is the large run (docs/guarantees.md).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describeWithKeytool } from '../helpers/keytool';
import { REPO, distIsBuilt } from './helpers';

describeWithKeytool('fault injection: SIGKILL during apply, then the next run', () => {
  test('20 kills on EI 6.2.0: 0 mixed, 0 corrupt, some of them mid-transaction', () => {
    if (!distIsBuilt()) throw new Error('dist/ is missing: run npm run build (npm test does)');
    const seed = Number(process.env.WSO2KS_FI_SEED ?? Date.now() % 100000);
    const r = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'fault-inject.js'), '20', '--seed', String(seed), '--json'], {
      encoding: 'utf8',
      timeout: 150000,
    });
    expect(r.stderr).toBe('');
    const res = JSON.parse(r.stdout);
    // On failure the seed, the kinds of kill and the failing runs are in this message.
    const summary = JSON.stringify({ seed, counts: res.counts, phases: res.phases, failures: res.failures });
    expect({ summary, mixed: res.counts.mixed, corrupt: res.counts.corrupt, failures: res.failureCount, leaks: res.passwordLeaks }).toEqual({
      summary,
      mixed: 0,
      corrupt: 0,
      failures: 0,
      leaks: 0,
    });
    expect(res.n).toBe(20);
    expect(res.counts.original + res.counts.applied).toBe(20);
    expect(res.filesChangedByApply).toBe(6);
    // The window and step kinds exist to land between renames: they must have done so at least once.
    expect(res.midTransaction).toBeGreaterThan(0);
    expect(res.recoveredBySecondRun).toBe(res.midTransaction);
    expect(r.status).toBe(0);
  }, 180000);
});
