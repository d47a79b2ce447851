import {
  EC2_BATCH_FAILED_MESSAGES,
  infoMessages,
  SERVER_INFO_MESSAGES,
} from '../../contract/authenticator-messages';
import type { FixStep } from '../types';
import { AUTHENTICATOR_LOGS } from '../wording/commands';
import { mention } from '../wording/mention';
import { pick } from './details';
import type { CategoryEntry, EveryIdHasAnEntry, RecordFamily, RecordMatch } from './entry';

/**
 * What the authenticator says about itself while it runs (reference §3.1): INFO sub-kinds that tell
 * which backends are active, when aws-auth changed, and the EC2 errors behind node denials. None is a
 * denial and none alerts; several explain the denials around them.
 */
export const SERVER_CATEGORIES = [
  /** Start-up and certificate lines: the server (re)started. */
  'AUTHENTICATOR_STARTED',
  /** `starting mapper %q`: a backend of the mapper chain is active (the detail names it). */
  'MAPPER_STARTED',
  /** The static mapping dump at start-up (`mapping IAM role` …). */
  'MAPPING_LOADED',
  /** `Received aws-auth watch event`: aws-auth was written; a denial soon after points at the change. */
  'AWS_AUTH_CHANGED',
  /** The aws-auth watch failed or reconnected (both spellings of `received`). */
  'WATCH_ERROR',
  /** An EC2 DescribeInstances batch failed: the EC2 error behind TEMPLATE_EC2_LOOKUP_FAILED denials. */
  'EC2_BATCH_FAILED',
  /** Setting up the STS host list failed: explains a later TOKEN_STS_HOST_REJECTED. */
  'STS_HOST_SETUP_ERROR',
  /** The access-entry file was (re)loaded; its content lists principal ARNs and is never quoted. */
  'ACCESS_ENTRY_FILE_LOADED',
  /** The CRD backend's controller starting, syncing or stopping (self-managed clusters). */
  'CRD_CONTROLLER',
] as const;
export type ServerCategory = (typeof SERVER_CATEGORIES)[number];

const NO_ACTION: FixStep = { text: 'No action needed.' };

/** The backend a `starting mapper "…"` line names (`MountedFile`, `EKSConfigMap`, `CRD`, `DynamicFile`). */
const MAPPER_NAME = /mapper "?([A-Za-z]+)"?/;
/** `… : with error = []<EC2 error> `: the AWS error code, e.g. UnauthorizedOperation. */
const EC2_ERROR_CODE =
  /api error ([A-Za-z.]+)|(UnauthorizedOperation|RequestLimitExceeded|InvalidInstanceID\.[A-Za-z]+)/;

/** The AWS error code an EC2 batch failure line names (`api error UnauthorizedOperation: …`), if any. */
export function ec2ErrorCode(msg: string): string | undefined {
  const match = EC2_ERROR_CODE.exec(msg);
  return match?.[1] ?? match?.[2];
}

