/**
 * Everything a command prints goes through here: errors in one shape, JSON on stdout only, and
 * every known secret redacted from both streams.
 */
import { isKsError, EXIT, type KsError } from '../errors';
import { redact } from '../preview/mask';
import type { CliIo } from './io';

const USAGE_CODES = new Set(['USAGE', 'NOT_A_TERMINAL']);

export class Out {
  private secrets: string[] = [];
  constructor(readonly io: CliIo) {}

  addSecrets(s: Iterable<string>): void {
    for (const x of s) if (x && !this.secrets.includes(x)) this.secrets.push(x);
  }

  out(s: string): void {
    this.io.stdout.write(redact(s, this.secrets));
  }

  err(s: string): void {
    this.io.stderr.write(redact(s, this.secrets));
  }

  json(obj: unknown): void {
    this.out(`${JSON.stringify(obj, null, 2)}\n`);
  }

  /** Print an error and return the exit code it maps to. */
  fail(e: unknown, json = false): number {
    if (isKsError(e)) {
      const k = e as KsError;
      if (json) this.json({ error: { code: k.code, message: k.message, file: k.file ?? null, line: k.line ?? null, hint: k.hint ?? null } });
      this.err(`error: ${k.describe()}\n`);
      if (k.code === 'ABORTED') return EXIT.INTERRUPTED;
      return USAGE_CODES.has(k.code) ? EXIT.USAGE : EXIT.FAILURE;
    }
    const msg = e instanceof Error ? e.message : String(e);
    if (json) this.json({ error: { code: 'INTERNAL', message: msg } });
    this.err(`internal error: ${msg}\n`);
    if (this.io.env.WSO2KS_DEBUG && e instanceof Error && e.stack) this.err(`${e.stack}\n`);
    return EXIT.FAILURE;
  }
}
