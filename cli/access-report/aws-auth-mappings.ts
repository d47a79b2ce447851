import { parse } from 'yaml';
import type { Principal } from '../../lambda/engine/types';

/** One `mapRoles` or `mapUsers` entry of the aws-auth ConfigMap. */
export interface AwsAuthMapping {
  readonly block: 'mapRoles' | 'mapUsers';
  /** `rolearn` / `userarn`, as written. */
  readonly arn: string;
  /** The username template (`ci:{{SessionName}}`, `system:node:{{EC2PrivateDNSName}}` …), when set. */
  readonly username?: string;
  readonly groups: readonly string[];
}

/** What an aws-auth ConfigMap maps, and what in it the authenticator would drop. */
export interface AwsAuth {
  readonly mappings: readonly AwsAuthMapping[];
  /** `mapAccounts`: every principal of these accounts is mapped, username = its ARN. */
  readonly accounts: readonly string[];
  /** Blocks or entries that do not parse; the authenticator drops them too (a broken block: all of it). */
  readonly problems: readonly string[];
}

/** The file is not an aws-auth ConfigMap at all. */
export class AwsAuthFileError extends Error {
  override readonly name = 'AwsAuthFileError';
}

/**
 * Reads `kubectl get configmap aws-auth -n kube-system -o yaml` (or `-o json`): the mappings of
 * `data.mapRoles` and `data.mapUsers` (YAML inside YAML) and the accounts of `data.mapAccounts`.
 * A block that does not parse is reported and left out, as the authenticator leaves it out.
 *
 * @example
 * awsAuthOf('data:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/ci\n      username: ci\n      groups: [deployers]\n')
 * // { mappings: [{ block: 'mapRoles', arn: 'arn:aws:iam::111122223333:role/ci', username: 'ci', groups: ['deployers'] }], accounts: [], problems: [] }
 */
export function awsAuthOf(text: string): AwsAuth {
  let configMap: unknown;
  try {
    configMap = parse(text);
  } catch (error) {
    throw new AwsAuthFileError(`it is not YAML or JSON: ${firstLine(error)}`, { cause: error });
  }
  const data = (configMap as { data?: unknown } | null)?.data;
  if (data === null || typeof data !== 'object') {
    throw new AwsAuthFileError(
      'it has no data: pass the output of kubectl get configmap aws-auth -n kube-system -o yaml',
    );
  }
  const blocks = data as Record<string, unknown>;
  const problems: string[] = [];
  const mappings = [
    ...mappingsOf(blocks.mapRoles, 'mapRoles', 'rolearn', problems),
    ...mappingsOf(blocks.mapUsers, 'mapUsers', 'userarn', problems),
  ];
  const accounts = listOf(blocks.mapAccounts, 'mapAccounts', problems).map(String);
  return { mappings, accounts, problems };
}

/** The mapping the authenticator would pick for a logged principal: same canonical ARN, any case. */
export function mappingFor(principal: Principal, awsAuth: AwsAuth): AwsAuthMapping | undefined {
  const arn = principal.arn.toLowerCase();
  return awsAuth.mappings.find((mapping) => mapping.arn.toLowerCase() === arn);
}

/** Whether the principal's account is in `mapAccounts`. */
export function accountIsMapped(principal: Principal, awsAuth: AwsAuth): boolean {
  return principal.accountId !== undefined && awsAuth.accounts.includes(principal.accountId);
}

function mappingsOf(
  block: unknown,
  name: AwsAuthMapping['block'],
  arnKey: 'rolearn' | 'userarn',
  problems: string[],
): AwsAuthMapping[] {
  const mappings: AwsAuthMapping[] = [];
  listOf(block, name, problems).forEach((item, index) => {
    const entry = (item ?? {}) as Record<string, unknown>;
    const arn = entry[arnKey];
    if (typeof arn !== 'string' || arn.length === 0) {
      problems.push(`${name} entry ${index + 1} has no ${arnKey}: the authenticator skips it`);
      return;
    }
    const groups = Array.isArray(entry.groups) ? entry.groups.map(String) : [];
    const username = typeof entry.username === 'string' ? entry.username : undefined;
    mappings.push({ block: name, arn, username, groups });
  });
  return mappings;
}

/** A block's list: a YAML string (what ConfigMaps hold) or, from a hand-made file, a list already. */
function listOf(block: unknown, name: string, problems: string[]): unknown[] {
  if (block === undefined || block === null) return [];
  let value = block;
  if (typeof block === 'string') {
    try {
      value = parse(block);
    } catch (error) {
      problems.push(
        `${name} does not parse (${firstLine(error)}): the authenticator drops every mapping in it`,
      );
      return [];
    }
  }
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push(`${name} is not a list: the authenticator drops it`);
    return [];
  }
  return value;
}

function firstLine(error: unknown): string {
  return String((error as Error).message ?? error).split('\n')[0] ?? '';
}
