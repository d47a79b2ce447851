import type { AuthenticationMode } from '../../lambda/engine/categories';

/**
 * The AWS reads the doctor makes, as plain data, behind one interface. The SDK clients are loaded
 * with `import()` on first use, so the other commands never pay for them. Every call is read-only
 * (AssumeRole only mints the session the exec plugin would mint itself). Calls throw the SDK's
 * errors; the checks turn them into report lines (see `aws-errors.ts`).
 */
export interface AwsApi {
  /** `sts:GetCallerIdentity` (needs no permission). */
  callerIdentity(): Promise<CallerIdentity>;
  /** `sts:AssumeRole`, as `aws eks get-token --role-arn` does: an API acting as that role. */
  assumeRole(roleArn: string, sessionName: string): Promise<AwsApi>;
  /** The resolved credentials, to sign the `--probe` token with. */
  credentials(): Promise<AwsCredentials>;
  /** `eks:DescribeCluster`; `undefined` when the region has no such cluster. */
  describeCluster(region: string, name: string): Promise<ClusterDescription | undefined>;
  /** `eks:DescribeAccessEntry`; `undefined` when the principal has no entry. */
  describeAccessEntry(
    region: string,
    cluster: string,
    principalArn: string,
  ): Promise<AccessEntry | undefined>;
  /** `eks:ListAccessEntries`: the principal ARNs that have an entry (first 100). */
  listAccessEntries(region: string, cluster: string): Promise<string[]>;
  /** `eks:ListAssociatedAccessPolicies`. */
  listAssociatedAccessPolicies(
    region: string,
    cluster: string,
    principalArn: string,
  ): Promise<AccessPolicy[]>;
  /** `logs:FilterLogEvents`, paged up to `maxEvents`; `undefined` when the log group does not exist. */
  filterLogEvents(region: string, request: LogSearch): Promise<LogSearchResult | undefined>;
  /** `iam:GetRole`: the role's full ARN, path included; `undefined` when there is no such role. */
  roleArn(roleName: string): Promise<string | undefined>;
}

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface CallerIdentity {
  readonly arn: string;
  readonly account: string;
  readonly userId: string;
}

/** What DescribeCluster says that matters for authentication. */
export interface ClusterDescription {
  readonly name: string;
  readonly region: string;
  readonly arn?: string;
  readonly accountId?: string;
  readonly endpoint?: string;
  readonly status?: string;
  readonly version?: string;
  /** `undefined` on clusters created before access entries (treated as CONFIG_MAP by EKS). */
  readonly authenticationMode?: AuthenticationMode;
  readonly bootstrapCreatorAdmin?: boolean;
  readonly publicAccess: boolean;
  readonly privateAccess: boolean;
  readonly publicAccessCidrs: readonly string[];
  readonly authenticatorLogging: boolean;
}

export interface AccessEntry {
  readonly principalArn: string;
  readonly type?: string;
  readonly username?: string;
  readonly kubernetesGroups: readonly string[];
}

export interface AccessPolicy {
  readonly policyArn: string;
  readonly scope: string;
  readonly namespaces: readonly string[];
}

export interface LogSearch {
  readonly logGroupName: string;
  readonly streamPrefix: string;
  readonly startTime: number;
  readonly endTime: number;
  readonly filterPattern: string;
  readonly maxEvents: number;
}

export interface LogEvent {
  readonly timestamp: number;
  readonly message: string;
}

export interface LogSearchResult {
  readonly events: readonly LogEvent[];
  /** More events matched than `maxEvents`. */
  readonly truncated: boolean;
}

/** Where the credentials come from, decided the way the AWS CLI decides (see `identity-check.ts`). */
export type CredentialSource =
  | { readonly kind: 'profile'; readonly profile: string }
  | { readonly kind: 'default-chain' }
  | { readonly kind: 'static'; readonly credentials: AwsCredentials };

// The SDK's warnings (e.g. "both AWS_PROFILE and static keys are set") would land in the middle of
// the report; the report says it itself.
const SILENT = { debug() {}, info() {}, warn() {}, error() {}, trace() {} };

type CredentialsProvider = () => Promise<AwsCredentials>;

