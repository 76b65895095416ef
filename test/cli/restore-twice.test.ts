/** Restoring the same checkpoint twice (a re-run undo on a cluster node): the second run has nothing to do, and says so. */
import { DEMO, demoHome, ensureBuilt, hashTree, runCli } from '../helpers/home';

beforeAll(() => ensureBuilt());

it('the second restore of a checkpoint is "nothing to restore", exit 0, not a conflict', () => {
  const home = demoHome('restore-twice');
  const before = hashTree(home);
  const id = JSON.parse(runCli(['apply', '--plan', DEMO.plan, home, '--yes', '--json'], { env: DEMO.env }).stdout).backup;
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
