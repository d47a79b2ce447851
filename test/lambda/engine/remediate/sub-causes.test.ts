import { describe, expect, it } from 'vitest';
import { remediate } from '../../../../lambda/engine/remediate';
import {
  aCluster,
  allText,
  aRole,
  aUser,
  CLUSTER_ACCOUNT,
  commandsOf,
  commandText,
  inMode,
  notMapped,
  OTHER_ACCOUNT,
} from './fixtures';

const DEV_ROLE = `arn:aws:iam::${CLUSTER_ACCOUNT}:role/dev-team`;

describe('NOT_IN_AWS_AUTH: a principal missing from aws-auth', () => {
  it('maps a role with eksctl and the exact mapRoles snippet in CONFIG_MAP mode', () => {
    // Act
    const fix = remediate(notMapped('NOT_IN_AWS_AUTH'), inMode('CONFIG_MAP'));

    // Assess
    expect(commandsOf(fix)).toContain(
      `eksctl create iamidentitymapping --cluster prod-eu --region eu-west-1 --arn ${DEV_ROLE} --username dev-team --group eks-viewers --no-duplicate-arns`,
    );
    expect(commandsOf(fix)).toContain(
      [
        'mapRoles: |',
        `  - rolearn: ${DEV_ROLE}`,
        '    username: dev-team',
        '    groups:',
        '      - eks-viewers',
      ].join('\n'),
    );
    expect(commandText(fix)).not.toContain('create-access-entry');
  });

  it('maps a user under mapUsers with userarn', () => {
    // Act
    const fix = remediate(notMapped('NOT_IN_AWS_AUTH', aUser('alice')), inMode('CONFIG_MAP'));

    // Assess
    expect(commandText(fix)).toContain(
      `mapUsers: |\n  - userarn: arn:aws:iam::${CLUSTER_ACCOUNT}:user/alice`,
    );
    expect(commandText(fix)).not.toContain('mapRoles');
  });

  it('starts with the runbook identity check', () => {
    // Act
    const fix = remediate(notMapped('NOT_IN_AWS_AUTH'), inMode('CONFIG_MAP'));

    // Assess
    expect(commandsOf(fix).slice(0, 2)).toEqual([
      'aws sts get-caller-identity',
      'aws sts get-caller-identity --profile <profile>',
    ]);
    expect(fix.steps[0]?.text).toContain(DEV_ROLE);
  });

  it('names the cluster creator as the identity to switch to when it is known', () => {
    // Prepare
    const creator = `arn:aws:iam::${CLUSTER_ACCOUNT}:role/platform-admin`;

    // Act
    const fix = remediate(notMapped('NOT_IN_AWS_AUTH'), inMode('CONFIG_MAP', { creatorArn: creator }));

    // Assess
    expect(fix.steps[0]?.text).toContain(creator);
  });

  it('creates an access entry and associates a cluster-scoped policy in API mode', () => {
    // Act
    const fix = remediate(notMapped('NOT_IN_AWS_AUTH'), inMode('API'));

    // Assess
    expect(commandsOf(fix)).toContain(
      `aws eks create-access-entry --cluster-name prod-eu --region eu-west-1 --principal-arn ${DEV_ROLE}`,
    );
    expect(commandsOf(fix)).toContain(
      `aws eks associate-access-policy --cluster-name prod-eu --region eu-west-1 --principal-arn ${DEV_ROLE} --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy --access-scope type=cluster`,
    );
    expect(commandText(fix)).not.toContain('eksctl');
  });

  it('prefers access entries but says aws-auth still works in API_AND_CONFIG_MAP mode', () => {
    // Act
    const fix = remediate(notMapped('NOT_IN_AWS_AUTH'), inMode('API_AND_CONFIG_MAP'));
    const commands = commandsOf(fix);

    // Assess
    const accessEntry = commands.findIndex((command) => command.startsWith('aws eks create-access-entry'));
    const awsAuth = commands.findIndex((command) => command.startsWith('eksctl create iamidentitymapping'));
    expect(accessEntry).toBeGreaterThanOrEqual(0);
    expect(awsAuth).toBeGreaterThan(accessEntry);
    expect(fix.steps[awsAuth]?.text).toMatch(/aws-auth still works/);
  });

  it('looks up the role ARN with its path before creating an access entry', () => {
    // Act
    const fix = remediate(notMapped('NOT_IN_AWS_AUTH'), inMode('API'));
    const commands = commandsOf(fix);

    // Assess
    const lookup = commands.indexOf('aws iam get-role --role-name dev-team --query Role.Arn --output text');
    const create = commands.findIndex((command) => command.startsWith('aws eks create-access-entry'));
    expect(lookup).toBeGreaterThanOrEqual(0);
    expect(lookup).toBeLessThan(create);
  });

  it('checks the mode first and covers both aws-auth and access entries when the mode is unknown', () => {
    // Act
    const fix = remediate(notMapped('NOT_IN_AWS_AUTH'), inMode(undefined));

    // Assess
    expect(commandText(fix)).toContain(
      'aws eks describe-cluster --name prod-eu --region eu-west-1 --query cluster.accessConfig',
    );
    expect(commandText(fix)).toContain('aws eks create-access-entry');
    expect(commandText(fix)).toContain('eksctl create iamidentitymapping');
    expect(commandText(fix)).toContain('mapRoles: |');
  });

  it('ends with the runbook verification: regenerate the kubeconfig, then kubectl get svc', () => {
    // Act
    const fix = remediate(notMapped('NOT_IN_AWS_AUTH'), inMode('API'));

    // Assess
    expect(commandsOf(fix).slice(-2)).toEqual([
      'aws eks update-kubeconfig --name prod-eu --region eu-west-1',
      'kubectl get svc',
    ]);
  });
});

