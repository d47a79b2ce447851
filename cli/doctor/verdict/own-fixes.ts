import type { Fix, FixStep } from '../../../lambda/engine/types';
import {
  associateAccessPolicy,
  callerIdentity,
  createAccessEntry,
  deleteAccessEntry,
  describeAccessEntry,
  KUBECONFIG_EXEC_ARGS,
  KUBECONFIG_VIEW,
  KUBECTL_GET_SVC,
  listAssociatedAccessPolicies,
  listClusters,
  restrictPublicEndpoint,
  ssoLogin,
  updateKubeconfig,
} from '../../../lambda/engine/wording/commands';
import {
  type ClusterNames,
  COMMAND_SAFE_ARN,
  clusterNames,
  PLACEHOLDER,
} from '../../../lambda/engine/wording/names';
import type { DoctorFacts } from '../facts';
import { shown } from '../shown';
import {
  AWS_VERSION,
  clusterStatus,
  configureKeys,
  configureSso,
  doctorAgain,
  enableAuthenticatorLogging,
  endpointAccess,
  GET_CONTEXTS,
  INSTALL_AWS_CLI,
  KUBECTL_CAN_I,
  KUBECTL_WHOAMI,
  LIST_PROFILES,
  roleTrustPolicy,
  SAVE_AWS_AUTH,
} from './commands';
import { profileWord } from './engine-fix';

/**
 * The doctor's own fixes, for what happens before a request reaches the authenticator (kubeconfig,
 * local credentials, the wrong cluster) or after it passed (permissions): no authenticator category
 * applies, so the engine has no fix for them. The commands are the engine's builders wherever the
 * pipeline has the same command, so one command is spelled one way.
 */

/** The cluster the fix is for, every name checked (placeholders where unknown or odd). */
export function namesOf(facts: DoctorFacts): ClusterNames {
  const cluster = facts.cluster;
  return clusterNames({
    clusterName: cluster?.name ?? facts.target?.name,
    region: cluster?.region ?? facts.target?.region,
    accountId: cluster?.accountId,
  });
}

/** The ARN an access entry should name (full, path included), checked for a command. */
function entryArn(facts: DoctorFacts): string {
  const arn = facts.principal?.fullArn ?? facts.principal?.arn;
  return arn !== undefined && COMMAND_SAFE_ARN.test(arn) ? arn : PLACEHOLDER.principalArn;
}

function profileOf(facts: DoctorFacts): string | undefined {
  return facts.profile?.name ?? facts.options.profile;
}

function regenerate(facts: DoctorFacts, text = 'Regenerate the kubeconfig entry for the cluster.'): FixStep {
  const profile = profileOf(facts);
  return {
    text,
    command: updateKubeconfig(namesOf(facts), profile === undefined ? undefined : profileWord(profile)),
  };
}

const VERIFY: FixStep = {
  text: 'Verify: this should now list services instead of failing.',
  command: KUBECTL_GET_SVC,
};

export function kubeconfigMissingFix(facts: DoctorFacts): Fix {
  const problem = facts.kubeconfigProblem;
  const why =
    problem?.kind === 'no-such-context'
      ? `has no context ${shown(problem.name, 60)}`
      : problem?.kind === 'no-file'
        ? 'does not exist'
        : 'has no usable context';
  return {
    title: 'No kubeconfig context for the cluster',
    summary: `The kubeconfig ${why}, so kubectl has no server to talk to and no way to get an IAM token.`,
    steps: [
      {
        text: 'See the contexts kubectl knows (`kubectl config use-context <name>` picks one).',
        command: GET_CONTEXTS,
      },
      regenerate(facts, 'Or write the cluster’s entry (add `--profile <profile>` for a named profile).'),
      VERIFY,
    ],
    warnings: [],
  };
}

export function notEksUserFix(facts: DoctorFacts): Fix {
  return {
    title: 'The kubeconfig user does not get an EKS token',
    summary:
      'The context’s user has no `aws eks get-token` exec plugin (a static token, a certificate, or a command that names no cluster), so EKS cannot tell which IAM identity is calling.',
    steps: [
      { text: 'Look at the user entry.', command: KUBECONFIG_VIEW },
      regenerate(facts, 'Regenerate the entry, which runs `aws eks get-token` for this cluster.'),
      VERIFY,
    ],
    warnings: [],
  };
}

