import { TOKEN_PREFIX } from '../eks-token';
import type { DoctorFacts } from '../facts';
import { REMOVED_EXEC_API_VERSION } from '../token-command';
import { engineFix } from './engine-fix';
import * as own from './own-fixes';
import { signedAtOf } from './predicted-denial';
import type { VerdictRule } from './verdict';

const BROKEN_STATUSES = new Set(['CREATING', 'DELETING', 'FAILED']);
const NODE_ENTRY_TYPES = new Set(['EC2_LINUX', 'EC2_WINDOWS', 'FARGATE_LINUX', 'HYBRID_LINUX', 'EC2']);

function awsProblemIs(facts: DoctorFacts, kind: string): boolean {
  const problem = facts.identityProblem;
  return problem?.kind === 'aws' && problem.problem.kind === kind;
}

function latestDenial(facts: DoctorFacts) {
  const latest = facts.authenticatorLog?.latest;
  return latest && latest.category !== 'ACCESS_GRANTED' ? latest : undefined;
}

function grantedLately(facts: DoctorFacts): boolean {
  return facts.authenticatorLog?.latest?.category === 'ACCESS_GRANTED';
}

function mode(facts: DoctorFacts) {
  return facts.cluster ? (facts.cluster.authenticationMode ?? 'CONFIG_MAP') : undefined;
}

/** aws-auth decides for this principal: CONFIG_MAP, or API_AND_CONFIG_MAP without an access entry. */
function awsAuthDecides(facts: DoctorFacts): boolean {
  const current = mode(facts);
  return (
    current === 'CONFIG_MAP' || (current === 'API_AND_CONFIG_MAP' && facts.accessEntry?.state === 'missing')
  );
}

/** What the checks saw says the authenticator cannot map the principal. */
function notMapped(facts: DoctorFacts): boolean {
  if (grantedLately(facts)) return false;
  if (latestDenial(facts)?.category === 'IDENTITY_NOT_MAPPED') return true;
  if (mode(facts) === 'API' && facts.accessEntry?.state === 'missing') return true;
  const awsAuth = facts.awsAuth?.state;
  return (
    awsAuthDecides(facts) && (awsAuth === 'not mapped' || awsAuth === 'path' || awsAuth === 'assumed-role')
  );
}

/**
 * The verdicts, most basic first: a later check is only trusted once the earlier ones passed (no
 * point reading the mapping when the kubeconfig points at another cluster). The first that applies
 * is the verdict; NO_PROBLEM_FOUND always applies.
 */
