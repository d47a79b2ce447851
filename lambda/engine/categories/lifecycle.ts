import { AWS_AUTH_PARSE_MESSAGES } from '../../contract/authenticator-messages';
import { backupAwsAuthStep } from '../runbooks/aws-auth';
import { regainAccessSteps } from '../runbooks/regain-access';
import type { FixStep } from '../types';
import { EDIT_AWS_AUTH, eksctlGetMappings, GET_AWS_AUTH, KUBECTL_GET_NODES } from '../wording/commands';
import { mention } from '../wording/mention';
import { pick } from './details';
import type { CategoryEntry, EveryIdHasAnEntry, RecordFamily, RecordMatch } from './entry';
import type { FixTemplate } from './fix-template';

/**
 * Lines the authenticator writes about itself and its configuration rather than about one request,
 * recognised by their `msg` (the wordings live in the contract, which the subscription filter reads
 * too). Worth telling people about: a broken aws-auth denies everyone mapped in it.
 */
export const LIFECYCLE_CATEGORIES = ['AWS_AUTH_PARSE_ERROR'] as const;
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
    ...AWS_AUTH_REPAIR,
  },
] satisfies readonly CategoryEntry<LifecycleCategory, RecordMatch>[];

export const LIFECYCLE: RecordFamily<LifecycleCategory> = {
  name: 'lifecycle',
  alerts: true,
  ids: LIFECYCLE_CATEGORIES,
  entries: ENTRIES satisfies EveryIdHasAnEntry<LifecycleCategory, typeof ENTRIES>,
};

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