export function execApiVersionFix(facts: DoctorFacts): Fix {
  return {
    title: 'The kubeconfig uses the removed exec API v1alpha1',
    summary:
      'The exec plugin declares `client.authentication.k8s.io/v1alpha1`, which kubectl 1.24 and later refuse, so no token is ever sent; an old AWS CLI or aws-iam-authenticator wrote it.',
    steps: [
      { text: `Update the AWS CLI to version 2: ${INSTALL_AWS_CLI}.`, command: AWS_VERSION },
      regenerate(
        facts,
        'Regenerate the entry; a current AWS CLI writes `client.authentication.k8s.io/v1beta1`.',
      ),
      { text: 'Check the exec block’s apiVersion.', command: KUBECONFIG_EXEC_ARGS },
      VERIFY,
    ],
    warnings: [],
  };
}

export function commandNotFoundFix(facts: DoctorFacts): Fix {
  const command = facts.tokenCommand?.command ?? 'aws';
  const authenticator = facts.tokenCommand?.kind === 'aws-iam-authenticator';
  return {
    title: 'The token command is not installed',
    summary: `kubectl runs \`${shown(command, 60)}\` for a token, but it is not on this shell’s PATH, so kubectl fails before it reaches the cluster.`,
    steps: [
      authenticator
        ? {
            text: 'Install aws-iam-authenticator, or let the AWS CLI make the token by regenerating the entry below.',
          }
        : { text: `Install the AWS CLI version 2: ${INSTALL_AWS_CLI}.`, command: AWS_VERSION },
      regenerate(facts),
      VERIFY,
    ],
    warnings: [],
  };
}

export function profileNotFoundFix(facts: DoctorFacts): Fix {
  const problem = facts.identityProblem;
  const profile = profileWord(problem?.kind === 'profile-not-found' ? problem.profile : undefined);
  return {
    title: 'The AWS profile does not exist on this machine',
    summary: `The token command signs with profile ${profile}, which is in neither ~/.aws/config nor ~/.aws/credentials, so no token can be made.`,
    steps: [
      { text: 'List the profiles this machine has.', command: LIST_PROFILES },
      { text: `Create ${profile} for IAM Identity Center (SSO)…`, command: configureSso(profile) },
      { text: '…or with an access key.', command: configureKeys(profile) },
      {
        text: 'Or regenerate the entry with a profile you have.',
        command: updateKubeconfig(namesOf(facts), PLACEHOLDER.profile),
      },
      VERIFY,
    ],
    warnings: [],
  };
}

export function ssoExpiredFix(facts: DoctorFacts): Fix {
  const profile = profileWord(profileOf(facts));
  return {
    title: 'The IAM Identity Center (SSO) session has expired',
    summary: `Profile ${profile} gets its credentials from an IAM Identity Center session that has expired, so \`aws eks get-token\` cannot sign a token until you sign in again.`,
    steps: [
      { text: 'Sign in again.', command: ssoLogin(profile) },
      { text: 'Check that the profile works.', command: callerIdentity(profile) },
      VERIFY,
    ],
    warnings: [],
  };
}

export function noCredentialsFix(facts: DoctorFacts): Fix {
  const profile = profileWord(profileOf(facts));
  return {
    title: 'No AWS credentials on this machine',
    summary:
      'The token command finds no AWS credentials (no profile, no keys in the environment, no instance or container role), so kubectl gets no token.',
    steps: [
      { text: 'Set up a profile for IAM Identity Center (SSO)…', command: configureSso(profile) },
      { text: '…or with an access key.', command: configureKeys(profile) },
      regenerate(facts, 'Put that profile into the kubeconfig entry.'),
      { text: 'Check which identity the profile gives.', command: callerIdentity(profile) },
      VERIFY,
    ],
    warnings: [],
  };
}

