/**
 * What a call throws, for tests that assert on a KsError's code, message or hint. Anything thrown
 * that is not a KsError (a programming mistake) is rethrown, so the test fails on it as it is.
 */
import { KsError } from '../../src/errors';

/** The KsError `fn` throws; the test fails when `fn` returns instead. */
export function errorOf(fn: () => unknown): KsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof KsError) return e;
    throw e;
  }
  throw new Error('expected a KsError');
}

/** The code of the KsError `fn` throws, or undefined when `fn` returns. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof KsError) return e.code;
    throw e;
  }
  return undefined;
}

/** `CODE: message` of the KsError `fn` throws; the test fails when `fn` returns instead. */
export function codeAndMessage(fn: () => unknown): string {
  const e = errorOf(fn);
  return `${e.code}: ${e.message}`;
}
