/** `$secret{alias}`: a Secure Vault reference in deployment.toml (the value lives under `[secrets]`). */
const SECRET_REF = /^\$secret\{([^{}]+)\}$/;

/** The alias of a `$secret{alias}` value (surrounding whitespace allowed), or null for any other value. */
export function isSecretRef(value: string): string | null {
  const m = SECRET_REF.exec(value.trim());
  return m ? m[1] : null;
}
