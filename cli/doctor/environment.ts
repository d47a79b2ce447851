import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AwsCredentials } from './aws-api';

/**
 * The environment variables the doctor itself reads, each read once, here. (The AWS SDK reads its own
 * — `AWS_ENDPOINT_URL_*`, `AWS_CONFIG_FILE` … — from the process environment, as the AWS CLI does.)
 */
export interface DoctorEnvironment {
  readonly home: string;
  /** The directories of `PATH`, where kubectl looks for the exec plugin's command. */
  readonly path: readonly string[];
  /** `KUBECONFIG`: the kubeconfig files, merged as kubectl merges them (first one wins). */
  readonly kubeconfigFiles: readonly string[];
  readonly awsProfile?: string;
  /** `AWS_REGION`, else `AWS_DEFAULT_REGION`. */
  readonly awsRegion?: string;
  /**
   * `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN` when both keys are set: the AWS CLI
   * signs with them even when `AWS_PROFILE` names a profile. Kept in memory only, never printed.
   */
  readonly environmentCredentials?: AwsCredentials;
  /** `AWS_CONFIG_FILE`, else `~/.aws/config`. */
  readonly awsConfigFile: string;
  /** `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`. */
  readonly awsCredentialsFile: string;
  /** How long `--probe` waits for the API server. */
  readonly probeTimeoutMs: number;
  readonly now: () => Date;
}

export function doctorEnvironment(env: NodeJS.ProcessEnv = process.env): DoctorEnvironment {
  const home = env.HOME || homedir();
  const delimiter = process.platform === 'win32' ? ';' : ':';
  const split = (value: string | undefined) =>
    (value ?? '').split(delimiter).filter((part) => part.length > 0);
  return {
    home,
    path: split(env.PATH),
    kubeconfigFiles: env.KUBECONFIG ? split(env.KUBECONFIG) : [join(home, '.kube', 'config')],
    awsProfile: env.AWS_PROFILE || undefined,
    awsRegion: env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined,
    environmentCredentials:
      env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
        ? {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            sessionToken: env.AWS_SESSION_TOKEN || undefined,
          }
        : undefined,
    awsConfigFile: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    awsCredentialsFile: env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
    probeTimeoutMs: 5_000,
    now: () => new Date(),
  };
}