const ENTRIES = [
  {
    id: 'AUTHENTICATOR_STARTED',
    match: { messages: infoMessages(SERVER_INFO_MESSAGES.started) },
    severity: 'info',
    trust: 'none',
    title: 'Authenticator starting',
    summary:
      'The authenticator logged a start-up step (certificate, webhook kubeconfig, listener or feature flag).',
    steps: () => [NO_ACTION],
    warnings: [],
  },
  {
    id: 'MAPPER_STARTED',
    match: { messages: infoMessages(SERVER_INFO_MESSAGES.mapperStarted) },
    severity: 'info',
    trust: 'none',
    details: (_error, record) => pick({ mapper: MAPPER_NAME.exec(record.msg)?.[1] }),
    title: (request) =>
      `Mapper ${request.finding.details.mapper ? mention(request.finding.details.mapper, 40) : ''} started`.replace(
        '  ',
        ' ',
      ),
    summary:
      'A backend of the mapper chain started: EKSConfigMap is aws-auth, DynamicFile is access entries; together they tell the authentication mode.',
    steps: () => [NO_ACTION],
    warnings: [],
  },
  {
    id: 'MAPPING_LOADED',
    match: { messages: infoMessages(SERVER_INFO_MESSAGES.mappingLoaded) },
    severity: 'info',
    trust: 'none',
    title: 'Static mapping loaded',
    summary: 'At start-up the authenticator listed a mapping from its configuration file.',
    steps: () => [NO_ACTION],
    warnings: [],
  },
  {
    id: 'AWS_AUTH_CHANGED',
    match: { messages: infoMessages(SERVER_INFO_MESSAGES.awsAuthChanged) },
    severity: 'info',
    trust: 'none',
    effect: 'aws-auth-changed',
    title: 'aws-auth changed',
    summary: 'The aws-auth ConfigMap was written; denials soon after this point at the change.',
    steps: () => [NO_ACTION],
    warnings: [],
  },
  {
    id: 'WATCH_ERROR',
    match: { messages: infoMessages(SERVER_INFO_MESSAGES.watchError) },
    severity: 'info',
    trust: 'none',
    title: 'aws-auth watch interrupted',
    summary:
      'The authenticator lost its watch on aws-auth and reconnects; changes made meanwhile are picked up when it does.',
    steps: () => [
      {
        text: 'Only if it repeats for minutes: read the authenticator log around it.',
        command: AUTHENTICATOR_LOGS,
      },
    ],
    warnings: [],
  },
  {
    id: 'EC2_BATCH_FAILED',
    match: { messages: EC2_BATCH_FAILED_MESSAGES },
    severity: 'info',
    trust: 'none',
    effect: 'ec2-batch-failed',
    details: (_error, record) => pick({ ec2ErrorCode: ec2ErrorCode(record.msg) }),
    title: 'EC2 lookup of node names failed',
    summary:
      'The authenticator could not look up node names in EC2; the TEMPLATE_EC2_LOOKUP_FAILED denials around it carry the fix.',
    steps: () => [NO_ACTION],
    warnings: [],
  },
  {
    id: 'STS_HOST_SETUP_ERROR',
    match: { messages: infoMessages(SERVER_INFO_MESSAGES.stsHostSetup) },
    severity: 'info',
    trust: 'none',
    title: 'STS host list incomplete',
    summary:
      'The authenticator could not resolve some STS hostnames at start-up; tokens signed for them are later rejected as TOKEN_STS_HOST_REJECTED.',
    steps: () => [NO_ACTION],
    warnings: [],
  },
  {
    id: 'ACCESS_ENTRY_FILE_LOADED',
    match: { messages: infoMessages(SERVER_INFO_MESSAGES.accessEntryFileLoaded) },
    severity: 'info',
    trust: 'none',
    effect: 'access-entries-loaded',
    title: 'Access-entry file loaded',
    summary:
      'The authenticator reloaded the access-entry file; its content (principal ARNs) is not repeated here.',
    steps: () => [NO_ACTION],
    warnings: [],
  },
  {
    id: 'CRD_CONTROLLER',
    match: { messages: infoMessages(SERVER_INFO_MESSAGES.crdController) },
    severity: 'info',
    trust: 'none',
    title: 'CRD backend controller',
    summary:
      'The controller of the CRD backend (IAMIdentityMapping objects) logged its progress; "waiting for informer caches to sync" with no "starting workers" after it means the CRD backend hangs and maps nobody.',
    steps: () => [NO_ACTION],
    warnings: [],
  },
] satisfies readonly CategoryEntry<ServerCategory, RecordMatch>[];

export const SERVER: RecordFamily<ServerCategory> = {
  name: 'server',
  alerts: false,
  ids: SERVER_CATEGORIES,
  entries: ENTRIES satisfies EveryIdHasAnEntry<ServerCategory, typeof ENTRIES>,
};
