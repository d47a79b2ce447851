import type { AuthenticationMode } from '../../lambda/engine/categories';
import type { AccessEntry } from './access-entries';
import type { AwsAuthMapping } from './aws-auth-mappings';
import type { PrincipalLogins } from './logins';

/**
 * How a principal that authenticated is let in, in the operator's words:
 * - `covered`: an access entry is its own — API mode keeps it;
 * - `aws-auth only`: only an aws-auth mapping lets it in — API mode locks it out;
 * - `creator (implicit)`: the cluster creator's hidden CONFIG_MAP-era admin (`kubernetes-admin`);
 * - `node role`: nodes that join through aws-auth — they need an EC2_LINUX (or Windows/Fargate) entry;
 * - `EKS-managed`: AWS's own principals (`eks:*` usernames, AWS-owned accounts) — not yours to migrate.
 */
export const COVERAGES = [
  'aws-auth only',
  'node role',
  'creator (implicit)',
  'covered',
  'EKS-managed',
] as const;
export type Coverage = (typeof COVERAGES)[number];

/** What the rules look at for one principal. */
export interface CoverageFacts {
  readonly logins: PrincipalLogins;
  /** The access entries that could be the principal's (see `entriesFor`). */
  readonly entries: readonly AccessEntry[];
  /** Its aws-auth mapping, when the aws-auth ConfigMap was given and maps it. */
  readonly mapping?: AwsAuthMapping;
  /** Its account is in aws-auth `mapAccounts`. */
  readonly accountMapped: boolean;
  readonly awsAuthGiven: boolean;
  readonly cluster: { readonly accountId?: string; readonly authenticationMode?: AuthenticationMode };
}

/** One rule: when it applies, and the sentence the report shows for it. */
export interface CoverageRule {
  readonly coverage: Coverage;
  readonly applies: (facts: CoverageFacts) => boolean;
  readonly because: (facts: CoverageFacts) => string;
}

/** The node access-entry types, told apart by the groups EKS's node mappings give. */
export type NodeEntryType = 'EC2_LINUX' | 'EC2_WINDOWS' | 'FARGATE_LINUX';

/**
 * Whether the logins are a node's, and which entry type the node needs: EKS maps Linux nodes to
 * `system:node:{{EC2PrivateDNSName}}` in `system:bootstrappers system:nodes`, Windows nodes add
 * `eks:kube-proxy-windows`, Fargate pods' execution roles add `system:node-proxier`.
 */
export function nodeEntryTypeOf(logins: PrincipalLogins): NodeEntryType | undefined {
  const groups = logins.groups;
  if (!logins.username.startsWith('system:node:') && !groups.includes('system:nodes')) return undefined;
  if (groups.includes('eks:kube-proxy-windows')) return 'EC2_WINDOWS';
  if (groups.includes('system:node-proxier')) return 'FARGATE_LINUX';
  return 'EC2_LINUX';
}

const CREATOR_USERNAME = 'kubernetes-admin';

function isOtherAccount(facts: CoverageFacts): boolean {
  const account = facts.logins.principal.accountId;
  const cluster = facts.cluster.accountId;
  return account !== undefined && cluster !== undefined && account !== cluster;
}

function entryText(entry: AccessEntry): string {
  return `${entry.principalArn}${entry.type ? ` (${entry.type})` : ''}`;
}

/** The rules, first match wins: an access entry settles it; then AWS's own principals; then how aws-auth lets it in. */
export const COVERAGE_RULES: readonly CoverageRule[] = [
  {
    coverage: 'covered',
    applies: (facts) => facts.entries.length > 0,
    because: (facts) => {
      const [entry, ...others] = facts.entries;
      if (entry === undefined) return '';
      if (others.length === 0) return `access entry ${entryText(entry)}`;
      return (
        `${facts.entries.length} access entries could match: ${facts.entries.map(entryText).join(', ')}. ` +
        'A role name is unique in its account whatever its path, so all but one outlived a deleted role: ' +
        'keep the one aws iam get-role shows and delete the others'
      );
    },
  },
  {
    coverage: 'EKS-managed',
    applies: (facts) => facts.logins.username.startsWith('eks:'),
    because: (facts) => `username ${facts.logins.username} is one of EKS's own; EKS maps it in every mode`,
  },
  {
    coverage: 'node role',
    applies: (facts) => nodeEntryTypeOf(facts.logins) !== undefined,
    because: (facts) =>
      `joins as a node through ${facts.mapping ? 'its aws-auth mapping' : 'aws-auth'} and has no access entry: ` +
      `API mode needs an ${nodeEntryTypeOf(facts.logins)} entry`,
  },
  {
    coverage: 'creator (implicit)',
    applies: (facts) =>
      facts.logins.username === CREATOR_USERNAME &&
      facts.logins.groups.includes('system:masters') &&
      facts.cluster.authenticationMode !== 'API' &&
      !isOtherAccount(facts) &&
      facts.mapping === undefined,
    because: () =>
      'logged as kubernetes-admin in system:masters with no access entry and no aws-auth mapping: ' +
      "the cluster creator's implicit admin",
  },
  {
    coverage: 'EKS-managed',
    applies: (facts) => isOtherAccount(facts) && facts.mapping === undefined && !facts.accountMapped,
    because: (facts) =>
      `account ${facts.logins.principal.accountId} is not the cluster's and ` +
      (facts.awsAuthGiven
        ? 'no aws-auth mapping names it: an AWS-owned principal'
        : 'aws-auth was not given: taken to be AWS-owned (pass --aws-auth to check)'),
  },
  {
    coverage: 'aws-auth only',
    applies: (facts) => facts.mapping !== undefined || facts.accountMapped,
    because: (facts) =>
      facts.mapping
        ? `mapped in aws-auth ${facts.mapping.block}, no access entry`
        : `its account is in aws-auth mapAccounts, no access entry`,
  },
  {
    coverage: 'aws-auth only',
    applies: () => true,
    because: (facts) =>
      facts.awsAuthGiven
        ? 'no access entry, and no mapping in the aws-auth file given: it was mapped when it logged in and has been unmapped since, or the file is not the live ConfigMap'
        : 'no access entry: it authenticates through aws-auth',
  },
];

/** The first rule that applies, and why. */
export function coverageOf(facts: CoverageFacts): { coverage: Coverage; because: string } {
  for (const rule of COVERAGE_RULES) {
    if (rule.applies(facts)) return { coverage: rule.coverage, because: rule.because(facts) };
  }
  // The table ends with a rule that always applies.
  return { coverage: 'aws-auth only', because: '' };
}
