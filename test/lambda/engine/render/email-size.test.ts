import { describe, expect, it } from 'vitest';
import type { AuthenticationMode } from '../../../../lambda/engine/categories';
import { renderText } from '../../../../lambda/engine/render/text';
import type { Notification } from '../../../../lambda/engine/types';
import { AWS_AUTH_BREAKAGE, problemName, sampleAlerts } from './sample-alerts';

/** The bound for an alert e-mail of a common problem: a phone screen or two. */
const EMAIL_LINES_MAX = 25;

type Mode = AuthenticationMode | 'unknown';
const MODES: readonly Mode[] = ['unknown', 'API', 'API_AND_CONFIG_MAP', 'CONFIG_MAP'];
const ANY_MODE = MODES;
/** aws-auth counts in every mode but API. */
const WITH_AWS_AUTH: readonly Mode[] = ['unknown', 'API_AND_CONFIG_MAP', 'CONFIG_MAP'];

/**
 * The common problems, and the modes they are alerted in: every alerted problem of the sample log
 * (README, "Try it"; one line for each common category and sub-cause) classified in each
 * authentication mode. The mode decides some sub-causes: in API mode aws-auth is ignored, so the
 * unmapped and SSO roles are MODE_API_IGNORES_AWS_AUTH there, and the denials that the aws-auth
 * breakage explains elsewhere are the on-call role's removed access and the unmapped node role.
 */
const COMMON_PROBLEMS: Readonly<Record<string, readonly Mode[]>> = {
  AWS_AUTH_PARSE_ERROR: ANY_MODE,
  'IDENTITY_NOT_MAPPED/ACCESS_REMOVED_RECENTLY': ['API'],
  'IDENTITY_NOT_MAPPED/AWS_AUTH_BROKEN': WITH_AWS_AUTH,
  'IDENTITY_NOT_MAPPED/FOREIGN_ACCOUNT': ANY_MODE,
  'IDENTITY_NOT_MAPPED/MODE_API_IGNORES_AWS_AUTH': ['API'],
  'IDENTITY_NOT_MAPPED/NODE_ROLE_NOT_MAPPED': ['API'],
  'IDENTITY_NOT_MAPPED/NOT_IN_AWS_AUTH': WITH_AWS_AUTH,
  'IDENTITY_NOT_MAPPED/SSO_ROLE': WITH_AWS_AUTH,
  MAPPER_LOOKUP_ERROR: ANY_MODE,
  STS_EXPIRED_CREDENTIALS: ANY_MODE,
  STS_INVALID_CLIENT_TOKEN: ANY_MODE,
  STS_SIGNATURE_MISMATCH: ANY_MODE,
  STS_THROTTLED: ANY_MODE,
  TEMPLATE_SESSION_NOT_INSTANCE_ID: ANY_MODE,
  TOKEN_EXPIRED: ANY_MODE,
  TOKEN_NOT_AWS: ANY_MODE,
  TOKEN_STS_HOST_REJECTED: ANY_MODE,
};

/**
 * Beyond the common set: the sample without its aws-auth breakage alerts the on-call role's removed
 * access in every mode. Where both aws-auth and access entries may have removed it, the fix needs
 * both searches and both grants; these e-mails are longer, listed with their exact length so that a
 * longer one, or one that got short, fails here.
 */
const LONGER_BEYOND_THE_COMMON_SET: Readonly<Record<string, number>> = {
  'unknown IDENTITY_NOT_MAPPED/ACCESS_REMOVED_RECENTLY': 36,
  'API_AND_CONFIG_MAP IDENTITY_NOT_MAPPED/ACCESS_REMOVED_RECENTLY': 32,
};

function alertsIn(mode: Mode, without?: RegExp): Notification[] {
  return sampleAlerts(mode === 'unknown' ? undefined : mode, without);
}

/** Lines of the e-mail body (the text ends with a line break). */
function linesOf(n: Notification): number {
  return renderText(n).split('\n').length - 1;
}

const CASES = Object.entries(COMMON_PROBLEMS).flatMap(([problem, modes]) =>
  modes.map((mode) => ({ problem, mode })),
);

describe('the common problems', () => {
  it('are the alerted problems of the sample log, in the modes listed', () => {
    // Act
    const found: Record<string, Mode[]> = {};
    for (const mode of MODES) {
      for (const name of new Set(alertsIn(mode).map(problemName)))
        found[name] = [...(found[name] ?? []), mode];
    }

    // Assess
    expect(found).toEqual(COMMON_PROBLEMS);
  });
});

describe('the alert e-mail of a common problem fits a phone screen', () => {
  it.each(CASES)(`takes at most ${EMAIL_LINES_MAX} lines: $problem, mode $mode`, ({ problem, mode }) => {
    // Act: the sample alerts some problems twice (two principals): each e-mail counts.
    const lengths = alertsIn(mode)
      .filter((n) => problemName(n) === problem)
      .map(linesOf);

    // Assess
    expect(lengths.length).toBeGreaterThan(0);
    for (const lines of lengths) expect(lines).toBeLessThanOrEqual(EMAIL_LINES_MAX);
  });

  it.each(CASES)('keeps every command of a step it shows: $problem, mode $mode', ({ problem, mode }) => {
    for (const n of alertsIn(mode).filter((alert) => problemName(alert) === problem)) {
      // Act
      const text = renderText(n);

      // Assess: only optional steps (a look, an alternative) may be left to the fuller sinks.
      const required = (n.fix?.steps ?? []).filter((step) => !step.optional && step.command !== undefined);
      for (const step of required) {
        const first = (step.command ?? '').split('\n')[0] ?? '';
        expect(text, `${step.text}`).toContain(`$ ${first}`);
      }
    }
  });

  it(`takes at most ${EMAIL_LINES_MAX} lines beyond the common set too, but for the listed ones`, () => {
    // Act
    const longer: Record<string, number> = {};
    for (const mode of MODES) {
      for (const n of alertsIn(mode, AWS_AUTH_BREAKAGE)) {
        const lines = linesOf(n);
        const name = `${mode} ${problemName(n)}`;
        if (lines > EMAIL_LINES_MAX) longer[name] = Math.max(lines, longer[name] ?? 0);
      }
    }

    // Assess
    expect(longer).toEqual(LONGER_BEYOND_THE_COMMON_SET);
  });
});

describe('the e-mail when the authentication mode is unknown', () => {
  it('says "find the mode first", then one line per route with its commands', () => {
    // Prepare
    const unmapped = alertsIn('unknown').find((n) => n.finding?.subCause === 'NOT_IN_AWS_AUTH');

    // Act
    const lines = renderText(unmapped as Notification).split('\n');

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

  it('gives the known mode only its own route, in one line above its commands', () => {
    // Prepare
    const unmapped = alertsIn('CONFIG_MAP').find((n) => n.finding?.subCause === 'NOT_IN_AWS_AUTH');

    // Act
    const lines = renderText(unmapped as Notification).split('\n');

    // Assess
    expect(lines.filter((line) => /^ {2}\d+\. /.test(line))).toEqual([
      '  1. On the affected machine, check which IAM identity the AWS CLI uses and compare its Arn with the denied arn:aws:iam::111122223333:role/developer.',
      '  2. Back up aws-auth, map the principal to the read-only group `eks-viewers`, bind that group to `view`:',
      '  3. Then, on the affected machine: regenerate the kubeconfig and try again:',
    ]);
    expect(lines.join('\n')).not.toContain('aws eks create-access-entry');
  });
});
