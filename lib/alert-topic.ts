import { ArnFormat, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

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
 * Encrypted with its own KMS key, whose policy lets CloudWatch alarms (for alarm actions) and AWS Chatbot
 * use it; publishing requires TLS.
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
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowChatbotToReadTheTopic',
        principals: [new iam.ServicePrincipal('chatbot.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

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
      this.chatbotChannel = new chatbot.SlackChannelConfiguration(this, 'SlackChannel', {
        slackChannelConfigurationName: Names.uniqueResourceName(this, { maxLength: 128, separator: '-' }),
        slackWorkspaceId: props.chatbot.slackWorkspaceId,
        slackChannelId: props.chatbot.slackChannelId,
        notificationTopics: [this.topic],
        // Notifications only: whatever the channel role is later given, commands run read-only.
        guardrailPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
      });
    }
  }
}
