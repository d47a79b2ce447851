import { Annotations, Stack, type StackProps } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { AuthDoctor } from './auth-doctor';
import { type AuthDoctorConfig, PLACEHOLDER_CLUSTER } from './config/auth-doctor-config';

export interface AuthDoctorStackProps extends StackProps {
  /** The validated configuration (see `readConfig`). */
  readonly config: AuthDoctorConfig;
}

/**
 * The ready-made stack: one per account and region, watching the configured clusters of that region.
 * It only wires the configuration into {@link AuthDoctor}; everything else lives in the construct.
 */
export class AuthDoctorStack extends Stack {
  readonly authDoctor: AuthDoctor;

  constructor(scope: Construct, id: string, props: AuthDoctorStackProps) {
    super(scope, id, {
      description:
        'eks-auth-doctor: explains every EKS Unauthorized from the authenticator log and sends the fix',
      ...props,
    });
    const { config } = props;

    this.authDoctor = new AuthDoctor(this, 'AuthDoctor', {
      clusters: config.clusters,
      alertEmails: config.alertEmails,
      ...(config.slackWebhookSecretName ? { slackWebhookSecretName: config.slackWebhookSecretName } : {}),
      ...(config.chatbot ? { chatbot: config.chatbot } : {}),
      dedupWindowMinutes: config.dedupWindowMinutes,
      alertCap: config.alertCap,
      ...(config.accountAlertCap === undefined ? {} : { accountAlertCap: config.accountAlertCap }),
      logRetention: config.logRetentionDays as RetentionDays,
      reservedConcurrency: config.reservedConcurrency,
      restoreLoggingOnDelete: config.restoreLoggingOnDelete,
      extraTopicArns: config.extraTopicArns,
      ...(config.slackWebhookSecretKeyArn
        ? { slackWebhookSecretKeyArn: config.slackWebhookSecretKeyArn }
        : {}),
      extraTopicKeyArns: config.extraTopicKeyArns,
      ...(config.creatorArn ? { creatorArn: config.creatorArn } : {}),
      canary: config.canary,
      // readConfig refused a configuration without sinks unless asked, or unless it is the placeholder.
      allowNoSinks: true,
    });

    if (config.clusters.includes(PLACEHOLDER_CLUSTER)) {
      Annotations.of(this).addWarningV2(
        'eks-auth-doctor:placeholder-cluster',
        `"${PLACEHOLDER_CLUSTER}" is the placeholder of the shipped configuration; deploying it fails unless such a ` +
          'cluster exists. Name your clusters: cdk deploy -c clusters=prod-eks,staging-eks',
      );
    }
  }
}
