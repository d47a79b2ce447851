import {
  ACCESS_ENTRY_FILE_MESSAGES,
  AUTH_MODE_SWITCH_MESSAGES,
  AUTHENTICATOR_DOWN_MESSAGES,
  AWS_AUTH_DELETED_MESSAGES,
  AWS_AUTH_PARSE_MESSAGES,
  CRD_SYNC_FAILED_MESSAGES,
  SERVER_STOPPING_LEVELS,
} from '../../contract/authenticator-messages';
import { backupAwsAuthStep } from '../runbooks/aws-auth';
import { regainAccessSteps } from '../runbooks/regain-access';
import type { FixStep } from '../types';
import {
  AUDIT_QUERY_AWS_AUTH_CHANGES,
  AUTHENTICATOR_LOGS,
  describeAccessConfig,
  EDIT_AWS_AUTH,
  eksctlGetMappings,
  GET_AWS_AUTH,
  KUBECTL_GET_NODES,
  listAccessEntries,
} from '../wording/commands';
import { mention } from '../wording/mention';
import type { AuthenticationMode } from './authentication-modes';
import { pick } from './details';
import type { CategoryEntry, EveryIdHasAnEntry, RecordFamily, RecordMatch } from './entry';
import type { FixTemplate } from './fix-template';

/**
 * Lines the authenticator writes about itself and its configuration rather than about one request,
 * recognised by their `msg` (the wordings live in the contract, which the subscription filter reads
 * too). Worth telling people about: a broken aws-auth denies everyone mapped in it.
 */
export const LIFECYCLE_CATEGORIES = [
  'AWS_AUTH_PARSE_ERROR',
  /** The authenticator stopped or cannot start (a fatal or panic start-up error): every request fails. */
  'AUTHENTICATOR_DOWN',
  /** aws-auth was deleted: every aws-auth mapping is gone, node roles included. */
  'AWS_AUTH_DELETED',
  /** The access-entry file (DynamicFile backend) failed to parse: the access-entry side of AWS_AUTH_PARSE_ERROR. */
  'ACCESS_ENTRY_FILE_ERROR',
  /** The authentication mode (the mapper chain) was switched at run time. */
  'AUTH_MODE_SWITCHED',
  /** The CRD backend could not sync its caches: principals mapped only by IAMIdentityMapping are refused. */
  'CRD_SYNC_FAILED',
] as const;
export type LifecycleCategory = (typeof LIFECYCLE_CATEGORIES)[number];

/**
 * The fix for an aws-auth that did not parse: quote the error, get back in, fix the YAML. Also the fix
 * of the denials it causes (sub-cause AWS_AUTH_BROKEN).
 */
export const AWS_AUTH_REPAIR: FixTemplate = {
  title: 'aws-auth failed to parse: its mappings were dropped',
  summary:
    'The aws-auth ConfigMap failed to parse, so the authenticator dropped every mapping in the broken block, and everyone mapped there, nodes included, is denied until the YAML is fixed.',
  steps: (request) => [
    ...reportedStep(
      request.finding.details.yamlError ?? request.finding.error,
      request.finding.details.yamlLine,
    ),
    ...regainAccessSteps(request),
    { text: 'Look at the YAML around the reported line.', command: GET_AWS_AUTH, optional: true },
    backupAwsAuthStep(),
    {
      text: 'Fix the YAML. The usual culprit is an unquoted value starting with `{{`, such as `username: {{SessionName}}`; quote it (`username: "{{SessionName}}"`). Check indentation and that every entry has `rolearn`/`userarn`, `username` and `groups`.',
      command: EDIT_AWS_AUTH,
    },
    {
      text: 'Check that the mappings are back (and that the authenticator logs no new "Errors parsing configmap" lines).',
      command: eksctlGetMappings(request.cluster),
    },
    { text: 'Check that the nodes are Ready again.', command: KUBECTL_GET_NODES },
  ],
  warnings: [
    'Until aws-auth parses again, every principal mapped in the broken block is denied; nodes go NotReady as their credentials refresh.',
  ],
};

/**
 * The fix for a deleted aws-auth: get back in, restore it from a backup or recreate the node mappings.
 * Also the fix of the denials it causes (sub-cause AWS_AUTH_DELETED).
 */