describe('NODE_ROLE_NOT_MAPPED: a node role without a mapping', () => {
  const node = aRole('eks-node-role', { session: 'i-0123456789abcdef0' });
  const NODE_ROLE = `arn:aws:iam::${CLUSTER_ACCOUNT}:role/eks-node-role`;

  it('creates an EC2_LINUX access entry, never STANDARD, and no policy association in API mode', () => {
    // Act
    const fix = remediate(notMapped('NODE_ROLE_NOT_MAPPED', node), inMode('API'));

    // Assess
    expect(commandsOf(fix)).toContain(
      `aws eks create-access-entry --cluster-name prod-eu --region eu-west-1 --principal-arn ${NODE_ROLE} --type EC2_LINUX`,
    );
    expect(commandText(fix)).not.toContain('--type STANDARD');
    expect(commandText(fix)).not.toContain('associate-access-policy');
    expect(allText(fix)).toContain('EC2_WINDOWS');
  });

  it('maps the role with the node username and groups in CONFIG_MAP mode', () => {
    // Act
    const fix = remediate(notMapped('NODE_ROLE_NOT_MAPPED', node), inMode('CONFIG_MAP'));

    // Assess
    expect(commandsOf(fix)).toContain(
      `eksctl create iamidentitymapping --cluster prod-eu --region eu-west-1 --arn ${NODE_ROLE} --username 'system:node:{{EC2PrivateDNSName}}' --group system:bootstrappers --group system:nodes --no-duplicate-arns`,
    );
    expect(commandsOf(fix)).toContain(
      [
        'mapRoles: |',
        `  - rolearn: ${NODE_ROLE}`,
        '    username: system:node:{{EC2PrivateDNSName}}',
        '    groups:',
        '      - system:bootstrappers',
        '      - system:nodes',
      ].join('\n'),
    );
    expect(commandText(fix)).not.toContain('create-access-entry');
  });

  it('checks that the nodes register', () => {
    // Act
    const fix = remediate(notMapped('NODE_ROLE_NOT_MAPPED', node), inMode('API'));

    // Assess
    expect(commandsOf(fix).at(-1)).toBe('kubectl get nodes');
  });
});

