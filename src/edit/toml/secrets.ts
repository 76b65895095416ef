/**
 * Secure Vault in deployment.toml: `password = "$secret{alias}"` plus, under `[secrets]`,
 * `alias = "[clear text]"`, which the cipher tool encrypts in place at the next start.
 *
 * The engine never decides to put a clear password where a reference is: `setTomlValues` refuses
 * (SECRET_REFERENCE); the caller uses `isSecretRef` to see the alias and `setSecret` to update it.
 */
import { setTomlValues, type SetTomlOptions, type TomlEditResult } from './set';

export { isSecretRef } from './secret-ref';

/** Adds or updates `alias = "[newPassword]"` under `[secrets]` (creating the table if missing). */
export function setSecret(
  text: string,
  alias: string,
  newPassword: string,
  opts: Pick<SetTomlOptions, 'file'> = {},
): TomlEditResult {
  return setTomlValues(text, 'secrets', { [alias]: `[${newPassword}]` }, { file: opts.file });
}
