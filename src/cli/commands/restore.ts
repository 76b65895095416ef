/**
 * `restore [HOME] [--id ID]`: put a checkpoint's files back, byte for byte. A file edited after that
 * apply is not overwritten without --force. The restore is itself a checkpoint, so it can be undone.
 */
import { resolve } from 'node:path';
import { KsError } from '../../errors';
import { detectHome } from '../../home/layout';
import { damagedNote, planRestore, restoreCheckpoint } from '../../io';
import { renderDiff, restorePreview } from '../../preview/diff';
import { confirmOrRefuse } from '../confirm';
import type { CliIo } from '../io';
import { Out, undoCommand, sayOnSignal } from '../output';
import { recoverFirst } from './recover';

export interface RestoreCmdOptions {
  home?: string;
  id?: string;
  dryRun?: boolean;
  yes?: boolean;
  force?: boolean;
  json?: boolean;
}

export async function restoreCommand(opts: RestoreCmdOptions, io: CliIo): Promise<number> {
  const out = new Out(io);
  try {
    const layout = detectHome(resolve(io.cwd, opts.home ?? '.'));
    const recovered = await recoverFirst(layout.home, out, { dryRun: opts.dryRun, json: opts.json });
    const plan = await planRestore(layout.home, opts.id);
    const id = plan.checkpoint.id;
    // With --json the warning is the report's `damaged`, as in `backups --json`.
    if (plan.damaged.length && !opts.json) out.err(`warning: ${damagedNote(plan.damaged)}\n`);
    const conflicts = plan.files.filter((f) => f.conflict);
    if (conflicts.length && !opts.force) {
      throw new KsError('RESTORE_CONFLICT', `${conflicts.map((f) => f.path).join(', ')} changed after checkpoint ${id} was taken; restoring would throw those edits away`, {
        hint: 'Look at the file(s) first. To restore anyway, add --force (the current bytes are kept in a new checkpoint).',
      });
    }
    const { cs, changed: changedPaths } = restorePreview(layout.home, plan.files);
    const changed = plan.files.filter((f) => changedPaths.includes(f.path));
    const files = plan.files.map((f) => ({ path: f.path, changed: changed.includes(f), changes: [] as unknown[] }));
    if (!opts.json) {
      out.out(`Checkpoint ${id} (${plan.checkpoint.time}, ${plan.checkpoint.command})\n`);
      out.out(renderDiff(cs, { color: io.color }));
    }
    // The one JSON object of every outcome (dry run, nothing to do, restored, restored then interrupted).
    const report = (backup: string | null, dryRun = false) => ({ changed: backup !== null || (dryRun && changed.length > 0), backup, restoredFrom: id, dryRun, files, damaged: plan.damaged, recovered });
    if (opts.dryRun || changed.length === 0) {
      if (opts.json) out.json(report(null, Boolean(opts.dryRun)));
      else out.out(changed.length === 0 ? 'Nothing to restore: the files already match the checkpoint.\n' : 'Dry run: nothing was written.\n');
      return 0;
    }
    const ok = await confirmOrRefuse(io, `Restore ${changed.length} file(s) from ${id}?`, { yes: opts.yes, what: 'restore' });
    if (!ok) {
      out.err('Nothing was written.\n');
      return 1;
    }
    const r = await restoreCheckpoint(layout.home, id, { force: opts.force, onSignalExit: sayOnSignal(out, Boolean(opts.json), layout.home, report) });
    if (r.id === null) {
      if (opts.json) out.json(report(null));
      else out.out('Nothing to restore: the files already match the checkpoint.\n');
      return 0;
    }
    if (opts.json) out.json(report(r.id));
    else {
      out.out(`Restored ${r.restored.length} file(s) from ${id}. This restore is itself checkpoint ${r.id}.\n`);
      out.out(`To undo the restore:  ${undoCommand(layout.home, r.id)}\n`);
      out.out('Restart the server for the change to take effect.\n');
    }
    return 0;
  } catch (e) {
    return out.fail(e, opts.json);
  }
}