describe('ROLE_PATH_IN_AWS_AUTH and SSO_ROLE: aws-auth wants role ARNs without a path', () => {
  it('tells the operator to replace the path-ful rolearn with the path-less one it quotes from aws-auth', () => {
    // Prepare
    const pathful = `arn:aws:iam::${CLUSTER_ACCOUNT}:role/teams/platform/dev-team`;

    // Act
    const fix = remediate(
      notMapped('ROLE_PATH_IN_AWS_AUTH'),
      inMode('CONFIG_MAP', { awsAuthArns: [pathful] }),
    );

    // Assess
    expect(fix.summary).toContain(pathful);
    expect(allText(fix)).toContain(`change that \`rolearn\` to ${DEV_ROLE} (no path)`);
    expect(commandText(fix)).toContain(`  - rolearn: ${DEV_ROLE}\n`);
  });

  it('uses the path-ful ARN from aws-auth for the access-entry alternative', () => {
    // Prepare
    const pathful = `arn:aws:iam::${CLUSTER_ACCOUNT}:role/teams/platform/dev-team`;

    // Act
    const fix = remediate(
      notMapped('ROLE_PATH_IN_AWS_AUTH'),
      inMode('API_AND_CONFIG_MAP', { awsAuthArns: [pathful] }),
    );

    // Assess
    expect(commandsOf(fix)).toContain(
      `aws eks create-access-entry --cluster-name prod-eu --region eu-west-1 --principal-arn ${pathful}`,
    );
  });

  it('maps an IAM Identity Center role without its path in aws-auth', () => {
    // Prepare
    const sso = aRole('AWSReservedSSO_AdministratorAccess_0123456789abcdef');

    // Act
    const fix = remediate(notMapped('SSO_ROLE', sso), inMode('CONFIG_MAP'));

    // Assess
    expect(commandText(fix)).toContain(`--arn ${sso.arn} `);
    expect(allText(fix)).toContain('/aws-reserved/sso.amazonaws.com/<region>/');
  });

  it('asks for the full path-ful ARN of an IAM Identity Center role in an access entry', () => {
    // Prepare
    const sso = aRole('AWSReservedSSO_AdministratorAccess_0123456789abcdef');

    // Act
    const fix = remediate(notMapped('SSO_ROLE', sso), inMode('API_AND_CONFIG_MAP'));

    // Assess
    expect(commandsOf(fix)).toContain(
      'aws iam get-role --role-name AWSReservedSSO_AdministratorAccess_0123456789abcdef --query Role.Arn --output text',
    );
    expect(commandText(fix)).toContain(
      'create-access-entry --cluster-name prod-eu --region eu-west-1 --principal-arn <role-arn-with-path>',
    );
    expect(commandText(fix)).not.toContain(`--principal-arn ${sso.arn}`);
  });
});

describe('ASSUMED_ROLE_ARN_IN_AWS_AUTH: aws-auth holds a session ARN', () => {
  it('replaces the assumed-role ARN listed in aws-auth with the IAM role ARN', () => {
    // Prepare
    const sessionArn = `arn:aws:sts::${CLUSTER_ACCOUNT}:assumed-role/dev-team/alice`;

    // Act
    const fix = remediate(
      notMapped('ASSUMED_ROLE_ARN_IN_AWS_AUTH'),
      inMode('CONFIG_MAP', { awsAuthArns: [sessionArn] }),
    );

    // Assess
    expect(fix.summary).toContain(sessionArn);
    expect(fix.summary).toContain(DEV_ROLE);
    expect(commandsOf(fix)).toContain(
      `eksctl delete iamidentitymapping --cluster prod-eu --region eu-west-1 --arn ${sessionArn}`,
    );
    expect(commandText(fix)).toContain(`  - rolearn: ${DEV_ROLE}\n`);
  });

  it('describes the wrong entry generically when aws-auth was not supplied', () => {
    // Act
    const fix = remediate(notMapped('ASSUMED_ROLE_ARN_IN_AWS_AUTH'), inMode('CONFIG_MAP'));

    // Assess
    expect(fix.summary).toContain(`arn:aws:sts::${CLUSTER_ACCOUNT}:assumed-role/dev-team/<session>`);
    expect(commandText(fix)).not.toContain('eksctl delete iamidentitymapping');
  });
});

