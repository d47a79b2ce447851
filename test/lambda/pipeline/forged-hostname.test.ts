import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OfflineContextSource } from '../../../lambda/context/context-source';
import { MemoryDedupStore } from '../../../lambda/dedup/memory-store';
import { SlackSink } from '../../../lambda/delivery/slack';
import { SnsSink, snsPublisher } from '../../../lambda/delivery/sns';
import { RecordingObservability } from '../../../lambda/observability/observability';
import { createDiagnoseHandler } from '../../../lambda/pipeline/handler';
import { rejectedHostLine, subscriptionEvent, T0 } from '../../helpers/fixtures';
import { WebhookServer } from '../../helpers/webhook-server';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:eks-auth-doctor';
const server = new WebhookServer();
const sns = mockClient(SNSClient);
beforeAll(() => server.start());
afterAll(() => server.stop());
afterEach(() => sns.reset());

describe('a forged token with Slack markup in its host', () => {
  it('reaches Slack and AWS Chatbot escaped, end to end, with the raw host nowhere in a payload', async () => {
    // Prepare: anyone who reaches a public endpoint can put this into the authenticator's log
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    server.script();
    const host = 'sts.amazonaws.com<!channel><https://evil.example|click here>`\u0060\u0060';
    const handler = createDiagnoseHandler({
      settings: { windowMs: 3_600_000, cap: 20 },
      store: new MemoryDedupStore(),
      context: new OfflineContextSource(),
      sinks: [
        new SnsSink(snsPublisher(new SNSClient({ region: 'eu-west-1' })), TOPIC),
        new SlackSink(async () => server.url),
      ],
      observability: new RecordingObservability(),
      now: () => T0,
    });

    // Act
    await handler(subscriptionEvent([rejectedHostLine(host, T0, 1)]), {
      getRemainingTimeInMillis: () => 60_000,
    });

    // Assess
    const slackBody = server.received[0]?.body ?? '';
    const published = sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '';
    const chatbotBody = JSON.parse(published).https as string;
    for (const body of [slackBody, chatbotBody]) {
      expect(body).toContain('TOKEN_STS_HOST_REJECTED');
      expect(body).not.toContain('<!channel>');
      expect(body).not.toContain('<https://evil.example');
    }
    // Slack's wire format escapes as entities; Chatbot's own markdown gets look-alikes (issue 12).
    expect(slackBody).toContain('&lt;!channel&gt;');
    expect(chatbotBody).toContain('‹!channel›');
    expect(JSON.parse(slackBody)).toMatchObject({ unfurl_links: false, unfurl_media: false });
  });
});
