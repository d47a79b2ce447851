import { describe, expect, it } from 'vitest';
import type { AuthenticationMode } from '../../../../lambda/engine/categories';
import { renderText } from '../../../../lambda/engine/render/text';
import { problemName, sampleAlerts } from './sample-alerts';

/** The bound for an alert e-mail of a common problem. */
const EMAIL_LINES_MAX = 25;

/**
 * Problems whose e-mail is still longer, with the mode they are longer in, and the most lines they
 * may take: a known gap, listed so that a longer e-mail, or one that got short, fails here.
 */
const OVER_BOUND: Readonly<Record<string, number>> = {
  'unknown IDENTITY_NOT_MAPPED/NOT_IN_AWS_AUTH': 27,
  'unknown IDENTITY_NOT_MAPPED/SSO_ROLE': 29,
  'unknown TOKEN_STS_HOST_REJECTED': 31,
  'unknown IDENTITY_NOT_MAPPED/FOREIGN_ACCOUNT': 34,
  'API TOKEN_STS_HOST_REJECTED': 31,
  'API IDENTITY_NOT_MAPPED/FOREIGN_ACCOUNT': 28,
  'API IDENTITY_NOT_MAPPED/ACCESS_REMOVED_RECENTLY': 34,
  'API_AND_CONFIG_MAP TOKEN_STS_HOST_REJECTED': 31,
  'API_AND_CONFIG_MAP IDENTITY_NOT_MAPPED/FOREIGN_ACCOUNT': 30,
  'CONFIG_MAP TOKEN_STS_HOST_REJECTED': 31,
  'CONFIG_MAP IDENTITY_NOT_MAPPED/FOREIGN_ACCOUNT': 30,
};

const MODES: readonly (AuthenticationMode | undefined)[] = [
  undefined,
  'API',
  'API_AND_CONFIG_MAP',
  'CONFIG_MAP',
];

describe('the alert e-mail of every problem of the sample fits a phone screen', () => {
  it(`takes at most ${EMAIL_LINES_MAX} lines, in every authentication mode, but for the listed gaps`, () => {
    // Act
    const over: Record<string, number> = {};
    for (const mode of MODES) {
      for (const n of sampleAlerts(mode)) {
        const lines = renderText(n).split('\n').length - 1;
        if (lines > EMAIL_LINES_MAX)
          over[`${mode ?? 'unknown'} ${problemName(n)}`] = Math.max(
            lines,
            over[`${mode ?? 'unknown'} ${problemName(n)}`] ?? 0,
          );
      }
    }

    // Assess
    expect(over).toEqual(OVER_BOUND);
  });

  it('shows the unknown-mode fix as "find the mode first", then one line per route with its commands', () => {
    // Prepare
    const unmapped = sampleAlerts().find((n) => n.finding?.subCause === 'NOT_IN_AWS_AUTH');

    // Act
    const lines = renderText(unmapped as NonNullable<typeof unmapped>).split('\n');

    // Assess
    expect(lines.filter((line) => /^ {2}\d+\. /.test(line))).toEqual([
      '  1. On the affected machine, check which IAM identity the AWS CLI uses and compare its Arn with the denied arn:aws:iam::111122223333:role/developer.',
      '  2. Find the mode first: `authenticationMode` is CONFIG_MAP (aws-auth only), API_AND_CONFIG_MAP (access entries and aws-auth) or API (access entries only).',
      '  3. If the mode is API or API_AND_CONFIG_MAP: an access entry with read-only access, for the ARN get-role prints (with its path, if any):',
      '  4. If the mode is CONFIG_MAP: back up aws-auth, map the principal to the read-only group `eks-viewers`, bind that group to `view`:',
      '  5. Then, on the affected machine: regenerate the kubeconfig and try again:',
    ]);
    expect(lines.filter((line) => line.includes('If the mode is'))).toHaveLength(2);
  });
});
