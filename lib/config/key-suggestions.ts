/**
 * "Did you mean": the key of ours that an unknown key most likely misspells, or `undefined` when it is
 * not close to any (context also holds CDK's feature flags and other tools' keys, which are none of our
 * business). Close means: the same letters ignoring case and punctuation; a prefix of ours or ours of it
 * (`cluster`, `slackWebhook`); a long common start (`slackWebhookUrl`); the last part of a dotted key
 * (`slackChannelId` for `chatbot.slackChannelId`); or at most a few letters' edit (`alertEmail`,
 * `dedupWindowMinute`).
 */
export function closestKey(key: string, ours: readonly string[]): string | undefined {
  const typed = normalised(key);
  if (typed.length < 4) return undefined;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of ours) {
    const wanted = normalised(candidate);
    const distance =
      wanted === typed
        ? 0
        : candidate.endsWith(`.${key}`) || wanted.startsWith(typed) || typed.startsWith(wanted)
          ? 1
          : commonStart(typed, wanted) >= 8
            ? 2
            : editDistance(typed, wanted);
    const allowed = Math.max(2, Math.floor(wanted.length / 4));
    if (distance <= allowed && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function normalised(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function commonStart(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * The problem of a pipeline that would alert nobody: no email, no Slack, no Chatbot channel, no extra
 * topic. `optOut` names how to say it is meant (the context key, or the construct prop).
 */
export function noSinkProblem(
  sinks: {
    readonly alertEmails?: readonly string[] | undefined;
    readonly slackWebhookSecretName?: string | undefined;
    readonly chatbot?: unknown;
    readonly extraTopicArns?: readonly string[] | undefined;
  },
  optOut: string,
): string | undefined {
  const some =
    (sinks.alertEmails?.length ?? 0) > 0 ||
    Boolean(sinks.slackWebhookSecretName) ||
    Boolean(sinks.chatbot) ||
    (sinks.extraTopicArns?.length ?? 0) > 0;
  if (some) return undefined;
  return (
    'no sink is configured: every alert would go to a topic nobody reads. Give at least one of alertEmails, ' +
    `slackWebhookSecretName, chatbot or extraTopicArns (e.g. -c alertEmails=oncall@example.com), or ${optOut} ` +
    'if alerting nobody is what you want (e.g. while trying the stack out).'
  );
}
