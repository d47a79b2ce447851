import type { ParsedArn } from '../../lambda/engine/parse/arn';
import type { Finding } from '../../lambda/engine/types';
import type { AccessEntry, AccessPolicy, AwsApi, CallerIdentity, ClusterDescription } from './aws-api';
import type { AwsProblem } from './aws-errors';
import type { DoctorEnvironment } from './environment';
import type { KubeconfigContext, KubeconfigProblem } from './kubeconfig';
import type { TokenCommand } from './token-command';

/** What the person asked for on the command line. */
export interface DoctorOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  /** The cluster they mean to reach; by default the one the kubeconfig context points at. */
  readonly cluster?: string;
  readonly region?: string;
  /** Overrides the profile the exec plugin would use. */
  readonly profile?: string;
  /** How far back to read the authenticator log. */
  readonly sinceMs: number;
  readonly sinceText: string;
  readonly awsAuthFile?: string;
  readonly probe: boolean;
}

/** A cluster by name and region. */
export interface ClusterRef {
  readonly name: string;
  readonly region: string;
  /** How the doctor knows it: the flags, the kubeconfig's cluster entry, the server host, the token. */
  readonly from: 'flags' | 'cluster entry' | 'server' | 'token';
}

/** Why no caller identity could be had, for the verdict. */
export type IdentityProblem =
  | { readonly kind: 'profile-not-found'; readonly profile: string }
  | { readonly kind: 'assume-role-denied'; readonly roleArn: string; readonly problem: AwsProblem }
  | { readonly kind: 'aws'; readonly problem: AwsProblem };

/** The ARN the authenticator matches on, with what the doctor learned about its form. */
export interface AuthenticatedPrincipal {
  readonly parsed: ParsedArn;
  /** The canonical ARN the authenticator logs and aws-auth must name (role path and session removed). */
  readonly arn: string;
  /** The full IAM ARN (role path included) an access entry must name, when known. */
  readonly fullArn?: string;
  /** An IAM Identity Center role (`AWSReservedSSO_…`, path `/aws-reserved/sso.amazonaws.com/…`). */
  readonly sso: boolean;
}

/** How the principal's access entry looked. */
export interface AccessEntryFacts {
  readonly state: 'found' | 'missing' | 'unknown' | 'not used';
  readonly entry?: AccessEntry;
  /** Entries that name the same role or user by another ARN (with or without a path). */
  readonly otherForms?: readonly string[];
  readonly policies?: readonly AccessPolicy[] | 'unknown';
}

/** What the saved aws-auth ConfigMap says about the principal. */
export interface AwsAuthFacts {
  readonly state: 'mapped' | 'not mapped' | 'path' | 'assumed-role' | 'unknown' | 'not used';
  readonly arns?: readonly string[];
  /** The entry that names the principal in a form the authenticator never matches. */
  readonly listed?: string;
}

/** What the authenticator logged about the principal. */
export interface AuthenticatorLogFacts {
  readonly state: 'read' | 'logging off' | 'no log group' | 'unknown';
  readonly denials?: number;
  readonly grants?: number;
  /** The principal's latest record (a denial or a grant), classified by the engine. */
  readonly latest?: Finding;
  /** The cluster creator, when the log shows it (a CONFIG_MAP `kubernetes-admin` grant). */
  readonly creatorArn?: string;
}

export interface ProbeFacts {
  readonly status?: number;
  readonly failure?: 'timeout' | 'unreachable' | 'tls' | 'no server' | 'no token';
  /** The apiserver's message for a 403 (names the Kubernetes user), untrusted. */
  readonly message?: string;
}

/**
 * Everything the checks learned, for the checks after them and the verdict. Each check adds its part;
 * none overwrites another's.
 */
export interface DoctorFacts {
  readonly options: DoctorOptions;
  readonly environment: DoctorEnvironment;
  readonly kubeconfig?: KubeconfigContext;
  readonly kubeconfigProblem?: KubeconfigProblem;
  /** The kubeconfig user has a static token instead of an exec plugin. */
  readonly staticToken?: string;
  readonly tokenCommand?: TokenCommand;
  readonly tokenCommandMissing?: boolean;
  /** The profile whose credentials the token is signed with, and whether it is an SSO profile. */
  readonly profile?: { readonly name: string; readonly sso: boolean; readonly region?: string };
  /** Static keys in the environment win over `AWS_PROFILE`, as in the AWS CLI. */
  readonly environmentKeysWin?: boolean;
  /** The caller's own identity: the doctor's AWS reads are made with it. */
  readonly aws?: AwsApi;
  readonly caller?: CallerIdentity;
  /** The identity that signs the token: the caller, or the role of `--role-arn`. */
  readonly signer?: AwsApi;
  readonly signerIdentity?: CallerIdentity;
  readonly identityProblem?: IdentityProblem;
  readonly principal?: AuthenticatedPrincipal;
  /** The cluster the person means to reach, and which the mapping checks examine. */
  readonly target?: ClusterRef;
  readonly cluster?: ClusterDescription;
  readonly clusterProblem?:
    | { readonly kind: 'not found' }
    | { readonly kind: 'aws'; readonly problem: AwsProblem };
  /** Where the kubeconfig points instead of the cluster (another region, another endpoint, another name). */
  readonly mismatch?: Mismatch;
  readonly accessEntry?: AccessEntryFacts;
  readonly awsAuth?: AwsAuthFacts;
  readonly authenticatorLog?: AuthenticatorLogFacts;
  readonly probe?: ProbeFacts;
}

export type Mismatch =
  | { readonly kind: 'region'; readonly serverRegion: string }
  | { readonly kind: 'endpoint'; readonly server: string }
  | { readonly kind: 'token cluster'; readonly tokenCluster: string };
