/**
 * Drives the built CLI through a real pseudo-terminal (node-pty), the way a person at a terminal
 * does: wait for text on the screen, then type. Waits poll the ANSI-stripped output with a timeout;
 * there are no sleeps. `mark()` makes later waits look only at output that came after it, so a
 * question asked twice is told apart.
 */
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { IPty } from 'node-pty';

// The repository, the CLI and the build check are the shared ones (test/helpers/home.ts).
import { CLI, REPO as ROOT, ensureBuilt } from '../helpers/home';

export { CLI, ROOT, ensureBuilt };

export const KEY = { up: '\x1b[A', down: '\x1b[B', space: ' ', enter: '\r', ctrlC: '\x03' } as const;

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][0-9A-B]|\x1b[=>78]/g;
export const stripAnsi = (s: string) => s.replace(ANSI, '').replace(/\r/g, '');


export class PtySession {
  private raw = '';
  private from = 0;
  readonly exited: Promise<{ exitCode: number; signal?: number }>;
  private readonly pty: IPty;

  constructor(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodePty = require('node-pty') as typeof import('node-pty');
    const env = { ...process.env, TERM: 'xterm-256color', ...opts.env } as Record<string, string>;
    delete env.CI; // some libraries change their output on CI
    this.pty = nodePty.spawn(process.execPath, [CLI, ...args], { name: 'xterm-256color', cols: 160, rows: 50, cwd: opts.cwd ?? ROOT, env });
    this.pty.onData((d) => {
      this.raw += d;
    });
    this.exited = new Promise((res) => this.pty.onExit((e) => res(e)));
  }

  /** Everything shown so far, without escape sequences. */
  get text(): string {
    return stripAnsi(this.raw);
  }

  /** Later waits see only output after this point. */
  mark(): void {
    this.from = this.raw.length;
  }

  async waitFor(what: string | RegExp, timeoutMs = 20000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const t = stripAnsi(this.raw.slice(this.from));
      if (typeof what === 'string' ? t.includes(what) : what.test(t)) return t;
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${String(what)}; the screen since the mark:\n${t.slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Wait for `prompt`, mark, then type `keys`. */
  async answer(prompt: string | RegExp, ...keys: string[]): Promise<void> {
    await this.waitFor(prompt);
    this.mark();
    for (const k of keys) this.pty.write(k);
  }

  write(s: string): void {
    this.pty.write(s);
  }

  async exit(timeoutMs = 20000): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, rej) => {
      timer = setTimeout(() => rej(new Error(`the CLI did not exit; screen:\n${this.text.slice(-3000)}`)), timeoutMs);
    });
    try {
      const e = await Promise.race([this.exited, timeout]);
      return e.exitCode;
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    try {
      this.pty.kill();
    } catch {
      /* already gone */
    }
  }
}

/** Copy the config folders of a fixture home (not its product sub-homes) to `dest`. */
export function copyConfTree(fixture: string, dest: string): string {
  for (const d of ['conf', 'repository']) {
    const src = join(fixture, d);
    if (existsSync(src)) cpSync(src, join(dest, d), { recursive: true });
  }
  return dest;
}

/** Every file under `dir` (relative path → bytes), skipping the tool's state folder. */
export function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) {
        if (n !== '.wso2-keystore') walk(p);
      } else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** Paths whose bytes differ between two snapshots (added or removed files count). */
export function differences(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((k) => !a.get(k) || !b.get(k) || !a.get(k)!.equals(b.get(k)!)).sort();
}
