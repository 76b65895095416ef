/**
 * One scratch folder per test run: every temporary home, keystore and checkpoint the suites make
 * (through os.tmpdir(), which reads TMPDIR, in the workers and in the node processes they spawn)
 * lands under it, and teardown.ts removes it. Without it each full run left some 5,000 folders and
 * hundreds of MB in /tmp. (Java does not read TMPDIR: keytool's own hsperfdata files stay in /tmp,
 * where Java manages them.) WSO2KS_KEEP_TEST_TMP=1 keeps the folder for a look afterwards.
 */
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): void {
  const root = mkdtempSync(join(tmpdir(), 'wso2-keystore-tests-'));
  // mkdtemp makes it 0700: test/robust/denied.test.ts runs the CLI as another user on a home inside it,
  // who must be able to pass through (not list) it, as through /tmp.
  chmodSync(root, 0o711);
  process.env.WSO2KS_TEST_TMP_ROOT = root;
  process.env.TMPDIR = root;
}
