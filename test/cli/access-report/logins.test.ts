import { describe, expect, it } from 'vitest';
import { groupsOf, LoginTally } from '../../../cli/access-report/logins';

const grant = (time: string, username: string, role = 'ci', groups = '[deployers]') =>
  `time="${time}" level=info msg="access granted" arn="arn:aws:iam::111122223333:role/${role}" client="127.0.0.1:1" groups="${groups}" method=POST path=/authenticate uid="aws-iam-authenticator:111122223333:AROACI" username=${username}`;

describe('LoginTally', () => {
  it('gathers one principal from its grants, with what the latest login got, in any line order', () => {
    // Prepare: newest first, as a sorted Logs Insights export.
    const tally = new LoginTally();

    // Act
    tally.addLine(grant('2026-11-20T10:00:00Z', 'ci-b', 'ci', '[deployers readers]'));
    tally.addLine(grant('2026-11-19T10:00:00Z', 'ci-a'));

    // Assess
    expect(tally.principals()).toEqual([
      {
        principal: expect.objectContaining({ arn: 'arn:aws:iam::111122223333:role/ci', userId: 'AROACI' }),
        username: 'ci-b',
        groups: ['deployers', 'readers'],
        distinctUsernames: 2,
        logins: 2,
        lastSeenMs: Date.parse('2026-11-20T10:00:00Z'),
      },
    ]);
  });

  it('counts only grants: STS lines, denials and other text are not logins', () => {
    const tally = new LoginTally();

    tally.addLine(
      'time="2026-11-20T10:00:00Z" level=warning msg="access denied" arn="arn:aws:iam::111122223333:role/dev" client="127.0.0.1:2" error="identity is not mapped"',
    );
    tally.addLine('W0729 07:36:06.265507       1 client_config.go:615] not an authenticator line');

    expect(tally.principals()).toEqual([]);
    expect(tally.counts.lines).toBe(2);
  });

  it('skips grants before the window and counts them', () => {
    const tally = new LoginTally({ sinceMs: Date.parse('2026-11-20T00:00:00Z') });

    tally.addLine(grant('2026-11-19T10:00:00Z', 'ci'));
    tally.addLine(grant('2026-11-21T10:00:00Z', 'ci'));

    expect(tally.principals()[0]?.logins).toBe(1);
    expect(tally.counts.outsideWindow).toBe(1);
  });

  it('takes a Logs Insights group as that many logins, with its last time and distinct usernames', () => {
    const tally = new LoginTally();

    tally.addSummary(grant('2026-11-20T10:00:00Z', 'ci-9'), 42, Date.parse('2026-11-20T10:00:00.250Z'), 9);

    expect(tally.principals()[0]).toMatchObject({
      logins: 42,
      distinctUsernames: 9,
      lastSeenMs: Date.parse('2026-11-20T10:00:00.250Z'),
    });
  });

  it('counts grants without an ARN (scrubbed accounts) without listing them', () => {
    const tally = new LoginTally();

    tally.addLine(
      'time="2026-11-20T10:00:00Z" level=info msg="access granted" client="127.0.0.1:1" groups="[]" uid="aws-iam-authenticator:administrative:admin" username=admin',
    );

    expect(tally.principals()).toEqual([]);
    expect(tally.counts.withoutArn).toBe(1);
  });
});

describe('groupsOf', () => {
  it.each([
    ['[system:bootstrappers system:nodes]', ['system:bootstrappers', 'system:nodes']],
    ['[]', []],
    ['["system:masters","ops"]', ['system:masters', 'ops']],
    [undefined, []],
  ])('reads %j', (text, groups) => {
    expect(groupsOf(text)).toEqual(groups);
  });
});