function clientConfig(
  region: string,
  credentials: CredentialsProvider | AwsCredentials | undefined,
  profile?: string,
) {
  return {
    region,
    ...(credentials ? { credentials } : {}),
    ...(profile ? { profile } : {}),
    logger: SILENT,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
  };
}

/**
 * An `AwsApi` for the credentials the exec plugin would use. `stsRegion` is where identity calls go
 * (the token command's region); the other calls take the cluster's region.
 *
 * @example
 * const aws = await createAwsApi({ kind: 'profile', profile: 'dev' }, 'eu-west-1');
 * const me = await aws.callerIdentity();
 */
export async function createAwsApi(source: CredentialSource, stsRegion: string): Promise<AwsApi> {
  const sts = await import('@aws-sdk/client-sts');
  const client = new sts.STSClient(
    clientConfig(
      stsRegion,
      source.kind === 'static' ? source.credentials : undefined,
      source.kind === 'profile' ? source.profile : undefined,
    ),
  );
  // One credential resolution (memoized by the SDK) for every client of this identity.
  const provider = client.config.credentials as CredentialsProvider;
  return new SdkAwsApi(client, provider, stsRegion);
}

type StsModule = typeof import('@aws-sdk/client-sts');
type StsClient = InstanceType<StsModule['STSClient']>;
type EksClient = InstanceType<typeof import('@aws-sdk/client-eks')['EKSClient']>;
type LogsClient = InstanceType<typeof import('@aws-sdk/client-cloudwatch-logs')['CloudWatchLogsClient']>;
type IamClient = InstanceType<typeof import('@aws-sdk/client-iam')['IAMClient']>;

class SdkAwsApi implements AwsApi {
  private readonly eks = new Map<string, Promise<EksClient>>();
  private readonly logs = new Map<string, Promise<LogsClient>>();
  private iam: Promise<IamClient> | undefined;

  constructor(
    private readonly sts: StsClient,
    private readonly provider: CredentialsProvider,
    private readonly stsRegion: string,
  ) {}

  async callerIdentity(): Promise<CallerIdentity> {
    const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const identity = await this.sts.send(new GetCallerIdentityCommand({}));
    return { arn: identity.Arn ?? '', account: identity.Account ?? '', userId: identity.UserId ?? '' };
  }

