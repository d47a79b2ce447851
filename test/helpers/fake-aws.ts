/**
 * A fake of the AWS APIs the CLI reads and the function publishes to, on 127.0.0.1, for tests that run
 * the real AWS SDK against real HTTP (point the SDK at it with `AWS_ENDPOINT_URL_STS` / `_EKS` /
 * `_CLOUDWATCH_LOGS` / `_IAM` / `_SNS`, or `endpoint`). One URL serves all five: a request is routed by the service and region in
 * its SigV4 credential scope (`Credential=<key>/<date>/<region>/<service>/aws4_request`), as AWS
 * itself scopes a signature, and answered for the access key that signed it. Signatures are not
 * checked.
 *
 * Wire formats and response shapes, from the API references:
 * - STS, AWS query protocol (form-encoded POST, XML answers in the 2011-06-15 namespace):
 *   https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html,
 *   https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html,
 *   errors as `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`
 *   (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html).
 * - IAM, the same query protocol (2010-05-08 namespace):
 *   https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html (NoSuchEntity is 404).
 * - EKS, REST-JSON (timestamps as epoch seconds; errors named by `x-amzn-errortype`, body `{message}`):
 *   https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeCluster.html (`GET /clusters/{name}`),
 *   API_DescribeAccessEntry.html (`GET /clusters/{name}/access-entries/{principalArn}`),
 *   API_ListAssociatedAccessPolicies.html (`…/access-entries/{principalArn}/access-policies`),
 *   API_ListAccessEntries.html (`GET /clusters/{name}/access-entries`).
 * - CloudWatch Logs, JSON 1.1 (`X-Amz-Target: Logs_20140328.<Operation>`, errors as `{__type, message}`):
 *   https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html,
 *   API_StartQuery.html, API_GetQueryResults.html.
 * - SNS, the same query protocol (2010-03-31 namespace): `Publish` and `PublishBatch`
 *   (https://docs.aws.amazon.com/sns/latest/api/API_PublishBatch.html: "Publishes up to 10 messages",
 *   more is `TooManyEntriesInBatchRequest`; "The result of publishing each message is reported
 *   individually in the response … check for batch errors even when the call returns an HTTP status
 *   code of 200"; each message and the batch's sum at most 262,144 bytes, `BatchRequestTooLong`),
 *   answered as `<PublishBatchResult><Successful><member><Id/><MessageId/></member></Successful>
 *   <Failed><member><Id/><Code/><Message/><SenderFault/></member></Failed>`
 *   (https://docs.aws.amazon.com/sns/latest/api/API_BatchResultErrorEntry.html). Error codes and
 *   statuses as `@aws-sdk/client-sns` declares them (`NotFound` 404, `AuthorizationError` 403,
 *   `Throttled` 429, `InvalidParameter` 400).
 * The request shapes the SDK sends are in `node_modules/@aws-sdk/client-{sts,iam,eks,cloudwatch-logs,sns}/dist-types/`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type AwsService = 'sts' | 'eks' | 'logs' | 'iam' | 'sns';

/** One request the fake received, decoded. */
export interface ReceivedAwsRequest {
  readonly service: AwsService;
  /** The API operation, e.g. `GetCallerIdentity`, `DescribeCluster`, `FilterLogEvents`. */
  readonly operation: string;
  /** The region of the signature's credential scope. */
  readonly region: string;
  /** The access key that signed the request. */
  readonly accessKeyId: string;
  readonly method: string;
  readonly path: string;
  /** Form parameters (query protocol), the JSON body (JSON 1.1), or path and query parameters (REST). */
  readonly params: Readonly<Record<string, unknown>>;
}

/** What an AWS caller can be told, in each protocol's own error code. */
export type AwsFailure = 'AccessDenied' | 'ExpiredToken' | 'InvalidClientToken' | 'NotFound' | 'Throttling';

/** The answer to GetCallerIdentity for one access key. */
export interface CallerIdentity {
  readonly arn: string;
  readonly account: string;
  readonly userId: string;
}

/** A role AssumeRole may hand out: the credentials it returns and the role's unique ID. */
export interface AssumableRole {
  readonly accessKeyId: string;
  readonly roleId: string;
}