export function assumeRoleDeniedFix(facts: DoctorFacts): Fix {
  const problem = facts.identityProblem;
  const role =
    problem?.kind === 'assume-role-denied' && COMMAND_SAFE_ARN.test(problem.roleArn)
      ? problem.roleArn
      : PLACEHOLDER.roleArn;
  const roleName =
    role === PLACEHOLDER.roleArn ? PLACEHOLDER.roleName : role.slice(role.lastIndexOf('/') + 1);
  const caller =
    facts.caller?.arn && COMMAND_SAFE_ARN.test(facts.caller.arn) ? facts.caller.arn : 'your identity';
  return {
    title: 'The kubeconfig’s --role-arn cannot be assumed',
    summary: `The token command assumes ${role}, but ${caller} is not allowed to (AccessDenied), so no token is signed.`,
    steps: [
      { text: 'Check which identity you are signed in as.', command: callerIdentity(profileOf(facts)) },
      {
        text: `Ask the role’s owner to trust ${caller} in its trust policy (and to grant it sts:AssumeRole on the role).`,
        command: roleTrustPolicy(roleName),
      },
      regenerate(facts, 'Or, to use your own identity, regenerate the entry without --role-arn.'),
      VERIFY,
    ],
    warnings: [],
  };
}

export function clusterNotFoundFix(facts: DoctorFacts): Fix {
  const names = namesOf(facts);
  return {
    title: 'No such cluster in that region',
    summary: `There is no cluster ${names.cluster} in ${names.region} for this account, so the kubeconfig names a cluster that was deleted or renamed, or lives in another region or account.`,
    steps: [
      { text: 'Check the account you are signed in to.', command: callerIdentity(profileOf(facts)) },
      { text: 'List the clusters of the region.', command: listClusters(names) },
      {
        text: 'Regenerate the entry with the exact name (and region).',
        command: updateKubeconfig({ ...names, cluster: PLACEHOLDER.cluster }),
      },
      VERIFY,
    ],
    warnings: [],
  };
}

export function clusterNotActiveFix(facts: DoctorFacts): Fix {
  const names = namesOf(facts);
  return {
    title: `The cluster is ${facts.cluster?.status ?? 'not ACTIVE'}`,
    summary: `Cluster ${names.cluster} is not ACTIVE, so its API server may not accept requests yet (or any more).`,
    steps: [{ text: 'Wait until the status is ACTIVE.', command: clusterStatus(names) }, VERIFY],
    warnings: [],
  };
}

export function wrongRegionFix(facts: DoctorFacts): Fix {
  const names = namesOf(facts);
  const mismatch = facts.mismatch;
  const other = mismatch?.kind === 'region' ? mismatch.serverRegion : 'another region';
  return {
    title: 'The kubeconfig points at a cluster in another region',
    summary: `You mean ${names.cluster} in ${names.region}, but the kubeconfig’s server is in ${other}, so kubectl talks to another cluster (where you are probably not mapped).`,
    steps: [
      regenerate(facts, `Regenerate the entry for the cluster in ${names.region}.`),
      { text: 'Check that the current context now points at it.', command: KUBECONFIG_VIEW },
      VERIFY,
    ],
    warnings: [],
  };
}

export function endpointMismatchFix(facts: DoctorFacts): Fix {
  const names = namesOf(facts);
  return {
    title: 'The kubeconfig’s server is not the cluster’s endpoint',
    summary: `The kubeconfig sends requests to another endpoint than ${names.cluster}’s: the cluster was recreated (a new endpoint), or the entry was copied from another cluster.`,
    steps: [
      regenerate(facts, 'Regenerate the entry, which writes the current endpoint and CA.'),
      { text: 'Check that the current context now points at it.', command: KUBECONFIG_VIEW },
      VERIFY,
    ],
    warnings: [],
  };
}

