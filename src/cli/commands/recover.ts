/**
 * Every command starts here: if an earlier run died mid-way (a `*.partial` checkpoint is left), put
 * the original files back before doing anything else, and say so. A dry run writes nothing, so it
 * only reports and stops.
 */
import { existsSync, readdirSync } from 'node:fs';
import { KsError, isKsError } from '../../errors';
import { lockPath } from '../../io/lock';
import { backupsDir, PARTIAL_SUFFIX } from '../../io/paths';
import type { Out } from '../output';

/**
 * The transaction layer, on first use: most runs find no checkpoint and no lock, and need only the
 * existsSync calls below; loading src/io's transaction, restore and lock code (with node:fs/promises)
 * before every command was ~4 ms of a scan (issue 7).
 */
const ioLib = () => require('../../io') as typeof import('../../io');

export interface Recovered {
  rolledBack: string;
  files: string[];
}

export async function recoverFirst(home: string, out: Out, opts: { dryRun?: boolean; json?: boolean }): Promise<Recovered | null> {
  const dir = backupsDir(home);
  const notice = (m: string) => out.err(`notice: ${m}\n`);
  if (!existsSync(dir) || !readdirSync(dir).some((n) => n.endsWith(PARTIAL_SUFFIX))) {
    // A run killed outside its transaction (before the checkpoint, or after the commit) leaves only
    // its lock: take it over and release it now, so it does not outlive the run that noticed it.
    if (!opts.dryRun && existsSync(lockPath(home))) await clearStaleLock(home, notice);
    return null;
  }
  if (opts.dryRun) {
    throw new KsError('IO', 'an earlier run was interrupted mid-way and its change is not finished', {
      hint: 'Run any command without --dry-run (e.g. wso2-keystore backups) to roll it back first.',
    });
  }
  const r = await ioLib().recoverUnfinished(home, { onNotice: notice });
  if (!r.rolledBack) return null;
  notice(`an earlier run was interrupted; rolled back ${r.files.length} file(s) to their original bytes (checkpoint ${r.rolledBack}).`);
  return { rolledBack: r.rolledBack, files: r.files };
}

/** Takes over and releases a lock whose process is gone; a live one (another run at work) is left alone. */
async function clearStaleLock(home: string, notice: (m: string) => void): Promise<void> {
  try {
    await ioLib().withLock(home, async () => {}, { onNotice: notice });
  } catch (e) {
    if (!(isKsError(e) && e.code === 'LOCKED')) throw e;
  }
}
