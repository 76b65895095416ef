/** `backups [HOME]`: the checkpoints, newest first. */
import { resolve } from 'node:path';
import { detectHome } from '../../home/layout';
import { damagedNote, listCheckpoints } from '../../io';
import type { CliIo } from '../io';
import { Out } from '../output';
import { recoverFirst } from './recover';

export async function backupsCommand(opts: { home?: string; json?: boolean }, io: CliIo): Promise<number> {
  const out = new Out(io);
  try {
    const layout = detectHome(resolve(io.cwd, opts.home ?? '.'));
    const recovered = await recoverFirst(layout.home, out, { json: opts.json });
    const { checkpoints: cps, damaged } = await listCheckpoints(layout.home);
    if (opts.json) {
      out.json({
        backups: cps.map((c) => ({ id: c.id, time: c.time, command: c.command, files: c.files.map((f) => f.path), notes: c.notes })),
        damaged,
        recovered,
      });
      return 0;
    }
    if (damaged.length) out.err(`warning: ${damagedNote(damaged)}\n`);
    if (cps.length === 0) {
      out.out(damaged.length ? 'No backups this tool can restore.\n' : 'No backups yet: nothing has been applied to this home.\n');
      return 0;
    }
    for (const c of cps) {
      out.out(`${c.id}  ${c.time}  ${c.command}\n`);
      for (const f of c.files) out.out(`    ${f.path}\n`);
      for (const n of c.notes.slice(0, 12)) out.out(`    · ${n}\n`);
      if (c.notes.length > 12) out.out(`    · … ${c.notes.length - 12} more\n`);
    }
    return 0;
  } catch (e) {
    return out.fail(e, opts.json);
  }
}
