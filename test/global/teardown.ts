/** Removes the run's scratch folder (setup.ts), unless WSO2KS_KEEP_TEST_TMP is set. */
import { chmodSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Tests that deny permissions may leave a folder unreadable: give the owner its rights back first. */
function unlock(dir: string): void {
  try {
    chmodSync(dir, 0o700);
    // Never through a link: tests link the repository and node_modules into their scratch folders.
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory() && !e.isSymbolicLink()) unlock(join(dir, e.name));
  } catch {
    /* not ours to fix: rmSync reports what it cannot remove */
  }
}

export default function teardown(): void {
  const root = process.env.WSO2KS_TEST_TMP_ROOT;
  if (!root) return;
  if (process.env.WSO2KS_KEEP_TEST_TMP) {
    process.stderr.write(`test scratch kept: ${root}\n`);
    return;
  }
  try {
    rmSync(root, { recursive: true, force: true });
  } catch {
    unlock(root);
    try {
      rmSync(root, { recursive: true, force: true });
    } catch (e) {
      process.stderr.write(`test scratch not removed: ${root}: ${(e as Error).message}\n`);
    }
  }
}
