/** Restoring the same checkpoint twice (a re-run undo on a cluster node): the second run has nothing to do, and says so. */
import { copyFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, ensureBuilt, hashTree, runCli } from '../helpers/home';
import { tmpDir } from '../helpers/keytool';

beforeAll(() => ensureBuilt());

it('the second restore of a checkpoint is "nothing to restore", exit 0, not a conflict', () => {
  const home = join(tmpDir('restore-twice'), 'wso2ei-6.2.0');
  cpSync(join(REPO, 'samples', 'wso2ei-6.2.0'), home, { recursive: true });
  copyFileSync(join(REPO, 'samples', 'keystores', 'demo-keystore.p12'), join(home, 'repository', 'resources', 'security', 'demo-keystore.p12'));
  const before = hashTree(home);
  const id = JSON.parse(runCli(['apply', '--plan', join(REPO, 'samples', 'demo-plan.json'), home, '--yes', '--json'], { env: { DEMO_STORE_PASS: 'demo-store-pass' } }).stdout).backup;
  const first = runCli(['restore', home, '--id', id, '--yes', '--json']);
  expect(first.code).toBe(0);
  expect(JSON.parse(first.stdout)).toMatchObject({ changed: true, restoredFrom: id, dryRun: false });
  expect(hashTree(home)).toEqual(before);
  const again = runCli(['restore', home, '--id', id, '--yes', '--json']);
  expect(again.stderr).toBe('');
  expect(again.code).toBe(0);
  expect(JSON.parse(again.stdout)).toMatchObject({ changed: false, backup: null, restoredFrom: id });
  expect(hashTree(home)).toEqual(before);
});