/** EKS `Cluster` as DescribeCluster returns it on the wire (the fields the CLI reads). */
export interface EksClusterJson {
  readonly name: string;
  readonly arn: string;
  readonly endpoint?: string;
  readonly status?: 'CREATING' | 'ACTIVE' | 'DELETING' | 'FAILED' | 'UPDATING' | 'PENDING';
  readonly version?: string;
  readonly createdAt?: number;
  readonly roleArn?: string;
  readonly certificateAuthority?: { readonly data?: string };
  readonly resourcesVpcConfig?: {
    readonly endpointPublicAccess?: boolean;
    readonly endpointPrivateAccess?: boolean;
    readonly publicAccessCidrs?: readonly string[];
    readonly vpcId?: string;
  };
  readonly accessConfig?: {
    readonly authenticationMode?: 'CONFIG_MAP' | 'API_AND_CONFIG_MAP' | 'API';
    readonly bootstrapClusterCreatorAdminPermissions?: boolean;
  };
  readonly logging?: {
    readonly clusterLogging?: readonly { readonly types?: readonly string[]; readonly enabled?: boolean }[];
  };
}

/** EKS `AccessEntry` on the wire. */
export interface EksAccessEntryJson {
  readonly principalArn: string;
  readonly clusterName?: string;
  readonly accessEntryArn?: string;
  readonly kubernetesGroups?: readonly string[];
  readonly username?: string;
  readonly type?: string;
  readonly createdAt?: number;
  readonly modifiedAt?: number;
}

/** EKS `AssociatedAccessPolicy` on the wire. */
export interface EksAssociatedAccessPolicyJson {
  readonly policyArn: string;
  readonly accessScope: { readonly type: 'cluster' | 'namespace'; readonly namespaces?: readonly string[] };
  readonly associatedAt?: number;
  readonly modifiedAt?: number;
}

/** A CloudWatch Logs event as stored: FilterLogEvents answers with these plus `eventId`/`ingestionTime`. */
export interface StoredLogEvent {
  readonly logStreamName: string;
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly message: string;
}

/** A Logs Insights query's answer: `Running` for `runningPolls` polls, then `Complete` with `results`. */
export interface InsightsAnswer {
  readonly results: readonly (readonly { readonly field: string; readonly value: string }[])[];
  readonly runningPolls?: number;
}

/** IAM `Role` as GetRole returns it. */
export interface IamRoleXml {
  readonly roleName: string;
  readonly arn: string;
  readonly path: string;
  readonly roleId: string;
}

/** A message SNS accepted (from `Publish` or one entry of `PublishBatch`). */
export interface PublishedSnsMessage {
  readonly topicArn: string;
  readonly messageId: string;
  /** `Publish`, or `PublishBatch` with the entry's `Id`. */
  readonly via: 'Publish' | 'PublishBatch';
  readonly subject?: string;
  readonly message: string;
  readonly messageStructure?: string;
  /** `MessageAttributes`, name → string value. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** Which entries of the next `PublishBatch` calls fail on their own (the call still answers 200). */
export interface EntryFailure {
  readonly matches: (entry: PublishedSnsMessage) => boolean;
  readonly code?: string;
  /** Whether SNS blames the caller (`SenderFault`); default false, an SNS-side failure. */
  readonly senderFault?: boolean;
  remaining: number;
}

interface ScriptedFailure {
  readonly failure: AwsFailure;
  readonly message?: string;
  remaining: number;
}

interface RunningQuery {
  readonly answer: InsightsAnswer;
  polls: number;
}

const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';
const SNS_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';
/** SNS: "The maximum allowed individual message size and the maximum total payload size … 262,144 bytes". */
const SNS_MAX_BYTES = 262_144;
const SNS_MAX_BATCH = 10;
const CREDENTIAL_SCOPE = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

/** A fake of STS, EKS, CloudWatch Logs, IAM and SNS on 127.0.0.1, configured per test; records every request. */
export class FakeAws {
  readonly requests: ReceivedAwsRequest[] = [];
  /** Every message SNS accepted, in order. */
  readonly published: PublishedSnsMessage[] = [];
  url = '';
  private server: Server | undefined;
  private readonly identities = new Map<string, CallerIdentity>();
  private readonly roles = new Map<string, AssumableRole>();
  /** Keys handed out by AssumeRole: who they belong to. */
  private readonly sessions = new Map<string, CallerIdentity>();
  private readonly clusters = new Map<string, EksClusterJson>();
  private readonly entries = new Map<string, Map<string, EksAccessEntryRecord>>();
  private readonly logGroups = new Map<string, StoredLogEvent[]>();
  private readonly iamRoles = new Map<string, IamRoleXml>();
  private readonly failures = new Map<string, ScriptedFailure>();
  private readonly rejectedKeys = new Map<string, AwsFailure>();
  private insights: InsightsAnswer = { results: [] };
  private readonly queries = new Map<string, RunningQuery>();
  private readonly topics = new Set<string>();
  private readonly entryFailures: EntryFailure[] = [];

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      this.receive(request, response).catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(`fake AWS failed: ${(error as Error).message}`);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** The environment that sends the SDK's STS, EKS, CloudWatch Logs, IAM and SNS calls here. */
  endpointEnv(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_SNS: this.url,
      AWS_ENDPOINT_URL_STS: this.url,
      AWS_ENDPOINT_URL_EKS: this.url,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: this.url,
      AWS_ENDPOINT_URL_IAM: this.url,
    };
  }

