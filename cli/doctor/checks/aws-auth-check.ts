import { readFile } from 'node:fs/promises';
import { parseArn } from '../../../lambda/engine/parse/arn';
import { awsAuthArns } from '../../aws-auth-file';
import { type CheckStep, fail, pass, unknown } from '../check';
import type { AuthenticatedPrincipal, AwsAuthFacts } from '../facts';
import { shown } from '../shown';

/**
 * Runbook step 11 (CONFIG_MAP modes): whether aws-auth maps the principal, by the ARN the
 * authenticator matches. aws-auth cannot be read without cluster access — the very thing missing —
 * so it is checked in a copy saved by someone who has access (`--aws-auth FILE`).
 */
export const awsAuthCheck: CheckStep = {
  id: 'aws-auth',
  title: 'aws-auth',
  async run(facts) {
    const { cluster, principal, accessEntry, options } = facts;
    const mode = cluster?.authenticationMode ?? 'CONFIG_MAP';
    if (cluster && mode === 'API')
      return pass('not used: the cluster is in API mode', { awsAuth: { state: 'not used' } });
    if (accessEntry?.state === 'found') {
      return pass('not needed: the access entry decides (entries win over aws-auth)', {
        awsAuth: { state: 'not used' },
      });
    }
    if (!principal) return unknown('not checked without the identity');
    const file = options.awsAuthFile;
    if (!file) {
      return unknown(
        'cannot be read without cluster access; have someone with access run `kubectl get configmap aws-auth -n kube-system -o yaml > aws-auth.yaml`, then pass --aws-auth aws-auth.yaml',
        { awsAuth: { state: 'unknown' } },
      );
    }
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      return unknown(`cannot read ${shown(file, 120)}: ${shown((error as Error).message, 120)}`, {
        awsAuth: { state: 'unknown' },
      });
    }
    const arns = awsAuthArns(text);
    if (arns.length === 0) {
      return unknown(`${shown(file, 120)} maps no rolearn or userarn (is it the aws-auth ConfigMap?)`, {
        awsAuth: { state: 'unknown' },
      });
    }
    const found = mappingOf(principal, arns);
    const listed = found.listed ? shown(found.listed, 200) : '';
    switch (found.state) {
      case 'mapped':
        return pass(`maps ${principal.arn}`, { awsAuth: found });
      case 'path':
        return fail(`lists the role with its path (${listed}); the authenticator matches ${principal.arn}`, {
          awsAuth: found,
        });
      case 'assumed-role':
        return fail(`lists the session ARN ${listed}; the authenticator matches ${principal.arn}`, {
          awsAuth: found,
        });
      default:
        return fail(`no rolearn or userarn for ${principal.arn} among its ${arns.length} entries`, {
          awsAuth: found,
        });
    }
  },
};

/** How aws-auth names the principal: exactly, with a path, as an assumed-role ARN, or not at all. */
export function mappingOf(principal: AuthenticatedPrincipal, arns: readonly string[]): AwsAuthFacts {
  const wanted = principal.arn.toLowerCase();
  if (arns.some((arn) => arn.toLowerCase() === wanted)) return { state: 'mapped', arns };
  const { parsed } = principal;
  for (const arn of arns) {
    const entry = parseArn(arn);
    if (!entry || entry.accountId !== parsed.accountId || entry.type !== parsed.type) continue;
    if (entry.name?.toLowerCase() !== parsed.name?.toLowerCase()) continue;
    if (entry.service === 'sts') return { state: 'assumed-role', arns, listed: arn };
    if (entry.path !== '/') return { state: 'path', arns, listed: arn };
  }
  return { state: 'not mapped', arns };
}