  async assumeRole(roleArn: string, sessionName: string): Promise<AwsApi> {
    const { AssumeRoleCommand, STSClient } = await import('@aws-sdk/client-sts');
    const { Credentials } = await this.sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }),
    );
    const credentials: AwsCredentials = {
      accessKeyId: Credentials?.AccessKeyId ?? '',
      secretAccessKey: Credentials?.SecretAccessKey ?? '',
      sessionToken: Credentials?.SessionToken,
    };
    const client = new STSClient(clientConfig(this.stsRegion, credentials));
    return new SdkAwsApi(client, async () => credentials, this.stsRegion);
  }

  credentials(): Promise<AwsCredentials> {
    return this.provider();
  }

  async describeCluster(region: string, name: string): Promise<ClusterDescription | undefined> {
    const { DescribeClusterCommand } = await import('@aws-sdk/client-eks');
    const client = await this.eksClient(region);
    const cluster = await notFoundAsUndefined(client.send(new DescribeClusterCommand({ name })));
    const found = cluster?.cluster;
    if (!found) return undefined;
    const vpc = found.resourcesVpcConfig;
    const mode = found.accessConfig?.authenticationMode;
    return {
      name: found.name ?? name,
      region,
      arn: found.arn,
      accountId: found.arn?.split(':')[4],
      endpoint: found.endpoint,
      status: found.status,
      version: found.version,
      authenticationMode:
        mode === 'API' || mode === 'API_AND_CONFIG_MAP' || mode === 'CONFIG_MAP' ? mode : undefined,
      bootstrapCreatorAdmin: found.accessConfig?.bootstrapClusterCreatorAdminPermissions,
      publicAccess: vpc?.endpointPublicAccess ?? true,
      privateAccess: vpc?.endpointPrivateAccess ?? false,
      publicAccessCidrs: vpc?.publicAccessCidrs ?? [],
      authenticatorLogging: (found.logging?.clusterLogging ?? []).some(
        (setup) => setup.enabled === true && (setup.types ?? []).includes('authenticator'),
      ),
    };
  }

  async describeAccessEntry(
    region: string,
    cluster: string,
    principalArn: string,
  ): Promise<AccessEntry | undefined> {
    const { DescribeAccessEntryCommand } = await import('@aws-sdk/client-eks');
    const client = await this.eksClient(region);
    const answer = await notFoundAsUndefined(
      client.send(new DescribeAccessEntryCommand({ clusterName: cluster, principalArn })),
    );
    const entry = answer?.accessEntry;
    if (!entry) return undefined;
    return {
      principalArn: entry.principalArn ?? principalArn,
      type: entry.type,
      username: entry.username,
      kubernetesGroups: entry.kubernetesGroups ?? [],
    };
  }

  async listAccessEntries(region: string, cluster: string): Promise<string[]> {
    const { ListAccessEntriesCommand } = await import('@aws-sdk/client-eks');
    const client = await this.eksClient(region);
    const answer = await client.send(new ListAccessEntriesCommand({ clusterName: cluster, maxResults: 100 }));
    return answer.accessEntries ?? [];
  }

  async listAssociatedAccessPolicies(
    region: string,
    cluster: string,
    principalArn: string,
  ): Promise<AccessPolicy[]> {
    const { ListAssociatedAccessPoliciesCommand } = await import('@aws-sdk/client-eks');
    const client = await this.eksClient(region);
    const answer = await client.send(
      new ListAssociatedAccessPoliciesCommand({ clusterName: cluster, principalArn, maxResults: 100 }),
    );
    return (answer.associatedAccessPolicies ?? []).map((policy) => ({
      policyArn: policy.policyArn ?? '',
      scope: policy.accessScope?.type ?? 'cluster',
      namespaces: policy.accessScope?.namespaces ?? [],
    }));
  }

  async filterLogEvents(region: string, request: LogSearch): Promise<LogSearchResult | undefined> {
    const { FilterLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
    const client = await this.logsClient(region);
    const events: LogEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await notFoundAsUndefined(
        client.send(
          new FilterLogEventsCommand({
            logGroupName: request.logGroupName,
            logStreamNamePrefix: request.streamPrefix,
            startTime: request.startTime,
            endTime: request.endTime,
            filterPattern: request.filterPattern,
            nextToken,
          }),
        ),
      );
      if (page === undefined) return undefined;
      for (const event of page.events ?? []) {
        events.push({ timestamp: event.timestamp ?? 0, message: event.message ?? '' });
      }
      nextToken = page.nextToken;
    } while (nextToken !== undefined && events.length < request.maxEvents);
    return { events: events.slice(0, request.maxEvents), truncated: nextToken !== undefined };
  }

  async roleArn(roleName: string): Promise<string | undefined> {
    const { GetRoleCommand } = await import('@aws-sdk/client-iam');
    const client = await this.iamClient();
    const answer = await notFoundAsUndefined(client.send(new GetRoleCommand({ RoleName: roleName })));
    return answer?.Role?.Arn;
  }

  private eksClient(region: string): Promise<EksClient> {
    let client = this.eks.get(region);
    if (!client) {
      client = import('@aws-sdk/client-eks').then(
        ({ EKSClient }) => new EKSClient(clientConfig(region, this.provider)),
      );
      this.eks.set(region, client);
    }
    return client;
  }

  private logsClient(region: string): Promise<LogsClient> {
    let client = this.logs.get(region);
    if (!client) {
      client = import('@aws-sdk/client-cloudwatch-logs').then(
        ({ CloudWatchLogsClient }) => new CloudWatchLogsClient(clientConfig(region, this.provider)),
      );
      this.logs.set(region, client);
    }
    return client;
  }

  private iamClient(): Promise<IamClient> {
    // IAM is global; its endpoint is signed for the partition's first region.
    const region = this.stsRegion.startsWith('cn-')
      ? 'cn-north-1'
      : this.stsRegion.startsWith('us-gov-')
        ? 'us-gov-west-1'
        : 'us-east-1';
    this.iam ??= import('@aws-sdk/client-iam').then(
      ({ IAMClient }) => new IAMClient(clientConfig(region, this.provider)),
    );
    return this.iam;
  }
}

async function notFoundAsUndefined<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'ResourceNotFoundException' || name === 'NoSuchEntityException' || name === 'NoSuchEntity') {
      return undefined;
    }
    throw error;
  }
}
