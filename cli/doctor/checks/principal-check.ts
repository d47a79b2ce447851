import { parseArn } from '../../../lambda/engine/parse/arn';
import { awsProblemOf } from '../aws-errors';
import { type CheckStep, fail, pass, unknown } from '../check';
import { shown } from '../shown';

const SSO_ROLE_PREFIX = 'AWSReservedSSO_';

/**
 * Runbook step 5: the ARN the authenticator will match — an assumed role becomes its role ARN
 * without path or session — and the full ARN an access entry needs (`iam:GetRole`, for the path).
 */
export const principalCheck: CheckStep = {
  id: 'principal',
  title: 'authenticator sees',
  async run(facts) {
    const identity = facts.signerIdentity;
    if (!identity) return unknown('not known without a caller identity');
    const parsed = parseArn(identity.arn);
    if (!parsed) return unknown(`cannot read the ARN ${shown(identity.arn, 200)}`);
    if (parsed.type === 'federated-user') {
      return fail(`${shown(parsed.canonical, 200)} is a federated-user session, which no mapping can name`);
    }
    if (parsed.type === 'root') {
      return unknown(`${parsed.canonical}: the account root user; map an IAM role or user instead`);
    }
    const arn = parsed.canonical;
    if (parsed.type !== 'role') {
      return pass(`${arn} (IAM user)`, { principal: { parsed, arn, fullArn: arn, sso: false } });
    }
    const sso = (parsed.name ?? '').startsWith(SSO_ROLE_PREFIX);
    let fullArn: string | undefined;
    let note = '';
    try {
      fullArn = facts.aws ? await facts.aws.roleArn(parsed.name ?? '') : undefined;
    } catch (error) {
      const problem = awsProblemOf(error);
      note = problem.kind === 'access-denied' ? ' (its path is not known: iam:GetRole was refused)' : '';
    }
    const path = fullArn === undefined ? undefined : parseArn(fullArn)?.path;
    const principal = { principal: { parsed, arn, fullArn, sso } };
    if (sso) {
      return pass(
        `${arn} (IAM Identity Center role: aws-auth names it without its /aws-reserved/sso.amazonaws.com/ path, an access entry with it)${note}`,
        principal,
      );
    }
    if (path && path !== '/') {
      return pass(
        `${arn} (role path ${shown(path, 80)}: aws-auth must leave it out, an access entry keeps it)`,
        principal,
      );
    }
    return pass(`${arn} (IAM role${note})`, principal);
  },
};
