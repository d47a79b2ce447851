import { basename } from 'node:path';
import type { ExecBlock } from './kubeconfig';

/** The exec API version kubectl 1.24 and later refuse (`client.authentication.k8s.io/v1alpha1`). */
export const REMOVED_EXEC_API_VERSION = 'client.authentication.k8s.io/v1alpha1';

/** What the kubeconfig's exec plugin will do to get a token. Every string came from the kubeconfig. */
export interface TokenCommand {
  /** `aws eks get-token`, `aws-iam-authenticator token`, or something the doctor cannot read. */
  readonly kind: 'aws-cli' | 'aws-iam-authenticator' | 'other';
  /** The executable kubectl runs (`aws`, `/usr/local/bin/aws-iam-authenticator` …). */
  readonly command: string;
  readonly apiVersion?: string;
  /** The cluster name the token is signed for (`--cluster-name`, `-i`/`--cluster-id`). */
  readonly clusterName?: string;
  readonly region?: string;
  readonly roleArn?: string;
  readonly sessionName?: string;
  readonly profile?: string;
  /** Where the profile was named: `--profile` is explicit; `AWS_PROFILE` yields to static keys. */
  readonly profileSource?: 'args' | 'exec env';
  /** `AWS_REGION`/`AWS_DEFAULT_REGION` set in the exec block's `env`. */
  readonly envRegion?: string;
}

/**
 * Reads the exec block of a kubeconfig user: the command, and the options of `aws eks get-token`
 * (`--cluster-name`, `--region`, `--role-arn`, `--session-name`, `--profile`) or of
 * `aws-iam-authenticator token` (`-i`/`--cluster-id`, `-r`/`--role`, `--region`, `-s`/`--session-name`).
 *
 * @example
 * tokenCommandOf({ command: 'aws', args: ['eks', 'get-token', '--cluster-name', 'prod'], env: {} }).clusterName; // 'prod'
 */
export function tokenCommandOf(exec: ExecBlock): TokenCommand {
  const command = exec.command ?? '';
  const name = basename(command);
  const args = exec.args;
  const envProfile = exec.env.AWS_PROFILE || undefined;
  const envRegion = exec.env.AWS_REGION || exec.env.AWS_DEFAULT_REGION || undefined;
  const common = { command, apiVersion: exec.apiVersion, envRegion };
  const withProfile = (profile: string | undefined) =>
    profile
      ? { profile, profileSource: 'args' as const }
      : envProfile
        ? { profile: envProfile, profileSource: 'exec env' as const }
        : {};
  if (isAwsCli(name) && hasSequence(args, 'eks', 'get-token')) {
    return {
      kind: 'aws-cli',
      ...common,
      clusterName: option(args, ['--cluster-name']) ?? option(args, ['--cluster-id']),
      region: option(args, ['--region']),
      roleArn: option(args, ['--role-arn']),
      sessionName: option(args, ['--session-name']),
      ...withProfile(option(args, ['--profile'])),
    };
  }
  if (name === 'aws-iam-authenticator' && args.includes('token')) {
    return {
      kind: 'aws-iam-authenticator',
      ...common,
      clusterName: option(args, ['-i', '--cluster-id']),
      region: option(args, ['--region']),
      roleArn: option(args, ['-r', '--role']),
      sessionName: option(args, ['-s', '--session-name']),
      ...withProfile(undefined),
    };
  }
  return { kind: 'other', ...common, ...withProfile(undefined) };
}

function isAwsCli(name: string): boolean {
  return name === 'aws' || name === 'aws.exe' || name === 'aws.cmd';
}

function hasSequence(args: readonly string[], first: string, second: string): boolean {
  const at = args.indexOf(first);
  return at !== -1 && args[at + 1] === second;
}

/** The value of `--name VALUE` or `--name=VALUE` (last one wins, as in both CLIs). */
function option(args: readonly string[], names: readonly string[]): string | undefined {
  let value: string | undefined;
  args.forEach((arg, index) => {
    for (const name of names) {
      if (arg === name) value = args[index + 1];
      else if (arg.startsWith(`${name}=`)) value = arg.slice(name.length + 1);
    }
  });
  return value === '' ? undefined : value;
}