export const VERDICT_RULES: readonly VerdictRule[] = [
  {
    id: 'KUBECONFIG_MISSING',
    basis: ['kubeconfig'],
    applies: (facts) => facts.kubeconfigProblem !== undefined && facts.options.cluster === undefined,
    fix: (facts) => ({ fix: own.kubeconfigMissingFix(facts) }),
  },
  {
    id: 'STATIC_TOKEN',
    basis: ['token-command'],
    applies: (facts) => facts.staticToken?.startsWith(TOKEN_PREFIX) === true,
    fix: (facts) =>
      engineFix(facts, { kind: 'expired token', signedAt: signedAtOf(facts.staticToken ?? '') }),
  },
  {
    id: 'EXEC_API_VERSION_REMOVED',
    basis: ['token-command'],
    applies: (facts) => facts.tokenCommand?.apiVersion === REMOVED_EXEC_API_VERSION,
    fix: (facts) => ({ fix: own.execApiVersionFix(facts) }),
  },
  {
    id: 'KUBECONFIG_USER_NOT_EKS',
    basis: ['token-command'],
    applies: (_, results) =>
      results.some((result) => result.id === 'token-command' && result.status === 'fail'),
    fix: (facts) => ({ fix: own.notEksUserFix(facts) }),
  },
  {
    id: 'EXEC_COMMAND_NOT_FOUND',
    basis: ['command-on-path'],
    applies: (facts) => facts.tokenCommandMissing === true,
    fix: (facts) => ({ fix: own.commandNotFoundFix(facts) }),
  },
  {
    id: 'PROFILE_NOT_FOUND',
    basis: ['identity'],
    applies: (facts) => facts.identityProblem?.kind === 'profile-not-found',
    fix: (facts) => ({ fix: own.profileNotFoundFix(facts) }),
  },
  {
    id: 'SSO_SESSION_EXPIRED',
    basis: ['identity'],
    applies: (facts) => awsProblemIs(facts, 'sso-expired'),
    fix: (facts) => ({ fix: own.ssoExpiredFix(facts) }),
  },
  {
    id: 'NO_CREDENTIALS',
    basis: ['identity'],
    applies: (facts) => awsProblemIs(facts, 'no-credentials'),
    fix: (facts) => ({ fix: own.noCredentialsFix(facts) }),
  },
  {
    id: 'CREDENTIALS_EXPIRED',
    basis: ['identity'],
    applies: (facts) => awsProblemIs(facts, 'expired-credentials'),
    fix: (facts) => engineFix(facts, { kind: 'expired credentials' }),
  },
  {
    id: 'CREDENTIALS_INVALID',
    basis: ['identity'],
    applies: (facts) => awsProblemIs(facts, 'invalid-credentials'),
    fix: (facts) => engineFix(facts, { kind: 'invalid credentials' }),
  },
  {
    id: 'ASSUME_ROLE_DENIED',
    basis: ['identity'],
    applies: (facts) => facts.identityProblem?.kind === 'assume-role-denied',
    fix: (facts) => ({ fix: own.assumeRoleDeniedFix(facts) }),
  },
  {
    id: 'CLUSTER_NOT_FOUND',
    basis: ['cluster'],
    applies: (facts) => facts.clusterProblem?.kind === 'not found',
    fix: (facts) => ({ fix: own.clusterNotFoundFix(facts) }),
  },
  {
    id: 'CLUSTER_NOT_ACTIVE',
    basis: ['cluster'],
    applies: (facts) => facts.cluster?.status !== undefined && BROKEN_STATUSES.has(facts.cluster.status),
    fix: (facts) => ({ fix: own.clusterNotActiveFix(facts) }),
  },
  {
    id: 'WRONG_REGION',
    basis: ['cluster', 'endpoint'],
    applies: (facts) => facts.mismatch?.kind === 'region',
    fix: (facts) => ({ fix: own.wrongRegionFix(facts) }),
  },
  {
    id: 'ENDPOINT_MISMATCH',
    basis: ['cluster', 'endpoint'],
    applies: (facts) => facts.mismatch?.kind === 'endpoint',
    fix: (facts) => ({ fix: own.endpointMismatchFix(facts) }),
  },
  {
    // The cluster's authenticator checks the token with STS for its own name: another name fails the signature.
    id: 'WRONG_CLUSTER_NAME',
    basis: ['token-command', 'endpoint'],
    applies: (facts) => facts.mismatch?.kind === 'token cluster',
    fix: (facts) => engineFix(facts, { kind: 'signature mismatch' }),
  },
  {
    id: 'AUTHENTICATOR_DENIED',
    basis: ['authenticator-log'],
    applies: (facts) => {
      const denial = latestDenial(facts);
      return denial !== undefined && denial.category !== 'IDENTITY_NOT_MAPPED';
    },
    fix: (facts) => engineFix(facts, latestDenial(facts) ?? { kind: 'signature mismatch' }),
  },
  {
    id: 'ACCESS_ENTRY_WRONG_ARN',
    basis: ['access-entry'],
    applies: (facts) =>
      facts.accessEntry?.state === 'missing' && (facts.accessEntry.otherForms?.length ?? 0) > 0,
    fix: (facts) => ({ fix: own.accessEntryWrongArnFix(facts) }),
  },
  {
    id: 'NOT_MAPPED',
    basis: ['principal', 'access-entry', 'aws-auth', 'authenticator-log'],
    applies: notMapped,
    fix: (facts) => {
      const logged = latestDenial(facts);
      if (logged?.category === 'IDENTITY_NOT_MAPPED') return engineFix(facts, logged);
      return engineFix(facts, { kind: 'not mapped', arn: facts.principal?.arn ?? '' });
    },
  },
  {
    id: 'ACCESS_ENTRY_NO_PERMISSIONS',
    basis: ['access-entry', 'access-policies'],
    applies: (facts) => {
      const { entry, policies, state } = facts.accessEntry ?? {};
      if (state !== 'found' || !entry || (entry.type && NODE_ENTRY_TYPES.has(entry.type))) return false;
      return Array.isArray(policies) && policies.length === 0 && entry.kubernetesGroups.length === 0;
    },
    fix: (facts) => ({ fix: own.noPermissionsFix(facts) }),
  },
  {
    id: 'PRIVATE_ENDPOINT',
    basis: ['endpoint-access', 'probe'],
    applies: (facts) =>
      facts.cluster?.publicAccess === false &&
      (facts.probe === undefined ||
        facts.probe.failure === 'timeout' ||
        facts.probe.failure === 'unreachable'),
    fix: (facts) => ({ fix: own.privateEndpointFix(facts) }),
  },
  {
    id: 'ENDPOINT_UNREACHABLE',
    basis: ['endpoint-access', 'probe'],
    applies: (facts) =>
      facts.probe?.failure === 'timeout' ||
      facts.probe?.failure === 'unreachable' ||
      facts.probe?.failure === 'tls',
    fix: (facts) => ({ fix: own.endpointUnreachableFix(facts) }),
  },
  {
    id: 'FORBIDDEN',
    basis: ['probe'],
    applies: (facts) => facts.probe?.status === 403,
    fix: (facts) => ({ fix: own.forbiddenFix(facts) }),
  },
  {
    id: 'MAPPING_UNKNOWN',
    basis: ['aws-auth', 'authenticator-log'],
    applies: (facts) => awsAuthDecides(facts) && facts.awsAuth?.state === 'unknown' && !grantedLately(facts),
    fix: (facts) => ({ fix: own.mappingUnknownFix(facts) }),
  },
  {
    id: 'UNAUTHORIZED_UNEXPLAINED',
    basis: ['probe'],
    applies: (facts) => facts.probe?.status === 401,
    fix: (facts) => ({ fix: own.unexplainedFix(facts) }),
  },
  {
    id: 'CHECKS_INCOMPLETE',
    basis: [],
    applies: (facts, results) => !facts.cluster || results.some((result) => result.permission !== undefined),
    fix: (facts, results) => ({
      fix: own.incompleteFix(facts, [
        ...new Set(results.flatMap((result) => (result.permission ? [result.permission] : []))),
      ]),
    }),
  },
  {
    id: 'NO_PROBLEM_FOUND',
    basis: [],
    applies: () => true,
    fix: (facts) => ({ fix: own.noProblemFix(facts) }),
  },
];