describe('AWS_AUTH_BROKEN: aws-auth failed to parse and dropped its mappings', () => {
  it('shows the YAML, says to quote {{SessionName}}, and checks that mappings and nodes are back', () => {
    // Act
    const fix = remediate(notMapped('AWS_AUTH_BROKEN'), inMode('CONFIG_MAP'));

    // Assess
    expect(commandsOf(fix)).toContain('kubectl get configmap aws-auth -n kube-system -o yaml');
    expect(commandsOf(fix)).toContain('kubectl edit configmap aws-auth -n kube-system');
    expect(allText(fix)).toContain('"{{SessionName}}"');
    expect(commandsOf(fix)).toContain('eksctl get iamidentitymapping --cluster prod-eu --region eu-west-1');
    expect(commandsOf(fix)).toContain('kubectl get nodes');
  });

  it('offers the cluster creator, by name when known, as the way back in', () => {
    // Prepare
    const creator = `arn:aws:iam::${CLUSTER_ACCOUNT}:user/founder`;

    // Act
    const fix = remediate(notMapped('AWS_AUTH_BROKEN'), inMode('CONFIG_MAP', { creatorArn: creator }));

    // Assess
    expect(allText(fix)).toContain(`the cluster creator (${creator})`);
  });

  it('offers an admin access entry as the way back in when the cluster allows access entries', () => {
    // Act
    const fix = remediate(notMapped('AWS_AUTH_BROKEN'), inMode('API_AND_CONFIG_MAP'));

    // Assess
    expect(commandText(fix)).toContain(
      '--principal-arn <admin-principal-arn> --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
    );
  });
});

describe('MODE_API_IGNORES_AWS_AUTH: aws-auth is ignored in API mode', () => {
  it('creates an access entry and never edits aws-auth', () => {
    // Act
    const fix = remediate(notMapped('MODE_API_IGNORES_AWS_AUTH'), inMode('API'));

    // Assess
    expect(commandText(fix)).toContain(
      `aws eks create-access-entry --cluster-name prod-eu --region eu-west-1 --principal-arn ${DEV_ROLE}`,
    );
    expect(commandText(fix)).not.toContain('kubectl edit configmap aws-auth');
    expect(fix.summary).toContain('API');
  });
});

describe('ACCESS_ENTRY_STALE_PRINCIPAL: the principal was deleted and recreated', () => {
  it('lists the old policies, then deletes, recreates and re-associates the entry in that order', () => {
    // Act
    const fix = remediate(notMapped('ACCESS_ENTRY_STALE_PRINCIPAL'), inMode('API'));
    const commands = commandsOf(fix);
    const position = (start: string) => commands.findIndex((command) => command.startsWith(start));

    // Assess
    const list = position('aws eks list-associated-access-policies');
    const remove = position('aws eks delete-access-entry');
    const create = position('aws eks create-access-entry');
    const associate = position('aws eks associate-access-policy');
    expect(list).toBeGreaterThanOrEqual(0);
    expect([list, remove, create, associate]).toEqual(
      [...[list, remove, create, associate]].sort((a, b) => a - b),
    );
    expect(commands[remove]).toBe(
      `aws eks delete-access-entry --cluster-name prod-eu --region eu-west-1 --principal-arn ${DEV_ROLE}`,
    );
  });
});

describe('FOREIGN_ACCOUNT: a principal from another AWS account', () => {
  it('calls it an external account, grants only conditionally, and offers to restrict the endpoint', () => {
    // Prepare
    const stranger = aRole('admin', { account: OTHER_ACCOUNT });

    // Act
    const fix = remediate(notMapped('FOREIGN_ACCOUNT', stranger), inMode('API'));

    // Assess
    expect(fix.summary).toContain(`external account ${OTHER_ACCOUNT}`);
    const grant = fix.steps.find((step) => step.command?.startsWith('aws eks create-access-entry'));
    expect(grant?.text).toMatch(/^Only if this access is intended/);
    expect(commandText(fix)).toContain(
      'aws eks update-cluster-config --name prod-eu --region eu-west-1 --resources-vpc-config endpointPublicAccess=true,publicAccessCidrs=',
    );
  });

  it.each(['API', 'API_AND_CONFIG_MAP', undefined] as const)(
    'never asks get-role for a role of another account (mode %s): IAM answers only for its own',
    (mode) => {
      // Prepare
      const stranger = aRole('ci-deployer', { account: OTHER_ACCOUNT });

      // Act
      const fix = remediate(notMapped('FOREIGN_ACCOUNT', stranger), inMode(mode));

      // Assess
      expect(commandText(fix)).not.toContain('aws iam get-role');
      expect(commandText(fix)).toContain(
        `aws eks create-access-entry --cluster-name prod-eu --region eu-west-1 --principal-arn arn:aws:iam::${OTHER_ACCOUNT}:role/ci-deployer`,
      );
      expect(allText(fix)).toMatch(/ask its owner/);
    },
  );

  it('checks the identity the affected machine uses in the same step that asks who owns the account', () => {
    // Act
    const fix = remediate(
      notMapped('FOREIGN_ACCOUNT', aRole('ci-deployer', { account: OTHER_ACCOUNT })),
      inMode('API'),
    );

    // Assess
    expect(fix.steps[0]?.text).toMatch(new RegExp(`^Find out who owns account ${OTHER_ACCOUNT}`));
    expect(fix.steps[0]?.command).toBe('aws sts get-caller-identity');
  });
});

