/**
 * The CLI takes its I/O as an argument so tests can drive a command without a process
 * (the way eemeli/yaml's `cli(stdin, done, argv)` does). `bin/` builds the real one.
 */
import { fstatSync, writeSync } from 'node:fs';

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
  const stdout = writerFor(1, () => process.stdout);
  const stderr = writerFor(2, () => process.stderr);
  return {
    stdout,
    stderr,
    // A getter: building process.stdin (a stream) costs a fresh process time that most runs never use it for.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
    color: Boolean(stdout.isTTY) && !process.env.NO_COLOR,
  };
}

/**
 * The stream behind a writer: the prompts need a real one (process.stdout), while `writerFor` may
 * hand out a plain writer for a pipe or a file.
 */
export function streamOf(w: CliIo['stdout']): NodeJS.WritableStream {
  return ((w as { stream?: () => NodeJS.WritableStream }).stream?.() ?? w) as NodeJS.WritableStream;
}

/**
 * Standard output or error. To a terminal: node's stream, as always. To a pipe or a file (scripts,
 * `--json`, CI logs): fs.writeSync on the descriptor, which is how node's own stream writes to files
 * and, on Linux and macOS, to pipes (synchronously, in order), but without building that stream,
 * whose modules (stream, net, pipe_wrap, tty) were ~7 ms of a fresh process: most of `--version`
 * over bare node and a tenth of `scan` (issue 7). A full non-blocking pipe (EAGAIN) or any other
 * error hands that write and every later one to node's stream. EPIPE (the reader left, as in
 * `verify | head -1`) drops that write and every later one, and the command runs on to its end: its
 * exit code is still its own (a FAIL in verify is 1 whatever the reader took), and an apply is never
 * cut off between its steps. Not on Windows, where pipes are asynchronous streams in node.
 */
function writerFor(fd: 1 | 2, stream: () => NodeJS.WriteStream): CliIo['stdout'] & { stream(): NodeJS.WritableStream } {
  let readerLeft = false;
  const guarded = () => {
    const s = stream();
    if (!s.listenerCount('error')) {
      s.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE') readerLeft = true;
        else throw e;
      });
    }
    return s;
  };
  let direct = process.platform !== 'win32' && isPipeOrFile(fd);
  return {
    get isTTY() {
      return !direct && Boolean(stream().isTTY);
    },
    write(s: string) {
      if (readerLeft) return true;
      if (!direct) return guarded().write(s);
      const bytes = Buffer.from(s, 'utf8');
      let at = 0;
      try {
        while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EPIPE') {
          readerLeft = true;
          return true;
        }
        direct = false;
        return guarded().write(bytes.subarray(at));
      }
    },
    stream: guarded,
  };
}

function isPipeOrFile(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isFIFO() || st.isFile() || st.isSocket();
  } catch {
    return false; // closed: node's stream knows what to do
  }
}

