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

/** The partition of a region name: `cn-*` is aws-cn, `us-gov-*` aws-us-gov, `us-iso*` the isolated ones. */
export function partitionOfRegionName(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  return 'aws';
}

/** Why a Chatbot channel cannot be deployed to `region`, or `undefined` when it can. */
export function chatbotUnavailableReason(region: string): string | undefined {
  const partition = partitionOfRegionName(region);
  if (partition === CHATBOT_PARTITION) return undefined;
  return (
    `AWS Chatbot is not available in ${region} (partition ${partition}): there is no ` +
    'AWS::Chatbot::SlackChannelConfiguration outside the aws partition. Remove the "chatbot" setting and ' +
    'deliver to Slack with "slackWebhookSecretName" instead (or subscribe another tool to the alert topic).'
  );
}