  /** GetCallerIdentity answers this for requests signed with `accessKeyId`. */
  identity(accessKeyId: string, identity: CallerIdentity): this {
    this.identities.set(accessKeyId, identity);
    return this;
  }

  /** AssumeRole of `roleArn` succeeds and returns `accessKeyId`, whose caller is `assumed-role/<name>/<session>`. */
  assumableRole(roleArn: string, role: AssumableRole): this {
    this.roles.set(roleArn, role);
    return this;
  }

  /** DescribeCluster finds this cluster in `region`. */
  cluster(region: string, cluster: EksClusterJson): this {
    this.clusters.set(`${region}/${cluster.name}`, cluster);
    return this;
  }

  /** An access entry of the cluster, with its associated access policies. */
  accessEntry(
    region: string,
    clusterName: string,
    entry: EksAccessEntryJson,
    policies: readonly EksAssociatedAccessPolicyJson[] = [],
  ): this {
    const key = `${region}/${clusterName}`;
    const entries = this.entries.get(key) ?? new Map<string, EksAccessEntryRecord>();
    entries.set(entry.principalArn, { entry: { clusterName, ...entry }, policies });
    this.entries.set(key, entries);
    return this;
  }

  /** Events of a log group (in `region`); FilterLogEvents searches them. */
  logEvents(region: string, logGroupName: string, events: readonly StoredLogEvent[]): this {
    const key = `${region}/${logGroupName}`;
    this.logGroups.set(key, [...(this.logGroups.get(key) ?? []), ...events]);
    return this;
  }

  /** What every Logs Insights query started from now on answers. */
  insightsQuery(answer: InsightsAnswer): this {
    this.insights = answer;
    return this;
  }

  /** GetRole finds this role. */
  iamRole(role: IamRoleXml): this {
    this.iamRoles.set(role.roleName, role);
    return this;
  }

  /** An SNS topic Publish and PublishBatch accept; any other ARN is `NotFound`. */
  topic(topicArn: string): this {
    this.topics.add(topicArn);
    return this;
  }

  /**
   * The next `times` PublishBatch entries that `matches` picks fail alone, with `code` (default
   * `InternalError`, `SenderFault` false), while the call answers 200 and the other entries go out.
   */
  failBatchEntries(
    matches: (entry: PublishedSnsMessage) => boolean,
    options: { code?: string; senderFault?: boolean; times?: number } = {},
  ): this {
    this.entryFailures.push({
      matches,
      code: options.code,
      senderFault: options.senderFault,
      remaining: options.times ?? 1,
    });
    return this;
  }

  /** The messages SNS accepted for one topic. */
  publishedTo(topicArn: string): PublishedSnsMessage[] {
    return this.published.filter((message) => message.topicArn === topicArn);
  }

  /** The next `times` calls of `operation` (e.g. `eks:DescribeCluster`) fail with `failure`. */
  fail(
    operation: `${AwsService}:${string}`,
    failure: AwsFailure,
    options: { message?: string; times?: number } = {},
  ) {
    this.failures.set(operation, {
      failure,
      message: options.message,
      remaining: options.times ?? Number.POSITIVE_INFINITY,
    });
    return this;
  }

  /** Every call signed with `accessKeyId` fails, as calls with expired or deleted credentials do. */
  rejectKey(accessKeyId: string, failure: 'ExpiredToken' | 'InvalidClientToken'): this {
    this.rejectedKeys.set(accessKeyId, failure);
    return this;
  }

  /** The requests of one operation, e.g. `calls('eks:DescribeAccessEntry')`. */
  calls(operation: `${AwsService}:${string}`): ReceivedAwsRequest[] {
    return this.requests.filter((request) => `${request.service}:${request.operation}` === operation);
  }

