import { getSecret } from '@aws-lambda-powertools/parameters/secrets';

/** The secret is missing, empty or holds no usable webhook URL; the message never repeats its value. */
export class SlackWebhookSecretError extends Error {
  override readonly name = 'SlackWebhookSecretError';
}

/**
 * Reads the Slack incoming-webhook URL from Secrets Manager through Powertools Parameters, cached for
 * `maxAgeSeconds` in the execution environment (one `GetSecretValue` per environment and TTL, not per
 * message). The secret may hold the bare URL or JSON `{"url": "…"}` (also `webhookUrl`, `webhook_url`).
 *
 * The URL is a credential: it never appears in logs or errors.
 *
 * @example
 * const slack = new SlackSink(() => slackWebhookUrlFromSecret('eks-auth-doctor/slack-webhook'));
 */
export async function slackWebhookUrlFromSecret(secretName: string, maxAgeSeconds = 300): Promise<string> {
  let value: unknown;
  try {
    value = await getSecret(secretName, { maxAge: maxAgeSeconds });
  } catch (error) {
    throw new SlackWebhookSecretError(
      `cannot read the Slack webhook secret ${secretName} (${(error as Error).name}); check that it exists and that the function may call secretsmanager:GetSecretValue on it`,
      { cause: error },
    );
  }
  return webhookUrlFrom(secretName, typeof value === 'string' ? value : undefined);
}

/** The URL inside a secret string, checked: https (or http to this machine, for local tests). */
export function webhookUrlFrom(secretName: string, secretString: string | undefined): string {
  let text = secretString?.trim() ?? '';
  if (text.startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      const url = parsed.url ?? parsed.webhookUrl ?? parsed.webhook_url;
      text = typeof url === 'string' ? url.trim() : '';
    } catch {
      text = '';
    }
  }
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  const loopback = url?.hostname === '127.0.0.1' || url?.hostname === 'localhost';
  if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) {
    throw new SlackWebhookSecretError(
      `the secret ${secretName} holds no https webhook URL; store the URL Slack gave you (https://hooks.slack.com/services/…), bare or as {"url": "…"}`,
    );
  }
  return url.toString();
}
