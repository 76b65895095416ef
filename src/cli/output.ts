/**
 * Everything a command prints goes through here: errors in one shape, JSON on stdout only, and
 * every known secret redacted from both streams.
 */
import { isKsError, EXIT, KsError } from '../errors';
import type { TransactionOptions } from '../io';
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

/** The command that undoes checkpoint `id`, as every "To undo:" line prints it. */
export const undoCommand = (home: string, id: string) => `wso2-keystore restore ${shellQuote(home)} --id ${id}`;

/** What is said when a run is interrupted after its change was written: it stays applied, and how to undo it. */
export const appliedAnyway = (what: string, home: string, id: string) => `${what}: it is applied. Backup: ${id}\nTo undo:  ${undoCommand(home, id)}\n`;

/** A path as one shell word, for the commands we print (`wso2-keystore restore '/opt/my home' --id …`). */
export const shellQuote = (s: string) => (/^[A-Za-z0-9_./:=@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * What a command says when a signal ends a write: rolled back (nothing written), or, when it came
 * after the commit point, applied. `json` also puts it on stdout as the command's one JSON object.
 */
export function sayOnSignal(out: Out, json: boolean, home: string, result: (id: string) => Record<string, unknown> = (id) => ({ changed: true, backup: id })): NonNullable<TransactionOptions['onSignalExit']> {
  return ({ signal, id, error }) => {
    if (id === null) {
      out.fail(error ?? new KsError('ABORTED', `interrupted by ${signal}; the files were left as they were`), json);
      return;
    }
    if (json) out.json({ ...result(id), interrupted: signal });
    out.err(appliedAnyway(`${signal} arrived after the change was committed`, home, id));
  };
}