  private async receive(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const scope = CREDENTIAL_SCOPE.exec(String(request.headers.authorization ?? ''));
    if (!scope) {
      send(response, 403, 'text/plain', 'fake AWS: the request is not SigV4-signed');
      return;
    }
    const [, accessKeyId = '', region = '', signingName = ''] = scope;
    const service = serviceOf(signingName);
    if (service === undefined) {
      send(response, 400, 'text/plain', `fake AWS: no fake for service "${signingName}"`);
      return;
    }
    const url = new URL(request.url ?? '/', this.url);
    const call = { service, region, accessKeyId, method: request.method ?? 'GET', url, body, request };
    const answer = this.route(call);
    this.requests.push({
      service,
      operation: answer.operation,
      region,
      accessKeyId,
      method: call.method,
      path: url.pathname,
      params: answer.params,
    });
    const failure = this.failureFor(`${service}:${answer.operation}`, accessKeyId);
    const reply = failure ? errorReply(service, failure.failure, failure.message) : answer.reply();
    send(response, reply.status, reply.contentType, reply.body, reply.headers);
  }

  private failureFor(operation: string, accessKeyId: string): ScriptedFailure | undefined {
    const rejected = this.rejectedKeys.get(accessKeyId);
    if (rejected) return { failure: rejected, remaining: 1 };
    const scripted = this.failures.get(operation);
    if (!scripted || scripted.remaining <= 0) return undefined;
    scripted.remaining--;
    if (scripted.failure !== 'AccessDenied' || scripted.message) return scripted;
    const caller = this.callerOf(accessKeyId)?.arn ?? `arn:aws:iam::123456789012:user/${accessKeyId}`;
    return { ...scripted, message: `User: ${caller} is not authorized to perform: ${operation}` };
  }

  private callerOf(accessKeyId: string): CallerIdentity | undefined {
    return this.sessions.get(accessKeyId) ?? this.identities.get(accessKeyId);
  }

  private route(call: Call): RoutedCall {
    switch (call.service) {
      case 'sts':
        return this.sts(call);
      case 'iam':
        return this.iam(call);
      case 'eks':
        return this.eks(call);
      case 'logs':
        return this.logs(call);
      case 'sns':
        return this.sns(call);
    }
  }

  // SNS (query protocol)

  private sns(call: Call): RoutedCall {
    return queryCall(call, (operation, params) => {
      const topicArn = params.TopicArn ?? '';
      if (operation !== 'Publish' && operation !== 'PublishBatch')
        return errorReply('sns', 'NotFound', `fake AWS: SNS ${operation} is not faked`);
      if (!this.topics.has(topicArn)) return errorReply('sns', 'NotFound', 'Topic does not exist');
      return operation === 'Publish' ? this.publish(topicArn, params) : this.publishBatch(topicArn, params);
    });
  }

  private publish(topicArn: string, params: Record<string, string>): Reply {
    const message = snsMessage(topicArn, 'Publish', params, '');
    const invalid = invalidSnsMessage(message);
    if (invalid) return snsError(400, 'InvalidParameter', invalid);
    this.published.push(message);
    return xmlReply('Publish', SNS_NAMESPACE, `<MessageId>${message.messageId}</MessageId>`);
  }

  private publishBatch(topicArn: string, params: Record<string, string>): Reply {
    const entries: { id: string; message: PublishedSnsMessage }[] = [];
    for (let n = 1; params[`PublishBatchRequestEntries.member.${n}.Id`] !== undefined; n++) {
      const prefix = `PublishBatchRequestEntries.member.${n}.`;
      entries.push({
        id: params[`${prefix}Id`] ?? '',
        message: snsMessage(topicArn, 'PublishBatch', params, prefix),
      });
    }
    if (entries.length === 0)
      return snsError(400, 'EmptyBatchRequest', 'The batch request contains no entries.');
    if (entries.length > SNS_MAX_BATCH)
      return snsError(
        400,
        'TooManyEntriesInBatchRequest',
        'The batch request contains more entries than permissible.',
      );
    if (new Set(entries.map((entry) => entry.id)).size !== entries.length)
      return snsError(
        400,
        'BatchEntryIdsNotDistinct',
        'Two or more batch entries in the request have the same Id.',
      );
    const total = entries.reduce((sum, entry) => sum + Buffer.byteLength(entry.message.message), 0);
    if (total > SNS_MAX_BYTES)
      return snsError(
        400,
        'BatchRequestTooLong',
        'The length of all the batch messages put together is more than the limit.',
      );
    let successful = '';
    let failed = '';
    for (const { id, message } of entries) {
      const invalid = invalidSnsMessage(message);
      const scripted = invalid ? undefined : this.entryFailureFor(message);
      if (invalid || scripted) {
        const code = invalid ? 'InvalidParameter' : (scripted?.code ?? 'InternalError');
        const senderFault = invalid !== undefined || scripted?.senderFault === true;
        failed +=
          `<member><Id>${xml(id)}</Id><Code>${code}</Code><Message>${xml(invalid ?? 'Internal error')}</Message>` +
          `<SenderFault>${senderFault}</SenderFault></member>`;
        continue;
      }
      this.published.push(message);
      successful += `<member><Id>${xml(id)}</Id><MessageId>${message.messageId}</MessageId></member>`;
    }
    return xmlReply(
      'PublishBatch',
      SNS_NAMESPACE,
      `<Successful>${successful}</Successful><Failed>${failed}</Failed>`,
    );
  }

