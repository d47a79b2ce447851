/**
 * The authenticator's own wording of the lines the pipeline acts on. The classifier recognises them and
 * the stack's subscription filter lets exactly these through, so both read them from here: a wording
 * added to one side only would be classified but never delivered, or delivered but never recognised.
 */

/** The `msg` of every request denial. Also the filter term for them. */
export const DENIAL_MESSAGE = 'access denied';

/** A line the authenticator writes about its configuration, not about a request. */
export interface ConfigurationMessage {
  /** How the message starts, as the authenticator spells it. */
  readonly startsWith: string;
  /**
   * The case-sensitive subscription-filter term that passes the line: from the first word that is lower
   * case in every release on, so a capitalisation change of the first word cannot hide it.
   */
  readonly filterTerm: string;
  /** `startsWith` may stand anywhere in the message (it follows a value, e.g. a flag's). */
  readonly anywhere?: true;
}

/** The three wordings of an aws-auth ConfigMap parse error (reference §3): one drops every mapping. */
export const AWS_AUTH_PARSE_MESSAGES: readonly ConfigurationMessage[] = [
  { startsWith: 'Errors parsing configmap', filterTerm: 'parsing configmap' },
  { startsWith: 'There was an error parsing the config maps', filterTerm: 'parsing the config maps' },
  { startsWith: 'error parsing config map', filterTerm: 'parsing config map' },
];

/**
 * The server's own lifecycle and configuration lines (reference §3.1, upstream v0.7.18) that break
 * authentication for the whole cluster. Each reaches the Lambda through its filter term.
 */

/** The server cannot start or stopped (fatal and panic start-up errors): every request fails. */
export const AUTHENTICATOR_DOWN_MESSAGES: readonly ConfigurationMessage[] = [
  { startsWith: 'could not load/generate a certificate', filterTerm: 'load/generate a certificate' },
  { startsWith: 'could not create webhook kubeconfig', filterTerm: 'create webhook kubeconfig' },
  { startsWith: 'could not open TLS listener', filterTerm: 'open TLS listener' },
  { startsWith: 'failed to build mapper chain', filterTerm: 'build mapper chain' },
  { startsWith: 'start mapper ', filterTerm: 'start mapper' },
  { startsWith: 'Failed to load AWS config', filterTerm: 'load AWS config' },
  { startsWith: 'could not load config', filterTerm: 'load config' },
  // `%s is not a valid arn, err: %v`: the text starts with the flag's value.
  { startsWith: ' is not a valid arn, err:', filterTerm: 'is not a valid arn, err:', anywhere: true },
  { startsWith: 'invalid server ', filterTerm: 'invalid server' },
  { startsWith: 'invalid reserved prefix config', filterTerm: 'invalid reserved prefix config' },
  { startsWith: 'cluster ID cannot be empty', filterTerm: 'cluster ID cannot be empty' },
];

/**
 * The levels of a server that stops (logrus Fatal exits, Panic panics), as the text format writes them:
 * any fatal or panic line means the authenticator is down, whatever its wording.
 */
export const SERVER_STOPPING_LEVELS: readonly string[] = ['fatal', 'panic'];
/** The filter terms of those levels in the EKS text format. */
export const SERVER_STOPPING_TERMS: readonly string[] = SERVER_STOPPING_LEVELS.map(
  (level) => `level=${level}`,
);

/** aws-auth was deleted: the authenticator drops every aws-auth mapping, node roles included. */
export const AWS_AUTH_DELETED_MESSAGES: readonly ConfigurationMessage[] = [
  { startsWith: 'Resetting configmap on delete', filterTerm: 'configmap on delete' },
];

/** The access-entry file (DynamicFile backend) failed to parse: the access-entry counterpart of aws-auth's. */
export const ACCESS_ENTRY_FILE_MESSAGES: readonly ConfigurationMessage[] = [
  { startsWith: 'ParseMap: could not unmarshal dynamic file', filterTerm: 'unmarshal dynamic file' },
  { startsWith: 'ParseMap: Errors parsing dynamic file', filterTerm: 'parsing dynamic file' },
  { startsWith: 'error parsing dynamic file', filterTerm: 'parsing dynamic file' },
  // Per-entry validation (`Value for …` before v0.7.6): the filter term is the case-stable tail.
  { startsWith: 'value for userarn or userid', filterTerm: 'dynamicfileUserIDStrict' },
  { startsWith: 'value for rolearn or userid', filterTerm: 'dynamicfileUserIDStrict' },
];

