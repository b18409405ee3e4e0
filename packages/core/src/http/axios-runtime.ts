/**
 * `axiosRuntime()`: axios as one CommonJS file (its `require` build) instead of its ES build's 66
 * modules, loaded on first use: every CLI command starts that much sooner. The one copy core uses.
 */
import { createRequire } from 'node:module';
import type axios from 'axios';
import type { AxiosError } from 'axios';

const requireHere = createRequire(import.meta.url);
let loaded: typeof axios | undefined;

export function axiosRuntime(): typeof axios {
  loaded ??= requireHere('axios') as typeof axios;
  return loaded;
}

/** axios's own test of an error it threw (duck-typed, so it holds across copies). */
export function isAxiosError(error: unknown): error is AxiosError {
  return typeof error === 'object' && error !== null && (error as { isAxiosError?: unknown }).isAxiosError === true;
}
