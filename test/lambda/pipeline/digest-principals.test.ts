import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfflineContextSource } from '../../../lambda/context/context-source';
import { DynamoDbDedupStore } from '../../../lambda/dedup/dynamodb-store';
import { SlackSink } from '../../../lambda/delivery/slack';
import { renderText } from '../../../lambda/engine/render';
import type { Notification } from '../../../lambda/engine/types';
import { RecordingObservability } from '../../../lambda/observability/observability';
import { createDiagnoseHandler } from '../../../lambda/pipeline/handler';
import { ACCOUNT, notMappedLine, subscriptionEvent, T0 } from '../../helpers/fixtures';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../helpers/local-dynamodb';
import { RecordingSink } from '../../helpers/recording-sink';
import { WebhookServer } from '../../helpers/webhook-server';

const WINDOW = 60 * 60_000;
/** Three alerts an hour per cluster: everything after them goes into the hour's digest. */
const CAP = 3;
const FOREIGN = '999988887777';
const lambdaContext = { getRemainingTimeInMillis: () => 60_000 };

let dynamodb: LocalDynamoDb;
const slack = new WebhookServer();
beforeAll(async () => {
  dynamodb = await startLocalDynamoDb();
  await slack.start();
});
afterAll(async () => {
  await slack.stop();
  await dynamodb.close();
});

/**
 * The deployed function's flow with its dedup state in dynalite: e-mail (SNS) recorded as the
 * notifications it is rendered from, Slack posted to a local webhook. Nothing knows the cluster's
 * account but the payloads (`owner`): the sweep an hour later has only what the digest kept.
 */
async function pipeline() {
  const sns = new RecordingSink('sns');
  const clock = { now: T0 };
  slack.script();
  const handler = createDiagnoseHandler({
    settings: { windowMs: WINDOW, cap: CAP },
    store: new DynamoDbDedupStore(dynamodb.client, await dynamodb.createTable()),
    context: new OfflineContextSource(),
    sinks: [sns, new SlackSink(async () => slack.url)],
    observability: new RecordingObservability(),
    now: () => clock.now,
  });
  /** Two batches of denials (`name` denied `times(i)` times), then the sweep an hour later. */
  const run = async (roles: readonly string[], times: (i: number) => number, account: string) => {
    const lines = roles.flatMap((role, i) =>
      Array.from({ length: times(i) }, (_, k) => notMappedLine(role, T0 + i * 100 + k, 30000 + k, account)),
    );
    const half = Math.ceil(lines.length / 2);
    for (const part of [lines.slice(0, half), lines.slice(half)]) {
      await handler(subscriptionEvent(part), lambdaContext);
    }
    clock.now = T0 + 2 * WINDOW;
    await handler({ sweep: true }, lambdaContext);
    const [digest] = sns.ofKind('digest');
    // The Slack body as posted (JSON text), of the one message that is the digest.
    const slackDigest = slack.received.find((post) =>
      (JSON.parse(post.body) as { text: string }).text.startsWith('📋'),
    );
    return { digest: digest as Notification, slackDigest: slackDigest?.body ?? '' };
  };
  return { run };
}

const roles = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
/** Role i is denied 20 - i times: the top of the digest is known in advance. */
const descending = (i: number) => 20 - i;

describe('a digest names whom it is about, sent by the sweep an hour later', () => {
  it('names the five most denied principals of this account and calls it an outage', async () => {
    // Prepare
    const { run } = await pipeline();

    // Act: 12 roles of the cluster's own account denied, the first 3 alert, 9 go into the digest
    const { digest, slackDigest } = await run(roles('team', 12), descending, ACCOUNT);

    // Assess
    expect(digest.topPrincipals).toEqual(
      [3, 4, 5, 6, 7].map((i) => ({ arn: `arn:aws:iam::${ACCOUNT}:role/team-${i}`, count: 20 - i })),
    );
    const email = renderText(digest);
    expect(email).toContain(
      `\nTop principals: arn:aws:iam::${ACCOUNT}:role/team-3 x17, arn:aws:iam::${ACCOUNT}:role/team-4 x16, arn:aws:iam::${ACCOUNT}:role/team-5 x15, arn:aws:iam::${ACCOUNT}:role/team-6 x14, arn:aws:iam::${ACCOUNT}:role/team-7 x13, and 4 more. This looks like an outage: 5 of the top principals are of this account (${ACCOUNT}).\n`,
    );
    expect(email).toContain(
      'Note: The authenticator logs no client addresses (it sees every client as 127.0.0.1)',
    );
    expect(slackDigest).toContain('This looks like an outage');
    expect(slackDigest).toContain(`\`arn:aws:iam::${ACCOUNT}:role/team-3\` x17`);
  });

  it('calls principals of another account a probe', async () => {
    // Prepare
    const { run } = await pipeline();

    // Act
    const { digest, slackDigest } = await run(roles('stranger', 10), descending, FOREIGN);

    // Assess
    expect(digest.topPrincipals?.[0]).toEqual({ arn: `arn:aws:iam::${FOREIGN}:role/stranger-3`, count: 17 });
    expect(renderText(digest)).toContain(
      'This looks like a probe: the top principals are not of this account.',
    );
    expect(slackDigest).toContain('This looks like a probe');
    expect(slackDigest).not.toContain('outage');
  });

  it('neutralises mrkdwn and mentions in a principal ARN in Slack', async () => {
    // Prepare: an ARN as a forged line can write it
    const { run } = await pipeline();
    const hostile = [...roles('alerted', CAP), '<!channel>*bold*_x_~s~', 'ops@here', ...roles('filler', 3)];

    // Act
    const { digest, slackDigest } = await run(hostile, () => 5, FOREIGN);

    // Assess: the ARNs are in the digest, and in Slack only as inert code
    expect(digest.topPrincipals?.map((p) => p.arn)).toContain(
      `arn:aws:iam::${FOREIGN}:role/<!channel>*bold*_x_~s~`,
    );
    expect(slackDigest).toContain('Top principals');
    expect(slackDigest).not.toContain('<!channel>');
    expect(slackDigest).not.toMatch(/@here/);
    expect(slackDigest).toContain(`\`arn:aws:iam::${FOREIGN}:role/&lt;!channel&gt;*bold*_x_~s~\` x5`);
    expect(slackDigest).toContain(`\`arn:aws:iam::${FOREIGN}:role/ops@\u200Dhere\` x5`);
  });
});
