import { AUTHENTICATOR_FILTER_TERMS, clusterLogGroupName, SERVICE_NAME } from '../contract';
import type { ClusterContext, FixStep, Notification } from '../engine/types';
import type { BlindReason } from './sight';

/** What the reader is told happened, per reason: the end of "is blind on <cluster> since <time>: …". */
const WHAT_HAPPENED: Readonly<Record<BlindReason, string>> = {
  'logging-off': 'authenticator logging was turned off (by another tool?)',
  'filter-missing': 'our subscription filter was removed from the cluster log group (by another tool?)',
  'filter-elsewhere': 'our subscription filter now sends to another destination (by another tool?)',
  'cluster-missing': 'the cluster no longer exists (deleted or re-created?)',
};

export interface BlindNoticeInput {
  readonly cluster: ClusterContext & { readonly clusterName: string };
  readonly reason: BlindReason;
  /** Epoch ms of the check that first found it. */
  readonly since: number;
  /** Epoch ms of the last check that found it working, if any. */
  readonly lastSeeing?: number;
  readonly owner?: string;
  readonly filterName: string;
  /** The function's name, for the command that puts the filter back. */
  readonly functionName?: string;
}

/**
 * The breakage alert: "eks-auth-doctor is blind on prod-eu since 14:05: authenticator logging was
 * turned off (by another tool?)", with the command that turns it back on and a hint at which tool
 * may own the setting. An `alert` without a finding: every sink already renders one from its fix.
 */
export function blindNotice(input: BlindNoticeInput): Notification {
  const name = input.cluster.clusterName;
  const title = `${SERVICE_NAME} is blind on ${name} since ${clock(input.since)}: ${WHAT_HAPPENED[input.reason]}`;
  const notes = input.lastSeeing
    ? [`The last check that found ${name} watched was at ${clock(input.lastSeeing)}.`]
    : [];
  return {
    kind: 'alert',
    cluster: input.cluster,
    fix: {
      title,
      summary:
        `Until this is fixed, denials on ${name} reach nobody: the pipeline's own alarms stay green because ` +
        'nothing arrives to fail.',
      steps: stepsFor(input),
      warnings: ownerWarning(input),
    },
    count: 1,
    firstSeen: new Date(input.since).toISOString(),
    problemKey: `${name}|${SERVICE_NAME}-blind`,
    notes,
  };
}

/** The all-clear, in the same thread: the check sees the cluster again. */
export function sightRestoredNotice(
  cluster: ClusterContext & { readonly clusterName: string },
  since: number,
  now: number,
): Notification {
  const name = cluster.clusterName;
  return {
    kind: 'alert',
    cluster,
    fix: {
      title: `${SERVICE_NAME} sees ${name} again (blind from ${clock(since)} to ${clock(now)})`,
      summary:
        'Authenticator logging is on and our subscription filter is attached. Denials written while the ' +
        'pipeline was blind were not diagnosed; search them in the cluster log group if it matters.',
      steps: [],
      warnings: [],
    },
    count: 1,
    firstSeen: new Date(since).toISOString(),
    lastSeen: new Date(now).toISOString(),
    problemKey: `${name}|${SERVICE_NAME}-blind`,
    notes: [],
  };
}

function stepsFor(input: BlindNoticeInput): FixStep[] {
  const name = input.cluster.clusterName;
  const region = input.cluster.region ? ` --region ${input.cluster.region}` : '';
  const logGroup = clusterLogGroupName(name);
  switch (input.reason) {
    case 'logging-off':
      return [
        {
          text: 'Turn authenticator logging back on (only that log type; the others stay as they are)',
          command:
            `aws eks update-cluster-config${region} --name ${name} ` +
            `--logging '{"clusterLogging":[{"types":["authenticator"],"enabled":true}]}'`,
        },
        {
          text: 'Add "authenticator" to the logging setting of the tool that manages the cluster, or its next apply turns it off again',
        },
      ];
    case 'filter-missing':
    case 'filter-elsewhere': {
      const functionArn = input.functionName
        ? `"$(aws lambda get-function${region} --function-name ${input.functionName} --query Configuration.FunctionArn --output text)"`
        : '<diagnosis function ARN>';
      const pattern = filterPattern();
      return [
        {
          text: 'Put our subscription filter back on the cluster log group',
          command:
            `aws logs put-subscription-filter${region} --log-group-name ${logGroup} ` +
            `--filter-name ${input.filterName} --filter-pattern '${pattern}' --destination-arn ${functionArn}`,
        },
        {
          text: 'Check whether another tool manages the subscription filters of this log group (at most two per group)',
        },
      ];
    }
    case 'cluster-missing':
      return [
        {
          text: `List the clusters of this region: is ${name} still there under that name?`,
          command: `aws eks list-clusters${region}`,
        },
        {
          text: `If it is gone for good, remove ${name} from the "clusters" setting and deploy the stack again`,
        },
      ];
  }
}

function ownerWarning(input: BlindNoticeInput): string[] {
  if (input.reason === 'cluster-missing') return [];
  if (input.owner)
    return [`This cluster looks managed by ${input.owner}; change it there, or it undoes your fix.`];
  return [
    'If Terraform (enabled_cluster_log_types), eksctl (cloudWatch.clusterLogging), another CloudFormation stack or a CDK app (clusterLogging) manages this cluster, change it there too.',
  ];
}

/** `2024-05-01 14:05 UTC`: the sweep's own clock, not a log line's. */
function clock(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * The stack's filter pattern, as `FilterPattern.anyTerm` renders it (lib/filter-pattern.ts builds it
 * from the same contract terms; a test holds the two equal).
 */
export function filterPattern(): string {
  return AUTHENTICATOR_FILTER_TERMS.map((t) => `?"${t}"`).join(' ');
}
