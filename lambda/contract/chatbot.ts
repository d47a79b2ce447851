import { partitionOfRegion } from './names';

/**
 * Where AWS Chatbot exists: the stack leaves the channel out (or refuses at synth) elsewhere, and the
 * logging set-up refuses to deploy a configured channel there, with the reason.
 *
 * Source: "Regions and quotas for Amazon Q Developer in chat applications"
 * (https://docs.aws.amazon.com/chatbot/latest/adminguide/chatbot-regions.html) lists commercial and
 * opt-in Regions of the `aws` partition only; cfn-lint's specs have no
 * AWS::Chatbot::SlackChannelConfiguration in aws-cn and aws-us-gov.
 */
export const CHATBOT_PARTITION = 'aws';

/** Why a Chatbot channel cannot be deployed to `region`, or `undefined` when it can. */
export function chatbotUnavailableReason(region: string): string | undefined {
  const partition = partitionOfRegion(region);
  if (partition === CHATBOT_PARTITION) return undefined;
  return (
    `AWS Chatbot is not available in ${region} (partition ${partition}): there is no ` +
    'AWS::Chatbot::SlackChannelConfiguration outside the aws partition. Remove the "chatbot" setting and ' +
    'deliver to Slack with "slackWebhookSecretName" instead (or subscribe another tool to the alert topic).'
  );
}
