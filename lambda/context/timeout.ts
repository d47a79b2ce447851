/** A lookup took longer than the pipeline can wait; the alert goes out without that context. */
export class LookupTimeoutError extends Error {
  override readonly name = 'LookupTimeoutError';
}

/**
 * Gives up on `call` after `ms`, even if it has not answered: a slow EKS or Logs API must never hold an
 * alert back. The request itself is ended by its client's `requestTimeout` (see `LOOKUP_CLIENT_OPTIONS`):
 * an abort signal per call would keep the SDK from caching its middleware stack.
 */
export async function withTimeout<T>(what: string, ms: number, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LookupTimeoutError(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([call(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
