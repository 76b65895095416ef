/** The (y/N) question before a write. Off a terminal we never guess: the caller must pass --yes. */
import { KsError } from '../errors';
import { streamOf, type CliIo } from './io';

export async function confirmOrRefuse(io: CliIo, question: string, opts: { yes?: boolean; what: string }): Promise<boolean> {
  if (opts.yes) return true;
  if (!io.stdin.isTTY) {
    throw new KsError('NOT_A_TERMINAL', `${opts.what} needs confirmation, and standard input is not a terminal`, {
      hint: 'Review it with --dry-run, then run again with --yes.',
    });
  }
  const { default: confirm } = await import('@inquirer/confirm');
  try {
    return await confirm({ message: question, default: false }, { input: io.stdin, output: streamOf(io.stdout) });
  } catch (e) {
    if ((e as Error).name === 'ExitPromptError') throw new KsError('ABORTED', 'interrupted; nothing was written');
    throw e;
  }
}
