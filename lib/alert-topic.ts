import { createHash } from 'node:crypto';
import { Aws, CfnCondition, CfnResource, Fn, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { CHATBOT_PARTITION, chatbotUnavailableReason } from '../lambda/contract';

/** A Slack channel already authorised in AWS Chatbot (the one-time OAuth step happens in its console). */
export interface ChatbotChannel {
  /** The Slack workspace (team) ID, e.g. `T07EA123LEP`, from the AWS Chatbot console. */
  readonly slackWorkspaceId: string;
  /** The Slack channel ID (not its name), e.g. `C07EZ1ABC23`. */
  readonly slackChannelId: string;
}

export interface AlertTopicProps {
  /**
   * Addresses subscribed by email. Each receives a confirmation mail first; nothing is delivered until it
   * is confirmed.
   * @default - no email subscriptions
   */
  readonly alertEmails?: readonly string[];
  /**
   * A Slack channel that receives every message through AWS Chatbot.
   * @default - no Chatbot channel
   */
  readonly chatbot?: ChatbotChannel;
}

/**
 * The stack's one notification topic: findings from the Lambda and the stack's own alarms.
 *
 * Encrypted with its own KMS key, whose policy lets CloudWatch alarms (for alarm actions) use it;
 * publishing requires TLS.
 */
export class AlertTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;
  readonly chatbotChannel?: chatbot.SlackChannelConfiguration;

  constructor(scope: Construct, id: string, props: AlertTopicProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);

    this.key = new kms.Key(this, 'Key', {
      description: 'eks-auth-doctor: encrypts the alert topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // The statement for AWS service publishers in the form the SNS Developer Guide gives it ("Key
    // management", "Enable compatibility between event sources from AWS services and encrypted topics"):
    // the service principal, kms:GenerateDataKey* and kms:Decrypt, no condition. A condition on
    // aws:SourceArn/aws:SourceAccount is not in that statement; if CloudWatch's KMS calls did not carry
    // them, every alarm notification would be dropped silently. The topic policy below still limits
    // publishing to this account's alarms. AWS Chatbot needs no statement: it is a subscriber, and SNS
    // decrypts before it delivers.
    this.key.addToResourcePolicy(new iam.PolicyStatement(CLOUDWATCH_ALARMS_KEY_STATEMENT));

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'eks-auth-doctor',
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );

    for (const email of props.alertEmails ?? []) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }

    if (props.chatbot) {
      assertChatbotAvailable(stack.region);
      this.chatbotChannel = new chatbot.SlackChannelConfiguration(this, 'SlackChannel', {
        slackChannelConfigurationName: chatbotConfigurationName(this),
        slackWorkspaceId: props.chatbot.slackWorkspaceId,
        slackChannelId: props.chatbot.slackChannelId,
        notificationTopics: [this.topic],
        // Notifications only: whatever the channel role is later given, commands run read-only.
        guardrailPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
      });
      // A region-agnostic template may still be deployed to aws-cn or aws-us-gov, which have no
      // AWS::Chatbot::SlackChannelConfiguration: there the channel and its role are left out (the
      // logging set-up then fails the deployment with the reason: chatbotUnavailableReason).
      const inChatbotPartition = chatbotPartitionCondition(stack);
      for (const child of this.chatbotChannel.node.findAll()) {
        if (child instanceof CfnResource) child.cfnOptions.condition = inChatbotPartition;
      }
    }
  }
}

/** The key policy statement that lets CloudWatch alarms publish to the encrypted topic (SNS guide's form). */
export const CLOUDWATCH_ALARMS_KEY_STATEMENT = {
  sid: 'AllowCloudWatchAlarmsToUseTheKey',
  principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
  actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
  resources: ['*'],
} satisfies iam.PolicyStatementProps;

/** Chatbot configuration names: 1–128 of `[A-Za-z0-9_-]` (CreateSlackChannelConfiguration). */
export const CHATBOT_NAME = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * A Chatbot configuration name unique per account and region. Chatbot names are account-global
 * ("The chat configuration with the name … already exists" in a second region), so the name carries
 * the region; a hash of the stack name and construct path tells two stacks of one region apart.
 * `eks-auth-doctor-<8 hex>-<region>`: 25 characters plus the region name (at most 15 today), all in
 * {@link CHATBOT_NAME}; an unknown region is filled in by CloudFormation (`AWS::Region`).
 */
export function chatbotConfigurationName(scope: Construct): string {
  const stack = Stack.of(scope);
  const hash = createHash('sha256').update(`${stack.stackName}/${scope.node.path}`).digest('hex').slice(0, 8);
  return `eks-auth-doctor-${hash}-${stack.region}`;
}

/** A synth error when the stack's region is known and its partition has no AWS Chatbot. */
export function assertChatbotAvailable(region: string): void {
  if (Token.isUnresolved(region)) return;
  const reason = chatbotUnavailableReason(region);
  if (reason) throw new ChatbotUnavailableError(reason);
}

/** The configured Chatbot channel cannot exist where the stack is deployed. */
export class ChatbotUnavailableError extends Error {
  override readonly name = 'ChatbotUnavailableError';
}

function chatbotPartitionCondition(stack: Stack): CfnCondition {
  const id = 'EksAuthDoctorInChatbotPartition';
  const existing = stack.node.tryFindChild(id);
  if (existing instanceof CfnCondition) return existing;
  return new CfnCondition(stack, id, {
    expression: Fn.conditionEquals(Aws.PARTITION, CHATBOT_PARTITION),
  });
}
