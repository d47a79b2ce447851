/** A lookup took longer than the pipeline can wait; the alert goes out without that context. */
export class LookupTimeoutError extends Error {
  override readonly name = 'LookupTimeoutError';
}

/**
 * Runs `call` with an abort signal that fires after `ms`, and gives up at the same moment even if the
 * callee ignores the signal: a slow EKS or Logs API must never hold an alert back.
 */
export async function withTimeout<T>(
  what: string,
  ms: number,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new LookupTimeoutError(`${what} did not answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([call(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
