import { CONFIG_CONTEXT_KEY } from './auth-doctor-config';

/**
 * The configuration cannot be deployed. Lists every problem at once, each naming the key, the bad value
 * and an example, so one synth shows everything to fix.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(
      `The eks-auth-doctor configuration is not valid (cdk.json context "${CONFIG_CONTEXT_KEY}", or -c key=value):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.problems = problems;
  }
}
