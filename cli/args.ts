import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './io';

/**
 * A command's flags and positional arguments, parsed strictly by `node:util`; an unknown flag or a
 * missing value becomes a `UsageError`, which the CLI answers with the command's usage and exit 2.
 */
export function parseCommandArgs<const O extends NonNullable<ParseArgsConfig['options']>>(
  argv: readonly string[],
  options: O,
) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
}

/** Whether a flag's value is one of the allowed words (and narrows it to them). */
export function isOneOf<T extends string>(allowed: readonly T[], value: string): value is T {
  return (allowed as readonly string[]).includes(value);
}
