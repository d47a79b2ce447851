import { describe, expect, it } from 'vitest';
import { OfflineContextSource } from '../../../lambda/context/context-source';
import { MemoryDedupStore } from '../../../lambda/dedup/memory-store';
import type { Notification } from '../../../lambda/engine/types';
import { RecordingObservability } from '../../../lambda/observability/observability';
import type { PipelineDeps } from '../../../lambda/pipeline/deps';
import { createDiagnoseHandler } from '../../../lambda/pipeline/handler';
import { ACCOUNT, notMappedLine, subscriptionEvent, T0 } from '../../helpers/fixtures';
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