  private entryFailureFor(message: PublishedSnsMessage): EntryFailure | undefined {
    const failure = this.entryFailures.find((f) => f.remaining > 0 && f.matches(message));
    if (failure) failure.remaining--;
    return failure;
  }

  // STS (query protocol)

  private sts(call: Call): RoutedCall {
    return queryCall(call, (operation, params) => {
      if (operation === 'GetCallerIdentity') {
        const caller = this.callerOf(call.accessKeyId);
        if (!caller) return errorReply('sts', 'InvalidClientToken');
        return xmlReply(
          'GetCallerIdentity',
          STS_NAMESPACE,
          `<Arn>${xml(caller.arn)}</Arn><UserId>${xml(caller.userId)}</UserId><Account>${xml(caller.account)}</Account>`,
        );
      }
      if (operation === 'AssumeRole') return this.assumeRole(call, params);
      return errorReply('sts', 'NotFound', `fake AWS: STS ${operation} is not faked`);
    });
  }

  private assumeRole(call: Call, params: Record<string, string>): Reply {
    const roleArn = params.RoleArn ?? '';
    const session = params.RoleSessionName ?? '';
    const role = this.roles.get(roleArn);
    if (!role) {
      const caller = this.callerOf(call.accessKeyId)?.arn ?? call.accessKeyId;
      return errorReply(
        'sts',
        'AccessDenied',
        `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      );
    }
    const [, partition = 'aws', account = ''] = /^arn:([^:]+):iam::(\d{12}):role\//.exec(roleArn) ?? [];
    const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
    const assumedArn = `arn:${partition}:sts::${account}:assumed-role/${roleName}/${session}`;
    this.sessions.set(role.accessKeyId, { arn: assumedArn, account, userId: `${role.roleId}:${session}` });
    const expiration = new Date(Date.now() + 3_600_000).toISOString();
    return xmlReply(
      'AssumeRole',
      STS_NAMESPACE,
      `<Credentials><AccessKeyId>${xml(role.accessKeyId)}</AccessKeyId><SecretAccessKey>fake-secret</SecretAccessKey>` +
        `<SessionToken>fake-session-token</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
        `<AssumedRoleUser><AssumedRoleId>${xml(role.roleId)}:${xml(session)}</AssumedRoleId><Arn>${xml(assumedArn)}</Arn></AssumedRoleUser>`,
    );
  }

  // IAM (query protocol)

  private iam(call: Call): RoutedCall {
    return queryCall(call, (operation, params) => {
      if (operation !== 'GetRole')
        return errorReply('iam', 'NotFound', `fake AWS: IAM ${operation} is not faked`);
      const role = this.iamRoles.get(params.RoleName ?? '');
      if (!role)
        return errorReply('iam', 'NotFound', `The role with name ${params.RoleName} cannot be found.`);
      return xmlReply(
        'GetRole',
        IAM_NAMESPACE,
        `<Role><Path>${xml(role.path)}</Path><Arn>${xml(role.arn)}</Arn><RoleName>${xml(role.roleName)}</RoleName>` +
          `<RoleId>${xml(role.roleId)}</RoleId><CreateDate>2024-01-01T00:00:00Z</CreateDate>` +
          '<AssumeRolePolicyDocument>%7B%7D</AssumeRolePolicyDocument><MaxSessionDuration>3600</MaxSessionDuration></Role>',
      );
    });
  }

  // EKS (REST-JSON)

  private eks(call: Call): RoutedCall {
    const segments = call.url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const query = Object.fromEntries(call.url.searchParams);
    const [root, name = '', sub, principalArn, tail] = segments;
    const key = `${call.region}/${name}`;
    const cluster = this.clusters.get(key);
    const noCluster = () => errorReply('eks', 'NotFound', `No cluster found for name: ${name}.`);
    if (root !== 'clusters' || call.method !== 'GET') {
      return { operation: 'Unknown', params: query, reply: () => errorReply('eks', 'NotFound', 'not faked') };
    }
    if (sub === undefined) {
      return {
        operation: 'DescribeCluster',
        params: { name },
        reply: () => (cluster ? jsonReply({ cluster }) : noCluster()),
      };
    }
    const entries = this.entries.get(key) ?? new Map<string, EksAccessEntryRecord>();
    if (principalArn === undefined) {
      return {
        operation: 'ListAccessEntries',
        params: { clusterName: name, ...query },
        reply: () => (cluster ? jsonReply({ accessEntries: [...entries.keys()] }) : noCluster()),
      };
    }
    const record = entries.get(principalArn);
    const noEntry = () =>
      cluster
        ? errorReply('eks', 'NotFound', 'The specified access entry resource is not found.')
        : noCluster();
    if (tail === 'access-policies') {
      return {
        operation: 'ListAssociatedAccessPolicies',
        params: { clusterName: name, principalArn, ...query },
        reply: () =>
          record
            ? jsonReply({ clusterName: name, principalArn, associatedAccessPolicies: record.policies })
            : noEntry(),
      };
    }
    return {
      operation: 'DescribeAccessEntry',
      params: { clusterName: name, principalArn },
      reply: () => (record ? jsonReply({ accessEntry: record.entry }) : noEntry()),
    };
  }

  // CloudWatch Logs (JSON 1.1)

  private logs(call: Call): RoutedCall {
    const target = String(call.request.headers['x-amz-target'] ?? '');
    const operation = target.replace(/^Logs_20140328\./, '');
    const params = call.body ? (JSON.parse(call.body) as Record<string, unknown>) : {};
    return {
      operation,
      params,
      reply: () => {
        switch (operation) {
          case 'FilterLogEvents':
            return this.filterLogEvents(call.region, params);
          case 'StartQuery': {
            const queryId = randomUUID();
            this.queries.set(queryId, { answer: this.insights, polls: 0 });
            return jsonReply({ queryId }, 'application/x-amz-json-1.1');
          }
          case 'GetQueryResults':
            return this.queryResults(String(params.queryId));
          default:
            return errorReply('logs', 'NotFound', `fake AWS: CloudWatch Logs ${operation} is not faked`);
        }
      },
    };
  }

  private filterLogEvents(region: string, params: Record<string, unknown>): Reply {
    const group = this.logGroups.get(`${region}/${String(params.logGroupName)}`);
    if (!group) return errorReply('logs', 'NotFound', 'The specified log group does not exist.');
    const prefix = typeof params.logStreamNamePrefix === 'string' ? params.logStreamNamePrefix : '';
    const start = typeof params.startTime === 'number' ? params.startTime : Number.NEGATIVE_INFINITY;
    const end = typeof params.endTime === 'number' ? params.endTime : Number.POSITIVE_INFINITY;
    const matches = filterPatternMatcher(
      typeof params.filterPattern === 'string' ? params.filterPattern : '',
    );
    const found = group
      .filter((event) => event.logStreamName.startsWith(prefix))
      .filter((event) => event.timestamp >= start && event.timestamp <= end && matches(event.message))
      .sort((a, b) => a.timestamp - b.timestamp);
    const from = typeof params.nextToken === 'string' ? Number(params.nextToken) : 0;
    const limit = typeof params.limit === 'number' ? params.limit : 10_000;
    const page = found.slice(from, from + limit);
    const next = from + limit < found.length ? String(from + limit) : undefined;
    return jsonReply(
      {
        events: page.map((event, index) => ({
          ...event,
          ingestionTime: event.timestamp + 500,
          eventId: String(from + index).padStart(56, '0'),
        })),
        searchedLogStreams: [],
        ...(next === undefined ? {} : { nextToken: next }),
      },
      'application/x-amz-json-1.1',
    );
  }

  private queryResults(queryId: string): Reply {
    const query = this.queries.get(queryId);
    if (!query) return errorReply('logs', 'NotFound', `Query does not exist: ${queryId}`);
    query.polls++;
    const running = query.polls <= (query.answer.runningPolls ?? 0);
    const results = running ? [] : query.answer.results;
    return jsonReply(
      {
        status: running ? 'Running' : 'Complete',
        results,
        statistics: { recordsMatched: results.length, recordsScanned: results.length, bytesScanned: 0 },
      },
      'application/x-amz-json-1.1',
    );
  }
}

interface EksAccessEntryRecord {
  readonly entry: EksAccessEntryJson;
  readonly policies: readonly EksAssociatedAccessPolicyJson[];
}

interface Call {
  readonly service: AwsService;
  readonly region: string;
  readonly accessKeyId: string;
  readonly method: string;
  readonly url: URL;
  readonly body: string;
  readonly request: IncomingMessage;
}

/** A query-protocol call (STS, IAM, SNS): form-encoded parameters, the operation in `Action`. */
function queryCall(
  call: Call,
  reply: (operation: string, params: Readonly<Record<string, string>>) => Reply,
): RoutedCall {
  const params = Object.fromEntries(new URLSearchParams(call.body));
  const operation = params.Action ?? 'Unknown';
  return { operation, params, reply: () => reply(operation, params) };
}

interface RoutedCall {
  readonly operation: string;
  readonly params: Record<string, unknown>;
  reply(): Reply;
}

interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

function serviceOf(signingName: string): AwsService | undefined {
  return signingName === 'sts' ||
    signingName === 'eks' ||
    signingName === 'logs' ||
    signingName === 'iam' ||
    signingName === 'sns'
    ? signingName
    : undefined;
}

/** One message of a Publish (`prefix` '') or of a PublishBatch entry (`PublishBatchRequestEntries.member.N.`). */
function snsMessage(
  topicArn: string,
  via: PublishedSnsMessage['via'],
  params: Record<string, string>,
  prefix: string,
): PublishedSnsMessage {
  const attributes: Record<string, string> = {};
  for (let n = 1; params[`${prefix}MessageAttributes.entry.${n}.Name`] !== undefined; n++) {
    const entry = `${prefix}MessageAttributes.entry.${n}.`;
    attributes[params[`${entry}Name`] ?? ''] = params[`${entry}Value.StringValue`] ?? '';
  }
  return {
    topicArn,
    via,
    messageId: randomUUID(),
    message: params[`${prefix}Message`] ?? '',
    attributes,
    ...(params[`${prefix}Subject`] === undefined ? {} : { subject: params[`${prefix}Subject`] }),
    ...(params[`${prefix}MessageStructure`] === undefined
      ? {}
      : { messageStructure: params[`${prefix}MessageStructure`] }),
  };
}

/**
 * Why SNS would refuse a message, per the Publish reference: a subject "must be ASCII text that
 * begins with a letter, number, or punctuation mark; must not include line breaks or control
 * characters; and must be less than 100 characters long"; a message at most 262,144 bytes; with
 * `MessageStructure=json`, a JSON object with a `default` key.
 */
function invalidSnsMessage(message: PublishedSnsMessage): string | undefined {
  if (message.message === '') return 'Invalid parameter: Empty message';
  if (Buffer.byteLength(message.message) > SNS_MAX_BYTES) return 'Invalid parameter: Message too long';
  if (
    message.subject !== undefined &&
    (message.subject.length >= 100 || !/^[\x20-\x7e]+$/.test(message.subject))
  )
    return 'Invalid parameter: Subject';
  if (message.messageStructure === 'json') {
    try {
      const parsed = JSON.parse(message.message) as Record<string, unknown>;
      if (typeof parsed.default !== 'string')
        return 'Invalid parameter: Message Structure - No default entry in JSON message body';
    } catch {
      return 'Invalid parameter: Message Structure - JSON message body failed to parse';
    }
  }
  return undefined;
}

function snsError(status: number, code: string, message: string): Reply {
  return {
    status,
    contentType: 'text/xml',
    body:
      `<ErrorResponse xmlns="${SNS_NAMESPACE}"><Error><Type>Sender</Type><Code>${code}</Code>` +
      `<Message>${xml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  };
}

/**
 * The subset of the filter-pattern syntax for unstructured events that the CLI uses: terms and
 * quoted phrases must all occur (case-sensitive), unless some are `?`-prefixed, in which case any one
 * of those suffices; `-term` excludes. JSON and space-delimited patterns are not faked.
 */
export function filterPatternMatcher(pattern: string): (message: string) => boolean {
  const terms = [...pattern.matchAll(/([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g)].map((match) => ({
    kind: match[1] ?? '',
    text: (match[2] ?? match[3] ?? '').replace(/\\(.)/g, '$1'),
  }));
  if (terms.some((term) => term.text.startsWith('{') || term.text.startsWith('['))) {
    throw new Error(`fake AWS: filter pattern ${pattern} is not supported`);
  }
  const any = terms.filter((term) => term.kind === '?');
  const all = terms.filter((term) => term.kind === '');
  const none = terms.filter((term) => term.kind === '-');
  return (message) =>
    all.every((term) => message.includes(term.text)) &&
    !none.some((term) => message.includes(term.text)) &&
    (any.length === 0 || any.some((term) => message.includes(term.text)));
}

const ERRORS: Record<AwsFailure, Record<AwsService, { code: string; status: number; message: string }>> = {
  AccessDenied: {
    sts: { code: 'AccessDenied', status: 403, message: 'Access denied' },
    iam: { code: 'AccessDenied', status: 403, message: 'Access denied' },
    eks: { code: 'AccessDeniedException', status: 403, message: 'Access denied' },
    logs: { code: 'AccessDeniedException', status: 400, message: 'Access denied' },
    sns: { code: 'AuthorizationError', status: 403, message: 'Access denied' },
  },
  ExpiredToken: {
    sts: {
      code: 'ExpiredToken',
      status: 400,
      message: 'The security token included in the request is expired',
    },
    iam: {
      code: 'ExpiredToken',
      status: 403,
      message: 'The security token included in the request is expired',
    },
    eks: {
      code: 'ExpiredTokenException',
      status: 403,
      message: 'The security token included in the request is expired',
    },
    logs: {
      code: 'ExpiredTokenException',
      status: 400,
      message: 'The security token included in the request is expired',
    },
    sns: {
      code: 'ExpiredToken',
      status: 403,
      message: 'The security token included in the request is expired',
    },
  },
  InvalidClientToken: {
    sts: {
      code: 'InvalidClientTokenId',
      status: 403,
      message: 'The security token included in the request is invalid.',
    },
    iam: {
      code: 'InvalidClientTokenId',
      status: 403,
      message: 'The security token included in the request is invalid.',
    },
    eks: {
      code: 'UnrecognizedClientException',
      status: 403,
      message: 'The security token included in the request is invalid.',
    },
    logs: {
      code: 'UnrecognizedClientException',
      status: 400,
      message: 'The security token included in the request is invalid.',
    },
    sns: {
      code: 'InvalidClientTokenId',
      status: 403,
      message: 'The security token included in the request is invalid.',
    },
  },
  NotFound: {
    sts: { code: 'InvalidAction', status: 400, message: 'Could not find operation' },
    iam: { code: 'NoSuchEntity', status: 404, message: 'The entity cannot be found.' },
    eks: { code: 'ResourceNotFoundException', status: 404, message: 'The resource is not found.' },
    logs: {
      code: 'ResourceNotFoundException',
      status: 400,
      message: 'The specified resource does not exist.',
    },
    sns: { code: 'NotFound', status: 404, message: 'Topic does not exist' },
  },
  Throttling: {
    sts: { code: 'Throttling', status: 400, message: 'Rate exceeded' },
    iam: { code: 'Throttling', status: 400, message: 'Rate exceeded' },
    eks: { code: 'ThrottlingException', status: 429, message: 'Rate exceeded' },
    logs: { code: 'ThrottlingException', status: 400, message: 'Rate exceeded' },
    sns: { code: 'Throttled', status: 429, message: 'Rate exceeded' },
  },
};

function errorReply(service: AwsService, failure: AwsFailure, message?: string): Reply {
  const error = ERRORS[failure][service];
  const text = message ?? error.message;
  const requestId = randomUUID();
  switch (service) {
    case 'sns':
      return snsError(error.status, error.code, text);
    case 'sts':
    case 'iam': {
      const namespace = service === 'sts' ? STS_NAMESPACE : IAM_NAMESPACE;
      return {
        status: error.status,
        contentType: 'text/xml',
        body:
          `<ErrorResponse xmlns="${namespace}"><Error><Type>Sender</Type><Code>${error.code}</Code>` +
          `<Message>${xml(text)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    }
    case 'eks':
      return {
        status: error.status,
        contentType: 'application/json',
        headers: { 'x-amzn-errortype': error.code, 'x-amzn-requestid': requestId },
        body: JSON.stringify({ message: text }),
      };
    case 'logs':
      return {
        status: error.status,
        contentType: 'application/x-amz-json-1.1',
        headers: { 'x-amzn-requestid': requestId },
        body: JSON.stringify({ __type: error.code, message: text }),
      };
  }
}

function xmlReply(operation: string, namespace: string, result: string): Reply {
  return {
    status: 200,
    contentType: 'text/xml',
    body:
      `<${operation}Response xmlns="${namespace}"><${operation}Result>${result}</${operation}Result>` +
      `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${operation}Response>`,
  };
}

function jsonReply(value: unknown, contentType = 'application/json'): Reply {
  return {
    status: 200,
    contentType,
    body: JSON.stringify(value),
    headers: { 'x-amzn-requestid': randomUUID() },
  };
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': contentType, ...headers });
  response.end(body);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