describe('CREATOR_LOST: the implicitly mapped creator is denied', () => {
  it('checks the creator exists, says to recreate it with the same ARN, and offers to switch to access entries', () => {
    // Act
    const fix = remediate(notMapped('CREATOR_LOST'), inMode('CONFIG_MAP', { creatorArn: DEV_ROLE }));

    // Assess
    expect(commandsOf(fix)[0]).toBe('aws iam get-role --role-name dev-team --query Role.Arn --output text');
    expect(allText(fix)).toMatch(/same name and path/);
    expect(allText(fix)).toMatch(/AWS Support/);
    expect(commandsOf(fix)).toContain(
      'aws eks update-cluster-config --name prod-eu --region eu-west-1 --access-config authenticationMode=API_AND_CONFIG_MAP',
    );
    expect(commandText(fix)).toContain(
      'aws eks create-access-entry --cluster-name prod-eu --region eu-west-1',
    );
  });

  it('checks a creator user with get-user', () => {
    // Act
    const fix = remediate(notMapped('CREATOR_LOST', aUser('founder')), inMode('CONFIG_MAP'));

    // Assess
    expect(commandsOf(fix)[0]).toBe('aws iam get-user --user-name founder');
  });

  it('recreates the creator’s access entry instead of switching modes when access entries are on', () => {
    // Act
    const fix = remediate(notMapped('CREATOR_LOST'), inMode('API'));

    // Assess
    expect(commandText(fix)).toContain('aws eks delete-access-entry');
    expect(commandText(fix)).not.toContain('authenticationMode=API_AND_CONFIG_MAP');
  });
});

describe('ACCESS_REMOVED_RECENTLY: a principal that had access lost it', () => {
  it('says when it last had access and finds the change in the audit log and CloudTrail', () => {
    // Act
    const fix = remediate(notMapped('ACCESS_REMOVED_RECENTLY'), {
      cluster: aCluster({ authenticationMode: 'API_AND_CONFIG_MAP' }),
      principal: { lastGrantedAt: '2024-05-01T09:12:00Z' },
    });

    // Assess
    expect(fix.summary).toContain('2024-05-01T09:12:00Z');
    expect(commandText(fix)).toContain('objectRef.name = "aws-auth"');
    expect(commandText(fix)).toContain(
      'aws cloudtrail lookup-events --region eu-west-1 --lookup-attributes AttributeKey=EventName,AttributeValue=DeleteAccessEntry',
    );
    expect(allText(fix)).toMatch(/cluster creator/);
  });

  it.each([
    ['API', ['DeleteAccessEntry'], ['objectRef.name = "aws-auth"']],
    ['CONFIG_MAP', ['objectRef.name = "aws-auth"'], ['DeleteAccessEntry']],
    ['API_AND_CONFIG_MAP', ['objectRef.name = "aws-auth"', 'DeleteAccessEntry'], []],
    [undefined, ['objectRef.name = "aws-auth"', 'DeleteAccessEntry'], []],
  ] as const)(
    'in mode %s, searches only where that mode can have removed it',
    (mode, searched, notSearched) => {
      // Act
      const fix = remediate(notMapped('ACCESS_REMOVED_RECENTLY'), {
        ...inMode(mode),
        principal: { lastGrantedAt: '2024-05-01T09:12:00Z' },
      });

      // Assess
      for (const search of searched) expect(commandText(fix)).toContain(search);
      for (const search of notSearched) expect(commandText(fix)).not.toContain(search);
      expect(fix.steps.some((step) => /^Confirm with whoever made the change/.test(step.text))).toBe(true);
    },
  );

  it('does not quote a last-grant time that is not an ISO time', () => {
    // Act
    const fix = remediate(notMapped('ACCESS_REMOVED_RECENTLY'), {
      cluster: aCluster({ authenticationMode: 'CONFIG_MAP' }),
      principal: { lastGrantedAt: 'yesterday <!channel>' },
    });

    // Assess
    expect(allText(fix)).not.toContain('<!channel>');
  });
});
