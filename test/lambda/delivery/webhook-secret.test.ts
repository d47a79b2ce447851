import { clearCaches } from '@aws-lambda-powertools/parameters';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SlackWebhookSecretError, slackWebhookUrlFromSecret } from '../../../lambda/delivery/webhook-secret';
import { rejection } from '../../helpers/rejection';

const secrets = mockClient(SecretsManagerClient);
afterEach(() => {
  secrets.reset();
  clearCaches();
});

const URL_IN_SECRET = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX';

describe('the Slack webhook URL from Secrets Manager', () => {
  it.each([
    ['the bare URL', URL_IN_SECRET],
    ['JSON with url', JSON.stringify({ url: URL_IN_SECRET })],
    ['JSON with webhookUrl', JSON.stringify({ webhookUrl: URL_IN_SECRET })],
  ])('reads %s', async (_form, secretString) => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: secretString });

    // Act
    const url = await slackWebhookUrlFromSecret('eks-auth-doctor/slack');

    // Assess
    expect(url).toBe(URL_IN_SECRET);
  });

  it('asks Secrets Manager once and serves later reads from the cache', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: URL_IN_SECRET });

    // Act
    await slackWebhookUrlFromSecret('eks-auth-doctor/cached', 300);
    await slackWebhookUrlFromSecret('eks-auth-doctor/cached', 300);

    // Assess
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: 'eks-auth-doctor/cached' });
  });

  it('rejects a secret that holds no https URL, without repeating its value', async () => {
    // Prepare
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: 'http://hooks.slack.com/services/T/B/leaked-value' });

    // Act
    const error = await rejection(slackWebhookUrlFromSecret('eks-auth-doctor/bad'));

    // Assess
    expect(error).toBeInstanceOf(SlackWebhookSecretError);
    expect(error.message).toContain('eks-auth-doctor/bad');
    expect(error.message).not.toContain('leaked-value');
  });

  it('explains what to check when the function may not read the secret', async () => {
    // Prepare
    secrets
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    // Act
    const read = slackWebhookUrlFromSecret('eks-auth-doctor/denied');

    // Assess
    await expect(read).rejects.toThrow(SlackWebhookSecretError);
    await expect(read).rejects.toThrow(/secretsmanager:GetSecretValue/);
    await expect(read).rejects.toMatchObject({ cause: { cause: { name: 'AccessDeniedException' } } });
  });
});
