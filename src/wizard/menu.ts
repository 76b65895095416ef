/**
 * `wso2-keystore` with no subcommand: set up keystores / restore a backup / scan / inspect.
 * Scan and inspect run the same commands as on the command line and come back to the menu; set-up
 * and restore end the session (they print what to do next).
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { KsError } from '../errors';
import { recoverFirst } from '../cli/commands/recover';
import { undoCommand, sayOnSignal } from '../cli/output';
import { resolveHome, runSetup, type WizardContext } from './setup-flow';

/*
 * Like setup-flow's: what restore, scan and inspect need is required when that choice is made, so
 * the menu's first question is drawn without the transaction layer, the preview or the planner
 * (which apply pulls in).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const ioLib = () => require('../io') as typeof import('../io');
const previewLib = () => require('../preview/diff') as typeof import('../preview/diff');
const scanLib = () => require('../cli/commands/scan') as typeof import('../cli/commands/scan');
const inspectLib = () => require('../cli/commands/inspect') as typeof import('../cli/commands/inspect');
/* eslint-enable @typescript-eslint/no-require-imports */

type Action = 'setup' | 'restore' | 'scan' | 'inspect' | 'quit';

export async function runMenu(ctx: WizardContext): Promise<number> {
  for (;;) {
    const action = await ctx.prompt.select<Action>({
      message: 'What do you want to do?',
      choices: [
        { name: 'Set up keystores', value: 'setup', description: 'Point this server at a new keystore: preview, backup, apply.' },
        { name: 'Restore a backup', value: 'restore', description: 'Put back the files of an earlier change.' },
        { name: 'Scan the configuration', value: 'scan', description: 'Every keystore reference in the config files and what it is for.' },
        { name: 'Inspect a keystore', value: 'inspect', description: 'The entries of a JKS or PKCS12 file: aliases, subjects, expiry, fingerprints.' },
        { name: 'Quit', value: 'quit' },
      ],
      default: 'setup',
    });
    switch (action) {
      case 'setup':
        return runSetup(ctx, {});
      case 'restore':
        return runRestore(ctx);
      case 'scan': {
        const layout = await resolveHome(ctx);
        await scanLib().scanCommand({ home: layout.home }, ctx.io);
        ctx.out.out('\n');
        break;
      }
      case 'inspect': {
        const file = await ctx.prompt.input({
          message: 'Keystore file:',
          validate: (v) => {
            const p = resolve(ctx.io.cwd, v.trim());
            if (!v.trim()) return 'Type the path of a keystore file.';
            if (!existsSync(p) || !statSync(p).isFile()) return `${p} is not a file.`;
            return true;
          },
        });
        await inspectLib().inspectCommand({ keystore: resolve(ctx.io.cwd, file.trim()) }, ctx.io);
        break;
      }
      case 'quit':
        return 0;
    }
  }
}

/** List checkpoints (time, files, notes), show the diff a restore would apply, ask, restore. */
export async function runRestore(ctx: WizardContext): Promise<number> {
  const tell = (s: string) => ctx.out.out(`${s}\n`);
  const layout = await resolveHome(ctx);
  await recoverFirst(layout.home, ctx.out, {});
  const { damagedNote, listCheckpoints, planRestore, restoreCheckpoint } = ioLib();
  const { renderDiff, restorePreview } = previewLib();
  const { checkpoints: cps, damaged } = await listCheckpoints(layout.home);
  if (damaged.length) tell(`warning: ${damagedNote(damaged)}`);
  if (cps.length === 0) {
    tell(damaged.length ? `No backups in ${layout.home} that this tool can restore.` : `No backups in ${layout.home}: nothing has been applied to this home yet.`);
    return 0;
  }
  const id = await ctx.prompt.select({
    message: 'Which checkpoint? (the files as they were before that change)',
    choices: cps.map((c) => ({
      name: `${c.id}  ${c.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}  ${c.command}  (${c.files.length} file${c.files.length === 1 ? '' : 's'})`,
      value: c.id,
      description: [...c.files.map((f) => f.path), ...c.notes.slice(0, 6).map((n) => `· ${n}`)].join('\n'),
    })),
    default: cps[0].id,
  });
  const plan = await planRestore(layout.home, id);
  const { cs, changed: changedPaths } = restorePreview(layout.home, plan.files);
  const changed = plan.files.filter((f) => changedPaths.includes(f.path));
  tell(`Checkpoint ${id} (${plan.checkpoint.time}, ${plan.checkpoint.command})`);
  ctx.out.out(renderDiff(cs, { color: ctx.io.color }));
  if (changed.length === 0) {
    tell('Nothing to restore: the files already match the checkpoint.');
    return 0;
  }
  let force = false;
  const conflicts = changed.filter((f) => f.conflict);
  if (conflicts.length) {
    tell(`${conflicts.map((f) => f.path).join(', ')} changed after this checkpoint was taken; restoring throws those edits away (they are kept in the new checkpoint).`);
    force = await ctx.prompt.confirm({ message: 'Restore anyway?', default: false });
    if (!force) {
      tell('Nothing was written.');
      return 1;
    }
  }
  const ok = await ctx.prompt.confirm({ message: `Restore ${changed.length} file(s) from ${id}?`, default: false });
  if (!ok) {
    tell('Nothing was written.');
    return 1;
  }
  ctx.onWriting?.(true);
  let r: { id: string | null; restored: string[] };
  try {
    r = await restoreCheckpoint(layout.home, id, { force, onSignalExit: sayOnSignal(ctx.out, false, layout.home) });
  } finally {
    ctx.onWriting?.(false);
  }
  if (r.id === null) throw new KsError('IO', 'nothing was restored');
  ctx.onWritten?.(r.id, layout.home);
  tell(`Restored ${r.restored.length} file(s) from ${id}: ${r.restored.join(', ')}`);
  tell(`This restore is itself checkpoint ${r.id}. To undo it:  ${undoCommand(layout.home, r.id)}`);
  tell('Restart the server for the change to take effect.');
  return 0;
}
