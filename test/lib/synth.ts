import { readFileSync } from 'node:fs';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AuthDoctorStack } from '../../lib/auth-doctor-stack';
import { CONFIG_CONTEXT_KEY } from '../../lib/config/auth-doctor-config';
import { readConfig } from '../../lib/config/read-config';
import { tempDir } from '../helpers/temp-dir';

/** The context of the shipped cdk.json: feature flags and the default configuration. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
).context;

/**
 * An app as `cdk synth` builds it, with `-c` overrides on top of cdk.json. It synthesises into a temporary
 * folder removed after the test file: without an `outdir`, every App makes a `cdk.out*` folder in the
 * system temporary directory and leaves it there.
 */
export function appWith(overrides: Record<string, unknown> = {}, options: { outdir?: string } = {}): App {
  return new App({
    context: { ...CDK_JSON_CONTEXT, ...overrides },
    outdir: options.outdir ?? tempDir('cdk.out-'),
  });
}

/** The configuration object of cdk.json with some keys replaced, as a user would edit it. */
export function configured(settings: Record<string, unknown>): Record<string, unknown> {
  return { [CONFIG_CONTEXT_KEY]: { ...(CDK_JSON_CONTEXT[CONFIG_CONTEXT_KEY] as object), ...settings } };
}

export interface Synthesised {
  readonly app: App;
  readonly stack: AuthDoctorStack;
  readonly template: Template;
}

export function synthesise(overrides: Record<string, unknown> = {}): Synthesised {
  const app = appWith(overrides);
  const stack = new AuthDoctorStack(app, 'EksAuthDoctor', { config: readConfig(app.node) });
  return { app, stack, template: Template.fromStack(stack) };
}

/** Every statement of the identity policies whose logical ID contains `logicalIdPart`, resolved. */
export function statementsOf(
  stack: Stack,
  template: Template,
  logicalIdPart: string,
): Record<string, unknown>[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.entries(policies)
    .filter(([logicalId]) => logicalId.includes(logicalIdPart))
    .flatMap(([, policy]) => (policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]) ?? [])
    .map((statement) => stack.resolve(statement));
}
