/**
 * AWS SDK v3 errors (and fetch's) are told apart by `name`: the SDK's classes set it, and local
 * endpoints such as dynalite give nothing else.
 */
export function hasErrorName(error: unknown, ...names: readonly string[]): boolean {
  return error instanceof Error && names.includes(error.name);
}

/** The short, log-safe name of an AWS SDK or lookup error (`ThrottlingException`, `AccessDeniedException` …). */
export function errorName(error: unknown): string {
  if (error instanceof Error) return error.name === 'Error' ? error.message.slice(0, 200) : error.name;
  return String(error).slice(0, 200);
}
