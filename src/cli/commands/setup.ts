/**
 * `setup [HOME]` and the no-subcommand menu: the interactive wizard (src/wizard/). This file only
 * wires it to a terminal: it refuses a non-terminal stdin, turns Ctrl-C into one quiet line and
 * exit 130, and maps errors to exit codes like every other command.
 *
 * Ctrl-C at a prompt arrives as KsError('ABORTED') from the prompt seam. Between prompts (while a
 * keystore opens or the change set is computed) it arrives as SIGINT, and the handler exits at once.
 * Either way the line says nothing was written, or, after a change was (the questions that follow
 * it), that it is applied and how to undo it. While the transaction runs, the handler does nothing and the
 * transaction's own signal guard rolls back and exits 130 (src/io/signals.ts).
 */
import { EXIT, KsError } from '../../errors';
import type { CliIo } from '../io';
import { Out, appliedAnyway } from '../output';

export interface SetupCmdOptions {
  home?: string;
  dryRun?: boolean;
  savePlan?: string;
}

const QUIET_LINE = 'Interrupted; nothing was written.\n';

async function runWizard(io: CliIo, run: (ctx: import('../../wizard/setup-flow').WizardContext) => Promise<number>): Promise<number> {
  const out = new Out(io);
  if (!io.stdin.isTTY) {
    return out.fail(
      new KsError('NOT_A_TERMINAL', 'the wizard needs a terminal, and standard input is not one', {
        hint: 'Without a terminal, write a plan file and run: wso2-keystore apply --plan FILE [HOME] --dry-run, then again with --yes (see docs/plan-file.md).',
      }),
    );
  }
  let writing = false;
  // Once a change is written (e.g. Ctrl-C at "Save these answers as a plan file?"), saying "nothing
  // was written" would be wrong: say it is applied, and how to undo it.
  let written: { id: string; home: string } | null = null;
  const interrupted = () =>
    written ? appliedAnyway('Interrupted after the change was written', written.home, written.id) : QUIET_LINE;
  const onSigint = () => {
    if (writing) return; // the transaction's guard owns it
    io.stderr.write(`\n${interrupted()}`);
    process.exit(EXIT.INTERRUPTED);
  };
  process.on('SIGINT', onSigint);
  try {
    const { inquirerPrompter } = await import('../../wizard/prompter.js');
    const prompt = await inquirerPrompter(io);
    return await run({ io, out, prompt, onWriting: (w) => (writing = w), onWritten: (id, home) => (written = { id, home }) });
  } catch (e) {
    if (e instanceof KsError && e.code === 'ABORTED') {
      io.stderr.write(interrupted());
      return EXIT.INTERRUPTED;
    }
    return out.fail(e);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

export async function setupCommand(opts: SetupCmdOptions, io: CliIo): Promise<number> {
  return runWizard(io, async (ctx) => {
    const { runSetup } = await import('../../wizard/setup-flow.js');
    return runSetup(ctx, opts);
  });
}

export async function menuCommand(io: CliIo): Promise<number> {
  return runWizard(io, async (ctx) => {
    const { runMenu } = await import('../../wizard/menu.js');
    return runMenu(ctx);
  });
}
