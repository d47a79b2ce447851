import { describe, expect, it } from 'vitest';
import { OfflineContextSource, type PrincipalRequest } from '../../../lambda/context/context-source';
import { MemoryDedupStore } from '../../../lambda/dedup/memory-store';
import type { ClusterContext, Notification } from '../../../lambda/engine/types';
import { RecordingObservability } from '../../../lambda/observability/observability';
import type { PipelineDeps } from '../../../lambda/pipeline/deps';
import { createDiagnoseHandler } from '../../../lambda/pipeline/handler';
import { ACCOUNT, notMappedLine, stsResponseLine, subscriptionEvent, T0 } from '../../helpers/fixtures';
import { RecordingSink } from '../../helpers/recording-sink';

const lambdaContext = { getRemainingTimeInMillis: () => 60_000 };
const CREATOR_ROLE = `arn:aws:iam::${ACCOUNT}:role/cluster-admin`;
const CREATOR_USER = `arn:aws:iam::${ACCOUNT}:user/ops/alice`;

/** The alerts the handler sends for `lines` of cluster `prod-eks`, with the stack's `creatorArn` if given. */
async function alertsFor(lines: readonly string[], creatorArn?: string): Promise<Notification[]> {
  const sns = new RecordingSink('sns');
  const deps: PipelineDeps = {
    settings: { windowMs: 60 * 60_000, cap: 20 },
    store: new MemoryDedupStore(),
    context: new OfflineContextSource(),
    sinks: [sns],
    observability: new RecordingObservability(),
    now: () => T0,
    ...(creatorArn === undefined ? {} : { creatorArn }),
  };
  await createDiagnoseHandler(deps)(subscriptionEvent(lines, { cluster: 'prod-eks' }), lambdaContext);
  return sns.ofKind('alert');
}

/** The alert for the on-call role's denial (the broken aws-auth has its own). */
const onCallAlert = (alerts: readonly Notification[]) =>
  alerts.find((alert) => alert.finding?.principal?.arn.endsWith(':role/platform-oncall'));

/** The lock-out: aws-auth stopped parsing, so every mapped principal is denied, the on-call role too. */
const LOCKED_OUT = [
  `time="${new Date(T0 - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z')}" level=warning msg="Errors parsing configmap: [yaml: line 7: did not find expected key]"`,
  notMappedLine('platform-oncall', T0, 1),
];

const commandsOf = (alert: Notification | undefined) =>
  (alert?.fix?.steps ?? []).flatMap((step) => (step.command === undefined ? [] : [step.command]));

describe("the stack's creatorArn in the alerts", () => {
  it('a creator role: the fix of a broken aws-auth names it and the command to act as it', async () => {
    // Act
    const alert = onCallAlert(await alertsFor(LOCKED_OUT, CREATOR_ROLE));

    // Assess
    expect(alert?.finding?.subCause).toBe('AWS_AUTH_BROKEN');
    expect(alert?.cluster.creatorArn).toBe(CREATOR_ROLE);
    expect(
      alert?.fix?.steps.some((step) => step.text.includes(`the cluster creator (${CREATOR_ROLE})`)),
    ).toBe(true);
    expect(commandsOf(alert)).toContain(
      `aws eks update-kubeconfig --name prod-eks --region <region> --role-arn ${CREATOR_ROLE}`,
    );
  });

  it('a creator user: the profile hint instead of --role-arn', async () => {
    // Act
    const alert = onCallAlert(await alertsFor(LOCKED_OUT, CREATOR_USER));

    // Assess
    expect(alert?.fix?.steps.some((step) => step.text.includes(`creator user ${CREATOR_USER}`))).toBe(true);
    expect(commandsOf(alert)).toContain(
      'aws eks update-kubeconfig --name prod-eks --region <region> --profile <profile>',
    );
    expect(commandsOf(alert).some((command) => command.includes('--role-arn'))).toBe(false);
  });

  it('no creator configured: the alert asks the query that finds it, and names no creator', async () => {
    // Act
    const alert = onCallAlert(await alertsFor(LOCKED_OUT));

    // Assess
    expect(alert?.finding?.subCause).toBe('AWS_AUTH_BROKEN');
    expect(alert?.cluster.creatorArn).toBeUndefined();
    expect(
      alert?.fix?.steps.some((step) => step.text.includes('the cluster creator (find it with the query')),
    ).toBe(true);
    expect(alert?.fix?.steps.some((step) => step.text.startsWith('To find the creator'))).toBe(true);
    expect(commandsOf(alert).some((command) => command.includes('--role-arn'))).toBe(false);
  });
});