export const AWS_AUTH_RESTORE: FixTemplate = {
  title: 'aws-auth was deleted: its mappings are gone',
  summary:
    'The aws-auth ConfigMap was deleted, so the authenticator dropped every aws-auth mapping, and everyone mapped there, nodes included, is denied until it is restored.',
  steps: (request) => [
    ...regainAccessSteps(request),
    {
      text: 'Find who deleted it and when (Kubernetes audit log).',
      command: AUDIT_QUERY_AWS_AUTH_CHANGES,
    },
    {
      text: 'Restore it from a backup (`kubectl apply -f aws-auth-backup.yaml`), or recreate it with at least the node roles (`system:node:{{EC2PrivateDNSName}}`, groups `system:bootstrappers` and `system:nodes`).',
      command: EDIT_AWS_AUTH,
    },
    {
      text: 'Check that the mappings are back.',
      command: eksctlGetMappings(request.cluster),
    },
    { text: 'Check that the nodes are Ready again.', command: KUBECTL_GET_NODES },
  ],
  warnings: ['Until aws-auth is restored, nodes go NotReady as their credentials refresh.'],
};

/** The fix for an access-entry file that failed to parse; also that of the denials it causes (ACCESS_ENTRIES_BROKEN). */
export const ACCESS_ENTRIES_BROKEN_FIX: FixTemplate = {
  title: 'The access-entry file failed to parse',
  summary:
    'The authenticator could not parse the file it reads access entries from, so principals mapped by access entries are denied until it parses again; on EKS that file is written by AWS.',
  steps: (request) => [
    ...reportedStep(request.finding.details.parseError ?? request.finding.error, undefined),
    { text: 'List the access entries the cluster has.', command: listAccessEntries(request.cluster) },
    ...regainAccessSteps(request),
    {
      text: 'On EKS, open a support case with the time of the first line: the file is AWS-managed. Self-managed: fix the dynamic file (`--dynamicfile-path`), every entry needs `userarn`/`rolearn` or `userid`.',
    },
  ],
  warnings: [
    'aws-auth mappings still work in API_AND_CONFIG_MAP mode; in API mode nothing maps until the file parses.',
  ],
};

