import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AuthDoctorStack } from '../lib/auth-doctor-stack';
import { ConfigError } from '../lib/config/config-error';
import { readConfig } from '../lib/config/read-config';

/**
 * The CDK app: `cdk deploy` in each account (and region) to watch. Configuration comes from the
 * `eks-auth-doctor` context object in cdk.json, each key overridable with `-c key=value`.
 */
const app = new App();

try {
  new AuthDoctorStack(app, 'EksAuthDoctor', { config: readConfig(app.node) });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

// cdk-nag v3 is a validation plugin: every unacknowledged AwsSolutions finding fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