/** The authentication mode (the mapper chain) was switched at run time. */
export const AUTH_MODE_SWITCH_MESSAGES: readonly ConfigurationMessage[] = [
  { startsWith: 'BackendMode dynamic file got changed', filterTerm: 'BackendMode dynamic file' },
  { startsWith: 'BackendMode dynamic file got deleted', filterTerm: 'BackendMode dynamic file' },
  {
    startsWith: 'CallBackForFileLoad: could not unmarshal dynamic file',
    filterTerm: 'unmarshal dynamic file',
  },
];

/** An EC2 DescribeInstances batch failed: the EC2 error behind TEMPLATE_EC2_LOOKUP_FAILED denials. */
export const EC2_BATCH_FAILED_MESSAGES: readonly ConfigurationMessage[] = [
  { startsWith: 'Batch call failed querying private DNS', filterTerm: 'Batch call failed' },
];

/**
 * The CRD backend's controller could not sync its informer caches: the IAMIdentityMapping objects are
 * never read, so no principal mapped only through the CRD backend can authenticate (self-managed).
 */
export const CRD_SYNC_FAILED_MESSAGES: readonly ConfigurationMessage[] = [
  { startsWith: 'failed to wait for caches to sync', filterTerm: 'wait for caches to sync' },
];

/**
 * Informational server lines that tell what the authenticator is doing (reference §3.1); they stay out
 * of the subscription filter (their `filterTerm` is not used by it), except the EC2 batch failures.
 */
export const SERVER_INFO_MESSAGES = {
  started: [
    'generated a new private key and certificate',
    'saving new key and certificate',
    'loaded existing keypair',
    'Creating certificate with address',
    'writing webhook kubeconfig file',
    'listening on ',
    'reconfigure your apiserver with',
    'SSORoleMatch feature enabled',
    'ConfiguredInitDirectories feature enabled',
    'Unknown log format specified',
  ],
  mapperStarted: ['starting mapper ', 'warning: backend-mode '],
  mappingLoaded: ['mapping IAM role', 'mapping IAM user', 'mapping IAM Account'],
  awsAuthChanged: ['Received aws-auth watch event'],
  // `recieved` in every release from v0.5.0 to v0.7.11; two spaces before "Sleeping" in v0.5.0–v0.5.3.
  watchError: [
    'recieved a watch error',
    'received a watch error',
    'Unable to re-establish watch',
    'Watch channel closed',
  ],
  stsHostSetup: [
    'Error resolving default hostnames',
    'Error getting default hostname',
    'Error resolving endpoint for',
    'Error parsing STS URL',
  ],
  accessEntryFileLoaded: ['LoadDynamicFile: '],
  // The CRD backend's controller (sample-controller pattern): its progress, and a sync error it retries.
  crdController: [
    'creating event broadcaster',
    'setting up event handlers',
    'starting aws iam authenticator controller',
    'waiting for informer caches to sync',
    'starting workers',
    'started workers',
    'shutting down workers',
    'error syncing ',
  ],
} as const satisfies Record<string, readonly string[]>;

/** As configuration messages (these are never filter terms: the lines do not reach the Lambda). */
export function infoMessages(starts: readonly string[]): readonly ConfigurationMessage[] {
  return starts.map((startsWith) => ({ startsWith, filterTerm: startsWith }));
}

/**
 * The subscription filter's terms (case-sensitive, any one passes a line): every denial and each
 * cluster-wide breakage above. lib/filter-pattern.ts renders them for the stack, lambda/watch for the
 * commands it prints; both from here.
 */
export const AUTHENTICATOR_FILTER_TERMS: readonly string[] = [
  ...new Set([
    DENIAL_MESSAGE,
    ...[
      ...AWS_AUTH_PARSE_MESSAGES,
      ...AWS_AUTH_DELETED_MESSAGES,
      ...ACCESS_ENTRY_FILE_MESSAGES,
      ...AUTH_MODE_SWITCH_MESSAGES,
      ...AUTHENTICATOR_DOWN_MESSAGES,
      ...EC2_BATCH_FAILED_MESSAGES,
      ...CRD_SYNC_FAILED_MESSAGES,
    ].map((message) => message.filterTerm),
    ...SERVER_STOPPING_TERMS,
  ]),
];
