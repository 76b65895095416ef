/**
 * The one module that knows the prompt library. The wizard asks through `Prompter`; tests swap in a
 * scripted one, and `inquirerPrompter` is the real thing (@inquirer/prompts, ESM-only, so it is
 * loaded with `import()` at run time and never at start-up).
 *
 * Ctrl-C at a prompt surfaces from inquirer as `ExitPromptError`; it is turned into
 * KsError('ABORTED') here, once, so the flow only ever sees our own error type.
 */
import { KsError } from '../errors';
import type { CliIo } from '../cli/io';

export interface Choice<T> {
  name: string;
  value: T;
  /** Shown under the list while the cursor is on this choice. */
  description?: string;
  /** Shown after the answer instead of `name`. */
  short?: string;
  checked?: boolean;
  disabled?: boolean | string;
}

/** A validator returns true, or the reason shown under the prompt (the question is asked again). */
export type Validate = (value: string) => true | string | Promise<true | string>;

export interface Prompter {
  input(o: { message: string; default?: string; validate?: Validate }): Promise<string>;
  password(o: { message: string; validate?: Validate }): Promise<string>;
  select<T>(o: { message: string; choices: Array<Choice<T>>; default?: T }): Promise<T>;
  checkbox<T>(o: { message: string; choices: Array<Choice<T>>; validate?: (chosen: T[]) => true | string }): Promise<T[]>;
  confirm(o: { message: string; default: boolean }): Promise<boolean>;
}

export const interrupted = () => new KsError('ABORTED', 'interrupted; nothing was written');

function isExit(e: unknown): boolean {
  const name = (e as Error | undefined)?.name;
  return name === 'ExitPromptError' || name === 'AbortPromptError';
}

export async function inquirerPrompter(io: CliIo): Promise<Prompter> {
  const p = await import('@inquirer/prompts');
  const ctx = { input: io.stdin, output: io.stdout as NodeJS.WritableStream };
  const ask = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (e) {
      if (isExit(e)) throw interrupted();
      throw e;
    }
  };
  return {
    input: (o) => ask(() => p.input({ message: o.message, default: o.default, validate: o.validate }, ctx)),
    password: (o) => ask(() => p.password({ message: o.message, mask: '*', validate: o.validate }, ctx)),
    select: <T>(o: { message: string; choices: Array<Choice<T>>; default?: T }) =>
      ask(() => p.select<T>({ message: o.message, choices: o.choices, default: o.default, pageSize: 12, loop: false }, ctx)),
    checkbox: <T>(o: { message: string; choices: Array<Choice<T>>; validate?: (chosen: T[]) => true | string }) =>
      ask(() =>
        p.checkbox<T>(
          {
            message: o.message,
            choices: o.choices,
            pageSize: 12,
            loop: false,
            validate: o.validate ? (chosen) => o.validate!(chosen.map((c) => c.value)) : undefined,
          },
          ctx,
        ),
      ),
    confirm: (o) => ask(() => p.confirm({ message: o.message, default: o.default }, ctx)),
  };
}