export function accessEntryWrongArnFix(facts: DoctorFacts): Fix {
  const names = namesOf(facts);
  const arn = entryArn(facts);
  const other =
    facts.accessEntry?.otherForms?.find((form) => COMMAND_SAFE_ARN.test(form)) ?? PLACEHOLDER.principalArn;
  return {
    title: 'The access entry names another ARN of this principal',
    summary: `The cluster has an access entry for ${other}, but this principal authenticates as ${arn}, for which there is none (an entry must name the role’s full IAM ARN, path included).`,
    steps: [
      { text: 'Note the wrong entry’s username and groups…', command: describeAccessEntry(names, other) },
      { text: '…and its access policies.', command: listAssociatedAccessPolicies(names, other) },
      {
        text: 'Create the entry for the right ARN (add the groups or username you noted).',
        command: createAccessEntry(names, arn),
      },
      {
        text: 'Associate the policies you noted (read-only shown).',
        command: associateAccessPolicy(names, arn, 'AmazonEKSViewPolicy'),
      },
      { text: 'Once it works, delete the wrong entry.', command: deleteAccessEntry(names, other) },
      VERIFY,
    ],
    warnings: [],
  };
}

export function noPermissionsFix(facts: DoctorFacts): Fix {
  const names = namesOf(facts);
  const arn = entryArn(facts);
  return {
    title: 'The access entry grants nothing',
    summary: `${arn} has an access entry but no access policy and no Kubernetes groups, so it authenticates and is then Forbidden (403) on every request.`,
    steps: [
      {
        text: 'Associate an access policy (read-only here; AmazonEKSEditPolicy or AmazonEKSAdminPolicy for more, `--access-scope type=namespace,namespaces=<namespace>` to limit it).',
        command: associateAccessPolicy(names, arn, 'AmazonEKSViewPolicy'),
      },
      { text: 'Check the association.', command: listAssociatedAccessPolicies(names, arn) },
      VERIFY,
    ],
    warnings: [
      'Someone allowed `eks:AssociateAccessPolicy` runs the first step; the doctor changes nothing.',
    ],
  };
}

export function privateEndpointFix(facts: DoctorFacts): Fix {
  const names = namesOf(facts);
  return {
    title: 'The cluster endpoint is private: kubectl must run inside its VPC',
    summary: `${names.cluster}’s API endpoint takes only private connections, so from outside its VPC kubectl times out — which is not an Unauthorized; your identity checks passed.`,
    steps: [
      {
        text: 'Run kubectl from inside the VPC: a bastion, an SSM session, or over your VPN or Direct Connect.',
      },
      {
        text: 'Or, if your policy allows, open the public endpoint to your network only (a write, for an admin).',
        command: restrictPublicEndpoint(names),
      },
      VERIFY,
    ],
    warnings: [],
  };
}

export function endpointUnreachableFix(facts: DoctorFacts): Fix {
  const names = namesOf(facts);
  const tls = facts.probe?.failure === 'tls';
  return {
    title: tls
      ? 'The API server’s certificate does not match the kubeconfig'
      : 'The API server cannot be reached from here',
    summary: tls
      ? 'The TLS handshake with the kubeconfig’s server failed, so its certificate-authority-data is stale (a recreated cluster) or another server answers; that is not an Unauthorized.'
      : `The kubeconfig’s server did not answer, so kubectl times out before any authentication; ${names.cluster}’s public endpoint may be limited to other networks, or a proxy or VPN is in the way.`,
    steps: [
      {
        text: 'See which networks may reach the public endpoint, and whether a private one exists.',
        command: endpointAccess(names),
      },
      regenerate(facts, 'Regenerate the entry, which writes the current endpoint and CA.'),
      VERIFY,
    ],
    warnings: [],
  };
}

export function forbiddenFix(facts: DoctorFacts): Fix {
  const names = namesOf(facts);
  return {
    title: 'Authenticated, but Kubernetes RBAC forbids the request',
    summary:
      'The cluster accepted a fresh token (this is not an Unauthorized any more) and then refused the request: your Kubernetes user or groups have no permission for it.',
    steps: [
      { text: 'See the Kubernetes user and groups you are mapped to.', command: KUBECTL_WHOAMI },
      { text: 'See what you may do.', command: KUBECTL_CAN_I },
      {
        text: 'Have an admin associate an access policy (or bind your groups with RBAC).',
        command: associateAccessPolicy(names, entryArn(facts), 'AmazonEKSViewPolicy'),
      },
    ],
    warnings: [],
  };
}