/** Records what the pipeline asks about principals, and answers like an offline source. */
class RecordingContextSource extends OfflineContextSource {
  readonly asked: PrincipalRequest[] = [];

  override async principals(
    clusterName: string,
    cluster: ClusterContext,
    requests: readonly PrincipalRequest[],
  ) {
    this.asked.push(...requests);
    return super.principals(clusterName, cluster, requests);
  }
}

/** What the pipeline asks the context source about the denied principals of `lines`. */
async function principalRequestsFor(lines: readonly string[]): Promise<PrincipalRequest[]> {
  const context = new RecordingContextSource();
  const deps: PipelineDeps = {
    settings: { windowMs: 60 * 60_000, cap: 20 },
    store: new MemoryDedupStore(),
    context,
    sinks: [new RecordingSink('sns')],
    observability: new RecordingObservability(),
    now: () => T0,
  };
  await createDiagnoseHandler(deps)(subscriptionEvent(lines), lambdaContext);
  return context.asked;
}

const grantedLine = (role: string, at: number, port: number) =>
  `time="${new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z')}" level=info msg="access granted" arn="arn:aws:iam::${ACCOUNT}:role/${role}" client="127.0.0.1:${port}" method=POST path=/authenticate username="${role}"`;

describe('which denied principals the log group is searched for', () => {
  it('not one whose STS line and a grant within the minute before the denial are in the batch', async () => {
    // Act
    const [request] = await principalRequestsFor([
      grantedLine('developer', T0 - 30_000, 5),
      stsResponseLine('developer', 'alice', T0, 7),
      notMappedLine('developer', T0, 7),
    ]);

    // Assess
    expect(request?.finding.principal?.name).toBe('developer');
    expect(request?.historyKnown).toBe(true);
  });

  it('one whose last grant in the batch is older than a minute: the log group may hold a later one', async () => {
    // Act
    const [request] = await principalRequestsFor([
      grantedLine('developer', T0 - 5 * 60_000, 5),
      stsResponseLine('developer', 'alice', T0, 7),
      notMappedLine('developer', T0, 7),
    ]);

    // Assess
    expect(request?.historyKnown).toBe(false);
  });

  it('one whose STS line the batch lacks, or that the batch shows no grant of', async () => {
    // Act
    const withoutSts = await principalRequestsFor([
      grantedLine('developer', T0 - 30_000, 5),
      notMappedLine('developer', T0, 7),
    ]);
    const withoutGrant = await principalRequestsFor([
      stsResponseLine('developer', 'alice', T0, 7),
      notMappedLine('developer', T0, 7),
    ]);

    // Assess
    expect(withoutSts.map((request) => request.historyKnown)).toEqual([false]);
    expect(withoutGrant.map((request) => request.historyKnown)).toEqual([false]);
  });

  it('not one granted again later in the batch: that later grant is the one the message names', async () => {
    // Act
    const [request] = await principalRequestsFor([
      stsResponseLine('developer', 'alice', T0, 7),
      notMappedLine('developer', T0, 7),
      grantedLine('developer', T0 + 10_000, 9),
    ]);

    // Assess
    expect(request?.historyKnown).toBe(true);
  });
});
