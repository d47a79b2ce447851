import { type CheckStep, fail, pass, unknown } from '../check';
import { TOKEN_PREFIX } from '../eks-token';
import { shown } from '../shown';
import { REMOVED_EXEC_API_VERSION, type TokenCommand, tokenCommandOf } from '../token-command';

/** Runbook step 2: how the kubeconfig user gets its token — cluster name, region, role, profile. */
export const tokenCommandCheck: CheckStep = {
  id: 'token-command',
  title: 'token command',
  async run(facts) {
    const user = facts.kubeconfig?.user;
    if (!user) return unknown('no kubeconfig user; checking the credentials of --profile or AWS_PROFILE');
    const who = `user ${shown(user.name, 60)}`;
    if (user.token !== undefined) {
      const kind = user.token.startsWith(TOKEN_PREFIX)
        ? 'an EKS token pasted into the file, dead 15 minutes after it was made'
        : 'not an EKS token';
      return fail(`${who} has a static token instead of an exec plugin: ${kind}`, {
        staticToken: user.token,
      });
    }
    if (!user.exec) {
      const how = user.otherAuth
        ? `authenticates with ${user.otherAuth}, not IAM`
        : 'has no exec plugin and no token';
      return fail(`${who} ${how}`);
    }
    const command = tokenCommandOf(user.exec);
    if (command.kind === 'other') {
      return unknown(
        `exec command ${shown(command.command || '(none)', 60)} is neither aws eks get-token nor aws-iam-authenticator; checking the credentials of --profile or AWS_PROFILE`,
        { tokenCommand: command },
      );
    }
    if (command.apiVersion === REMOVED_EXEC_API_VERSION) {
      return fail(`exec apiVersion ${REMOVED_EXEC_API_VERSION} is refused by kubectl 1.24 and later`, {
        tokenCommand: command,
      });
    }
    if (command.clusterName === undefined) {
      return fail(`${describe(command)} names no cluster, so its token is good for none`, {
        tokenCommand: command,
      });
    }
    return pass(describe(command), { tokenCommand: command });
  },
};

function describe(command: TokenCommand): string {
  const program = command.kind === 'aws-cli' ? 'aws eks get-token' : 'aws-iam-authenticator token';
  const cluster = command.clusterName ? ` for cluster ${shown(command.clusterName, 100)}` : '';
  const region = command.region ? ` in ${shown(command.region, 30)}` : '';
  const role = command.roleArn ? `, as role ${shown(command.roleArn, 200)}` : '';
  const source = command.profileSource === 'args' ? '--profile' : 'AWS_PROFILE in exec env';
  const profile = command.profile ? `, profile ${shown(command.profile, 60)} (${source})` : '';
  return `${program}${cluster}${region}${role}${profile}`;
}
