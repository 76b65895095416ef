/**
 * Every command starts here: if an earlier run died mid-way (a `*.partial` checkpoint is left), put
 * the original files back before doing anything else, and say so. A dry run writes nothing, so it
 * only reports and stops.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { KsError } from '../../errors';
import { recoverUnfinished } from '../../io';
import type { Out } from '../output';

export interface Recovered {
  rolledBack: string;
  files: string[];
}

export async function recoverFirst(home: string, out: Out, opts: { dryRun?: boolean; json?: boolean }): Promise<Recovered | null> {
  const dir = join(home, '.wso2-keystore', 'backups');
  if (!existsSync(dir) || !readdirSync(dir).some((n) => n.endsWith('.partial'))) return null;
  if (opts.dryRun) {
    throw new KsError('IO', 'an earlier run was interrupted mid-way and its change is not finished', {
      hint: 'Run any command without --dry-run (e.g. wso2-keystore backups) to roll it back first.',
    });
  }
  const r = await recoverUnfinished(home);
  if (!r.rolledBack) return null;
  {
    out.err(`notice: an earlier run was interrupted; rolled back ${r.files.length} file(s) to their original bytes (checkpoint ${r.rolledBack}).\n`);
  }
  return { rolledBack: r.rolledBack, files: r.files };
}
