import { describe, expect, it } from 'vitest';
import { entryCommandsFor } from '../../../cli/access-report/entry-commands';
import { clusterNames } from '../../../lambda/engine/wording/names';
import { loginsOf } from './principal-logins';

const ACCOUNT = '111122223333';
const NAMES = clusterNames({ clusterName: 'prod', region: 'eu-west-1', accountId: ACCOUNT });
const BASE = '--cluster-name prod --region eu-west-1';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ci`;
const LOOKUP = '"$(aws iam get-role --role-name ci --query Role.Arn --output text)"';

describe('entryCommandsFor, node roles', () => {
  it.each([
    [['system:bootstrappers', 'system:nodes'], '--type EC2_LINUX'],
    [['system:bootstrappers', 'system:nodes', 'eks:kube-proxy-windows'], '--type EC2_WINDOWS'],
    [['system:bootstrappers', 'system:nodes', 'system:node-proxier'], '--type FARGATE_LINUX'],
  ])('creates an entry of the node type for groups %j, and nothing else', (groups, type) => {
    // Prepare
    const logins = loginsOf(`arn:aws:iam::${ACCOUNT}:role/nodes`, 'system:node:ip-10-0-0-1', groups);

    // Act
    const commands = entryCommandsFor({ logins, coverage: 'node role' }, NAMES);

    // Assess
    expect(commands.commands).toEqual([
      `aws eks create-access-entry ${BASE} --principal-arn "$(aws iam get-role --role-name nodes --query Role.Arn --output text)" ${type}`,
    ]);
    expect(commands.review).toEqual([]);
  });

  it("says a node entry must be in the cluster's account", () => {
    const logins = loginsOf('arn:aws:iam::444455556666:role/nodes', 'system:node:ip-10-0-0-1', [
      'system:nodes',
    ]);

    expect(entryCommandsFor({ logins, coverage: 'node role' }, NAMES).notes).toEqual([
      "a node entry must be in the cluster's account; this role is not",
    ]);
  });
});

describe('entryCommandsFor, people and workloads', () => {
  it('carries the aws-auth username and custom groups over, so RoleBindings keep applying', () => {
    const logins = loginsOf(ROLE, 'ci:run-1', ['deployers']);
    const mapping = {
      block: 'mapRoles' as const,
      arn: ROLE,
      username: 'ci:{{SessionName}}',
      groups: ['deployers', 'readers'],
    };

    const { commands, notes } = entryCommandsFor({ logins, coverage: 'aws-auth only', mapping }, NAMES);

    expect(commands).toEqual([
      `aws eks create-access-entry ${BASE} --principal-arn ${LOOKUP} --kubernetes-groups deployers readers --username 'ci:{{SessionName}}'`,
    ]);
    expect(notes).toEqual([]);
  });

  it('turns system:masters into the cluster-admin access policy, flagged for review', () => {
    const logins = loginsOf(ROLE, 'admin', ['system:masters']);

    const { commands, review } = entryCommandsFor({ logins, coverage: 'aws-auth only' }, NAMES);

    expect(commands).toEqual([
      `aws eks create-access-entry ${BASE} --principal-arn ${LOOKUP} --username admin`,
      `aws eks associate-access-policy ${BASE} --principal-arn ${LOOKUP} --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy --access-scope type=cluster`,
    ]);
    expect(review).toEqual([
      expect.stringMatching(/^was in system:masters, so it gets AmazonEKSClusterAdminPolicy/),
    ]);
  });

  it('uses the role ARN IAM returned, path included, when it was looked up', () => {
    const logins = loginsOf(ROLE, 'ci', ['deployers']);

    const { commands } = entryCommandsFor(
      { logins, coverage: 'aws-auth only', resolvedArn: `arn:aws:iam::${ACCOUNT}:role/pipelines/ci` },
      NAMES,
    );

    expect(commands[0]).toContain(
      `--principal-arn arn:aws:iam::${ACCOUNT}:role/pipelines/ci --kubernetes-groups`,
    );
  });

  it("gives a user's entry its logged ARN: a user ARN keeps its path", () => {
    const logins = loginsOf(`arn:aws:iam::${ACCOUNT}:user/ops/ops-bot`, 'ops-bot', ['operators']);

    expect(entryCommandsFor({ logins, coverage: 'aws-auth only' }, NAMES).commands).toEqual([
      `aws eks create-access-entry ${BASE} --principal-arn arn:aws:iam::${ACCOUNT}:user/ops/ops-bot --kubernetes-groups operators --username ops-bot`,
    ]);
  });

  it('gives the creator cluster admin under its default username', () => {
    const logins = loginsOf(ROLE, 'kubernetes-admin', ['system:masters']);

    const { commands } = entryCommandsFor({ logins, coverage: 'creator (implicit)' }, NAMES);

    expect(commands[0]).toBe(`aws eks create-access-entry ${BASE} --principal-arn ${LOOKUP}`);
    expect(commands[1]).toContain('AmazonEKSClusterAdminPolicy');
  });

  it.each([
    [
      ['system:authenticated'],
      'group system:authenticated is not carried over: access entries cannot hold system: groups',
    ],
    [
      ['ops;rm -rf /'],
      'group ops;rm -rf / is not carried over: its characters are not safe to put in a command',
    ],
  ])('leaves group %j out of the command and says why', (groups, note) => {
    const logins = loginsOf(ROLE, 'ci', groups);

    const result = entryCommandsFor({ logins, coverage: 'aws-auth only' }, NAMES);

    expect(result.commands[0]).toBe(
      `aws eks create-access-entry ${BASE} --principal-arn ${LOOKUP} --username ci`,
    );
    expect(result.notes[0]).toBe(note);
  });

  it.each([
    ['eks:ci', 'username eks:ci is not carried over: access-entry usernames cannot start with eks:'],
    [
      'ci$(reboot)',
      'username ci$(reboot) is not carried over: its characters are not safe to put in a command',
    ],
  ])('keeps username %s out of the command', (username, note) => {
    const logins = loginsOf(ROLE, username, ['deployers']);

    const result = entryCommandsFor({ logins, coverage: 'aws-auth only' }, NAMES);

    expect(result.commands[0]).not.toContain('--username');
    expect(result.notes).toContain(note);
  });

  it('does not guess a username that changed from session to session', () => {
    const logins = loginsOf(ROLE, 'ci:run-9', ['deployers'], { distinctUsernames: 9 });

    const result = entryCommandsFor({ logins, coverage: 'aws-auth only' }, NAMES);

    expect(result.commands[0]).not.toContain('--username');
    expect(result.notes).toEqual([
      'its username differs per session (latest: ci:run-9): pass --aws-auth to carry the template over',
    ]);
  });

  it('asks for the principal ARN when the logged one does not look like IAM wrote it', () => {
    const logins = loginsOf('arn:aws:iam::111122223333:role/ci`reboot`', 'ci', ['deployers']);

    const result = entryCommandsFor({ logins, coverage: 'aws-auth only' }, NAMES);

    expect(result.commands[0]).toContain('--principal-arn <principal-arn>');
    expect(result.notes[0]).toBe(
      'the logged ARN does not look like one IAM writes: fill in the principal ARN',
    );
  });
});
