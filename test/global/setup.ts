/**
 * One scratch folder per test run: every temporary home, keystore and checkpoint the suites make
 * (through os.tmpdir(), which reads TMPDIR, in the workers and in the CLIs and keytool runs they
 * spawn) lands under it, and teardown.ts removes it. Without it each full run left some 5,000
 * folders and hundreds of MB in /tmp. WSO2KS_KEEP_TEST_TMP=1 keeps it for a look afterwards.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): void {
  const root = mkdtempSync(join(tmpdir(), 'wso2-keystore-tests-'));
  process.env.WSO2KS_TEST_TMP_ROOT = root;
  process.env.TMPDIR = root;
}
