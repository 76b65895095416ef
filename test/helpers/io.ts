/** A CliIo that keeps what a command writes, for running commands in-process (src/cli/io.ts explains why they take one). */
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/cli/io';

export function memoryIo(cwd: string, env: NodeJS.ProcessEnv = {}, opts: { tty?: boolean; stdin?: CliIo['stdin'] } = {}): { io: CliIo; stdout: () => string; stderr: () => string } {
  let so = '';
  let se = '';
  const isTTY = opts.tty ?? false;
  const io: CliIo = {
    stdout: { write: (s: string) => (so += s), isTTY },
    stderr: { write: (s: string) => (se += s), isTTY },
    stdin: opts.stdin ?? Object.assign(new PassThrough(), { isTTY: false }),
    env,
    cwd,
    color: false,
  };
  return { io, stdout: () => so, stderr: () => se };
}