export function mappingUnknownFix(facts: DoctorFacts): Fix {
  const names = namesOf(facts);
  const arn = facts.principal?.arn ?? 'your principal';
  const loggingOff = facts.authenticatorLog?.state === 'logging off';
  const steps: FixStep[] = [];
  if (loggingOff) {
    steps.push({
      text: 'Turn on authenticator logging (someone allowed eks:UpdateClusterConfig), reproduce the error, and run the doctor again: the log says why.',
      command: enableAuthenticatorLogging(names),
    });
  }
  steps.push(
    { text: 'Ask someone with cluster access to save aws-auth…', command: SAVE_AWS_AUTH },
    { text: '…and check it for your ARN.', command: doctorAgain(names, '--aws-auth aws-auth.yaml') },
  );
  if (!facts.options.probe) {
    steps.push({ text: 'Present a fresh token to the cluster.', command: doctorAgain(names, '--probe') });
  }
  steps.push({
    text: 'If you created the cluster, sign in as that identity: CONFIG_MAP maps its creator without aws-auth.',
    command: callerIdentity(profileOf(facts)),
  });
  return {
    title: 'Cannot tell from outside whether aws-auth maps you',
    summary: `Only aws-auth can map ${arn} on ${names.cluster}, and aws-auth is readable only from inside the cluster${loggingOff ? '; authenticator logging is off, so the log cannot say either' : ''}.`,
    steps,
    warnings: [],
  };
}

export function unexplainedFix(facts: DoctorFacts): Fix {
  const names = namesOf(facts);
  const loggingOn = facts.cluster?.authenticatorLogging === true;
  return {
    title: 'The cluster refuses a fresh token, and nothing seen from outside says why',
    summary: `${names.cluster} answered 401 to a token made as the exec plugin makes it, while the identity, the cluster and the mapping checks found nothing wrong.`,
    steps: [
      loggingOn
        ? {
            text: 'Read what the authenticator said over a longer window (a token refused before STS names no ARN; look at the lines around the probe’s time).',
            command: doctorAgain(names, '--since 6h'),
          }
        : {
            text: 'Turn on authenticator logging, reproduce, and run the doctor again.',
            command: enableAuthenticatorLogging(names),
          },
      { text: 'Check the clock: a clock minutes off breaks the signature.', command: 'date -u' },
      VERIFY,
    ],
    warnings: [],
  };
}

export function incompleteFix(facts: DoctorFacts, permissions: readonly string[]): Fix {
  const names = namesOf(facts);
  if (permissions.length === 0) {
    return {
      title: 'The cluster could not be checked',
      summary:
        'Nothing wrong was found up to the point where the doctor could not go on (see the ? lines), so it cannot tell where the Unauthorized comes from.',
      steps: [
        {
          text: 'Name the cluster you mean, if the kubeconfig does not.',
          command: doctorAgain(names, '--probe'),
        },
      ],
      warnings: [],
    };
  }
  return {
    title: 'Some checks could not run: read permissions are missing',
    summary: `Nothing wrong was found, but without ${permissions.join(', ')} the doctor could not see everything it needs.`,
    steps: [
      {
        text: `Run again with a profile allowed ${permissions.join(', ')} (all read-only; the README lists the full set).`,
        command: doctorAgain(names, `--profile ${PLACEHOLDER.profile}`),
      },
    ],
    warnings: [],
  };
}

export function noProblemFix(facts: DoctorFacts): Fix {
  const names = namesOf(facts);
  const arn = facts.principal?.arn ?? 'your identity';
  const accepted = facts.probe?.status === 200 ? ', and the cluster accepted a fresh token' : '';
  const steps: FixStep[] = [
    {
      text: 'Retry: an Unauthorized from a token cached before a fix goes away with a new token.',
      command: KUBECTL_GET_SVC,
    },
  ];
  if (facts.cluster && !facts.cluster.authenticatorLogging) {
    steps.push({
      text: 'Turn on authenticator logging, so the next Unauthorized is explained.',
      command: enableAuthenticatorLogging(names),
    });
  }
  if (!facts.options.probe)
    steps.push({ text: 'Present a fresh token to the cluster.', command: doctorAgain(names, '--probe') });
  return {
    title: 'No problem found',
    summary: `${arn} is mapped on ${names.cluster} and the kubeconfig points at it${accepted}.`,
    steps,
    warnings: [],
  };
}
