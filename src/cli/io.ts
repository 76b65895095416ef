/**
 * The CLI takes its I/O as an argument so tests can drive a command without a process
 * (the way eemeli/yaml's `cli(stdin, done, argv)` does). `bin/` builds the real one.
 */
export interface CliIo {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Colour only when writing to a terminal and NO_COLOR is not set. */
  color: boolean;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  };
}
