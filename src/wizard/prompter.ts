/**
 * The one module that knows the prompt library. The wizard asks through `Prompter`; tests swap in a
 * scripted one, and `inquirerPrompter` is the real thing (the @inquirer prompts, ESM-only, so each is
 * loaded with `import()` at run time, when first asked, and never at start-up).
 *
 * Ctrl-C at a prompt surfaces from inquirer as `ExitPromptError`; it is turned into
 * KsError('ABORTED') here, once, so the flow only ever sees our own error type.
 */
import { KsError } from '../errors';
import { streamOf, type CliIo } from '../cli/io';

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

/**
 * Each prompt is its own package under @inquirer/prompts (which only re-exports them), and each is
 * loaded the first time it is asked: the wizard's first question needs `input` alone, and the barrel
 * evaluated every prompt it re-exports (nine in the bundle, ten from node_modules) before drawing it,
 * about half of the prompt library's set-up time (issue 7, figure 6).
 */
const load = {
  input: () => import('@inquirer/input'),
  password: () => import('@inquirer/password'),
  select: () => import('@inquirer/select'),
  checkbox: () => import('@inquirer/checkbox'),
  confirm: () => import('@inquirer/confirm'),
};

export async function inquirerPrompter(io: CliIo): Promise<Prompter> {
  const ctx = { input: io.stdin, output: streamOf(io.stdout) };
  const ask = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (e) {
      if (isExit(e)) throw interrupted();
      throw e;
    }
  };
  return {
    input: async (o) => {
      const { default: input } = await load.input();
      return ask(() => input({ message: o.message, default: o.default, validate: o.validate }, ctx));
    },
    password: async (o) => {
      const { default: password } = await load.password();
      return ask(() => password({ message: o.message, mask: '*', validate: o.validate }, ctx));
    },
    select: async <T>(o: { message: string; choices: Array<Choice<T>>; default?: T }) => {
      const { default: select } = await load.select();
      return ask(() => select<T>({ message: o.message, choices: o.choices, default: o.default, pageSize: 12, loop: false }, ctx));
    },
    checkbox: async <T>(o: { message: string; choices: Array<Choice<T>>; validate?: (chosen: T[]) => true | string }) => {
      const { default: checkbox } = await load.checkbox();
      return ask(() =>
        checkbox<T>(
          {
            message: o.message,
            choices: o.choices,
            pageSize: 12,
            loop: false,
            validate: o.validate ? (chosen) => o.validate!(chosen.map((c) => c.value)) : undefined,
          },
          ctx,
        ),
      );
    },
    confirm: async (o) => {
      const { default: confirm } = await load.confirm();
      return ask(() => confirm({ message: o.message, default: o.default }, ctx));
    },
  };
}