const ENTRIES = [
  {
    id: 'AWS_AUTH_PARSE_ERROR',
    match: { messages: AWS_AUTH_PARSE_MESSAGES },
    severity: 'critical',
    trust: 'breakage',
    // The parse error is in `msg` itself (`Errors parsing configmap: %+v`); YAML errors name a line.
    details: (_error, record) => {
      const text = record.fields.error ?? record.msg;
      return pick({ yamlError: text, yamlLine: /line (\d+)/.exec(text)?.[1] });
    },
    effect: 'aws-auth-broken',
    ...AWS_AUTH_REPAIR,
  },
  {
    id: 'AUTHENTICATOR_DOWN',
    match: { levels: SERVER_STOPPING_LEVELS, messages: AUTHENTICATOR_DOWN_MESSAGES },
    severity: 'critical',
    trust: 'breakage',
    details: (_error, record) => pick({ cause: record.fields.error, failure: record.msg }),
    title: 'The authenticator is down: every request fails',
    summary:
      'The authenticator stopped with a start-up error, so no token can be checked and every kubectl call and node is refused until it starts again (self-managed authenticators; on EKS this is AWS-side).',
    steps: (request) => [
      {
        text: `The authenticator reported: "${mention(request.finding.record.msg, 300)}"${request.finding.details.cause ? `, because: "${mention(request.finding.details.cause, 300)}"` : ''}.`,
      },
      {
        text: 'Read the rest of its start-up log for the first error.',
        command: AUTHENTICATOR_LOGS,
      },
      {
        text: 'Fix the cause: `permission denied` means the state directory (`--state-dir`, /var/aws-iam-authenticator) is not writable by the user the authenticator runs as; `is a directory` means a hostPath meant as a file was created as a directory; a listener error means port 21362 is in use; a mapper or config error names the bad flag or mapping. Then restart the authenticator.',
      },
      {
        text: 'On EKS the authenticator is run by AWS: open a support case, and meanwhile use an identity that does not need the authenticator only if you have one.',
      },
    ],
    warnings: ['While the authenticator is down nobody authenticates, cluster admins included.'],
  },
  {
    id: 'AWS_AUTH_DELETED',
    match: { messages: AWS_AUTH_DELETED_MESSAGES },
    severity: 'critical',
    trust: 'breakage',
    effect: 'aws-auth-deleted',
    ...AWS_AUTH_RESTORE,
  },
  {
    id: 'ACCESS_ENTRY_FILE_ERROR',
    match: { messages: ACCESS_ENTRY_FILE_MESSAGES },
    severity: 'critical',
    trust: 'breakage',
    effect: 'access-entries-broken',
    details: (_error, record) => pick({ parseError: record.fields.error ?? record.msg }),
    ...ACCESS_ENTRIES_BROKEN_FIX,
  },
  {
    id: 'AUTH_MODE_SWITCHED',
    match: { messages: AUTH_MODE_SWITCH_MESSAGES },
    severity: 'high',
    trust: 'breakage',
    effect: 'mode-switched',
    details: (_error, record) => pick({ newMode: switchedMode(record.msg) }),
    title: (request) =>
      `Authentication mode switched${request.finding.details.newMode ? ` to ${request.finding.details.newMode}` : ''}`,
    summary:
      'The authenticator rebuilt its mapper chain at run time: a switch to API drops every aws-auth mapping, and the denials right after it are explained by the switch.',
    steps: (request) => [
      { text: 'Check the mode the cluster is in now.', command: describeAccessConfig(request.cluster) },
      {
        text: 'If the switch was to API, every principal mapped only in aws-auth (nodes included) needs an access entry; list the entries that exist.',
        command: listAccessEntries(request.cluster),
      },
      ...regainAccessSteps(request),
    ],
    warnings: [
      'The mode change is one-way (CONFIG_MAP to API_AND_CONFIG_MAP to API): it cannot be switched back.',
    ],
  },
  {
    id: 'CRD_SYNC_FAILED',
    match: { messages: CRD_SYNC_FAILED_MESSAGES },
    severity: 'high',
    trust: 'breakage',
    title: 'The CRD backend cannot read its mappings',
    summary:
      'The controller of the CRD backend could not sync its caches, so the IAMIdentityMapping objects are never read: every principal mapped only through them is refused (self-managed authenticators with the CRD backend).',
    steps: () => [
      {
        text: 'Check that the IAMIdentityMapping resource type is installed.',
        command: 'kubectl get crd iamidentitymappings.iamauthenticator.k8s.aws',
      },
      {
        text: "Check that the authenticator's service account may list and watch the mappings (the upstream manifests name it aws-iam-authenticator; use yours).",
        command:
          'kubectl auth can-i watch iamidentitymappings.iamauthenticator.k8s.aws --as=system:serviceaccount:kube-system:aws-iam-authenticator',
      },
      {
        text: 'Read its log for the error behind the failed sync, fix it and restart the authenticator.',
        command: AUTHENTICATOR_LOGS,
      },
    ],
    warnings: ['Principals mapped through aws-auth or the mounted file are not affected.'],
  },
] satisfies readonly CategoryEntry<LifecycleCategory, RecordMatch>[];

export const LIFECYCLE: RecordFamily<LifecycleCategory> = {
  name: 'lifecycle',
  alerts: true,
  ids: LIFECYCLE_CATEGORIES,
  entries: ENTRIES satisfies EveryIdHasAnEntry<LifecycleCategory, typeof ENTRIES>,
};

/** The mode a `BackendMode dynamic file got changed …` line switches to, from the backends it names. */
export function switchedMode(msg: string): AuthenticationMode | undefined {
  const changed = /got changed(?:, | to )(\S+)/i.exec(msg)?.[1] ?? '';
  for (const mode of ['API_AND_CONFIG_MAP', 'CONFIG_MAP', 'API'] as const) if (changed === mode) return mode;
  const configMap = /EKSConfigMap/i.test(changed);
  const dynamicFile = /DynamicFile/i.test(changed);
  if (configMap && dynamicFile) return 'API_AND_CONFIG_MAP';
  if (dynamicFile) return 'API';
  if (configMap) return 'CONFIG_MAP';
  return undefined;
}

function reportedStep(yamlError: string | undefined, line: string | undefined): FixStep[] {
  if (!yamlError) return [];
  return [
    {
      // The e-mail shows the same words among the details.
      optional: true,
      text: `The authenticator reported${line ? ` (line ${mention(line, 10)})` : ''}: "${mention(yamlError, 400)}".`,
    },
  ];
}
