/**
 * Turns a Node errno error into a KsError that names the file and says the cause in words.
 * A KsError passes through unchanged, so the innermost, most specific message wins.
 */
import { KsError } from '../errors';
import { errnoCode } from './fs-ops';

const CONFIGMAP_HINT =
  'If this file comes from a Kubernetes ConfigMap or another read-only mount, change it there instead.';

/** `file` is relative to HOME (or a path under .wso2-keystore); `action` says what was being done. */
export function ioError(e: unknown, file: string, action: string): KsError {
  if (e instanceof KsError) return e;
  const code = errnoCode(e);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return new KsError('FILE_NOT_WRITABLE', `cannot ${action}: permission denied`, {
        file,
        cause: e,
        hint: 'Run as the user that owns the WSO2 installation, or fix the file permissions.',
      });
    case 'EROFS':
      return new KsError('FILE_NOT_WRITABLE', `cannot ${action}: read-only file system`, {
        file,
        cause: e,
        hint: CONFIGMAP_HINT,
      });
    case 'ENOSPC':
    case 'EDQUOT':
      return new KsError('IO', `cannot ${action}: disk full`, { file, cause: e, hint: 'Free some space and run again.' });
    default: {
      const msg = e instanceof Error ? e.message : String(e);
      return new KsError('IO', `cannot ${action}: ${code ?? msg}`, { file, cause: e });
    }
  }
}

/** Runs one file-system step and converts its failure. */
export async function step<T>(file: string, action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw ioError(e, file, action);
  }
}
