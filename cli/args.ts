import { type ParseArgsConfig, parseArgs } from 'node:util';
import { CLUSTER_NAME, REGION_NAME } from '../lambda/contract';
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

/** A flag whose value must be one of a few words: the value, or the `fallback` when the flag is absent. */
export function checkedChoice<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T;
export function checkedChoice<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined;
export function checkedChoice<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback?: T,
): T | undefined {
  if (value === undefined) return fallback;
  if (!isOneOf(allowed, value))
    throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, not "${value}"`);
  return value;
}

/** `--cluster`: an EKS cluster name, or `undefined` when absent. */
export function checkedCluster(value: string | undefined): string | undefined {
  if (value !== undefined && !CLUSTER_NAME.test(value)) {
    throw new UsageError(`--cluster "${value}" is not a valid EKS cluster name (letters, digits, - and _)`);
  }
  return value;
}

/** `--region`: an AWS region name, or `undefined` when absent. */
export function checkedRegion(value: string | undefined): string | undefined {
  if (value !== undefined && !REGION_NAME.test(value)) {
    throw new UsageError(`--region must be an AWS region such as eu-west-1, not "${value}"`);
  }
  return value;
}

/** `--account`: a 12-digit AWS account ID, or `undefined` when absent. */
export function checkedAccount(value: string | undefined): string | undefined {
  if (value !== undefined && !/^\d{12}$/.test(value)) {
    throw new UsageError(`--account must be a 12-digit AWS account ID, not "${value}"`);
  }
  return value;
}
