import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderSlack, SLACK_LIMITS } from '../../../../lambda/engine/render/slack';
import type { Notification } from '../../../../lambda/engine/types';
import { ALERT, DIGEST, FOLLOWUP, fixWithSteps, SELFTEST } from './fixtures';
import { codeBlocks, contextTexts, headerText, mrkdwnObjects, sectionTexts } from './payload';

describe('renderSlack: an alert carries the fix', () => {
  it('puts the fix title in a plain-text header with the severity emoji', () => {
    // Prepare
    const n = ALERT;

    // Act
    const message = renderSlack(n);

    // Assess
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '🔴 Role dev-team has no access to cluster prod-eu' },
    });
  });

  it('states the cause and what the authenticator said', () => {
    // Prepare
    const n = ALERT;

    // Act
    const sections = sectionTexts(renderSlack(n).blocks);

    // Assess
    expect(sections).toContain(
      '*Cause:* The role passed STS but is in neither aws-auth nor an access entry.',
    );
    expect(sections).toContain('*Authenticator said:*\n```\nARN is not mapped\n```');
  });

  it('numbers the steps and puts each command in its own code block', () => {
    // Prepare
    const n = ALERT;

    // Act
    const steps = sectionTexts(renderSlack(n).blocks).filter((t) => t.startsWith('*Step '));

    // Assess
    expect(steps).toHaveLength(3);
    expect(steps[0]).toBe(
      '*Step 1.* Create an access entry for the role.\n```\naws eks create-access-entry --cluster-name prod-eu --region eu-west-1 --principal-arn arn:aws:iam::111122223333:role/dev-team\n```',
    );
    expect(codeBlocks(steps[1] ?? '')?.[0]).toContain('\\\n  --policy-arn');
    expect(steps[2]).toBe('*Step 3.* Ask the user to run kubectl again.');
  });

  it('shows the warnings', () => {
    // Prepare
    const n = ALERT;

    // Act
    const sections = sectionTexts(renderSlack(n).blocks);

    // Assess
    expect(sections).toContain(
      ':warning: AmazonEKSClusterAdminPolicy is full admin: prefer a narrower policy.',
    );
  });

  it('ends with a context block of cluster, region, account, principal, category, count and time', () => {
    // Prepare
    const n = ALERT;

    // Act
    const message = renderSlack(n);

    // Assess
    expect(message.blocks.at(-1)?.type).toBe('context');
    expect(contextTexts(message.blocks)).toEqual([
      '*Cluster:* prod-eu',
      '*Region:* eu-west-1',
      '*Account:* 111122223333',
      '*Principal:* `arn:aws:iam::111122223333:role/dev-team`',
      '*Session:* `alice@example.com`',
      '*Access key:* `ASIAEXAMPLE123`',
      '*Category:* `IDENTITY_NOT_MAPPED / NOT_IN_AWS_AUTH`',
      '*Severity:* high',
      '*Occurrences:* 1',
      '*Seen:* 2026-11-24 14:02 UTC',
    ]);
  });

  it('labels a principal from another AWS account as external', () => {
    // Prepare
    const principal = {
      ...ALERT.finding?.principal,
      arn: 'arn:aws:iam::999988887777:role/x',
      accountId: '999988887777',
    };
    const n: Notification = {
      ...ALERT,
      finding: {
        ...(ALERT.finding as NonNullable<Notification['finding']>),
        principal: { ...principal, type: 'role' },
      },
    };

    // Act
    const facts = contextTexts(renderSlack(n).blocks);

    // Assess
    expect(facts).toContain('*Principal (external account):* `arn:aws:iam::999988887777:role/x`');
  });

  it('falls back to the category when there is no fix', () => {
    // Prepare
    const n: Notification = { ...ALERT, fix: undefined };

    // Act
    const message = renderSlack(n);

    // Assess
    expect(headerText(message.blocks)).toBe('🔴 Access denied: IDENTITY_NOT_MAPPED');
    expect(sectionTexts(message.blocks).some((t) => t.startsWith('*Step'))).toBe(false);
  });

  it('gives a short plain fallback text', () => {
    // Prepare
    const n = ALERT;

    // Act
    const message = renderSlack(n);

    // Assess
    expect(message.text).toBe(
      '🔴 Role dev-team has no access to cluster prod-eu: The role passed STS but is in neither aws-auth nor an access entry.',
    );
  });
});

describe('renderSlack: the other kinds', () => {
  it('renders a follow-up as ×count since the first time, with the steps and their commands repeated', () => {
    // Prepare
    const n = FOLLOWUP;

    // Act
    const message = renderSlack(n);
    const sections = sectionTexts(message.blocks);

    // Assess
    expect(headerText(message.blocks)).toBe(
      '🔁 ×412 since 2026-11-24 14:02 UTC: Role dev-team has no access to cluster prod-eu',
    );
    expect(sections[0]).toBe(
      'The same problem happened 412 more times since 2026-11-24 14:02 UTC, last at 2026-11-24 15:10 UTC. The fix is repeated below.',
    );
    expect(sections).toContain(
      '*Step 1.* Create an access entry for the role.\n```\naws eks create-access-entry --cluster-name prod-eu --region eu-west-1 --principal-arn arn:aws:iam::111122223333:role/dev-team\n```',
    );
    expect(sections).toContain('*Step 3.* Ask the user to run kubectl again.');
  });

  it('does not promise a fix in a follow-up that has none', () => {
    // Prepare
    const n: Notification = { ...FOLLOWUP, fix: undefined };

    // Act
    const [lead] = sectionTexts(renderSlack(n).blocks);

    // Assess
    expect(lead).toBe(
      'The same problem happened 412 more times since 2026-11-24 14:02 UTC, last at 2026-11-24 15:10 UTC.',
    );
  });

  it('renders a digest with totals, distinct principals and top categories', () => {
    // Prepare
    const n = DIGEST;

    // Act
    const message = renderSlack(n);

    // Assess
    expect(headerText(message.blocks)).toBe('📋 412 more denials on cluster prod-eu');
    expect(sectionTexts(message.blocks)).toEqual([
      '412 more denials from 397 principals; top categories: TOKEN_STS_HOST_REJECTED ×300, TOKEN_NOT_AWS ×100, IDENTITY_NOT_MAPPED ×12.',
    ]);
    expect(contextTexts(message.blocks)).toContain(
      'Per-cluster alert cap reached: distinct problems are summarised until 14:15 UTC.\nThe authenticator logs no client addresses (it sees every client as 127.0.0.1); the kube-apiserver audit log has their source IPs.',
    );
    expect(contextTexts(message.blocks)).toContain('*Seen:* 2026-11-24 14:00 UTC to 2026-11-24 14:15 UTC');
  });

  it('lists at most five top categories in a digest and counts the rest', () => {
    // Prepare
    const topCategories = (
      ['TOKEN_NOT_AWS', 'TOKEN_EXPIRED', 'TOKEN_BAD_DATE', 'STS_THROTTLED', 'UNKNOWN', 'STS_OTHER'] as const
    ).map((category, i) => ({ category, count: 10 - i }));
    const n: Notification = { ...DIGEST, topCategories };

    // Act
    const [lead] = sectionTexts(renderSlack(n).blocks);

    // Assess
    expect(lead).toBe(
      '412 more denials from 397 principals; top categories: TOKEN_NOT_AWS ×10, TOKEN_EXPIRED ×9, TOKEN_BAD_DATE ×8, STS_THROTTLED ×7, UNKNOWN ×6, and 1 more.',
    );
  });

  it('names the top principals of a digest as code, so that no mrkdwn or mention in an ARN takes effect', () => {
    // Prepare
    const n: Notification = {
      ...DIGEST,
      topPrincipals: [
        { arn: 'arn:aws:iam::999988887777:role/<!channel>*bold*_it_`x`', count: 7 },
        { arn: 'arn:aws:iam::999988887777:role/ops@here', count: 3 },
      ],
    };

    // Act
    const [, whom] = sectionTexts(renderSlack(n).blocks);

    // Assess
    expect(whom).toBe(
      '*Top principals:* `arn:aws:iam::999988887777:role/&lt;!channel&gt;*bold*_it_ˋxˋ` x7, `arn:aws:iam::999988887777:role/ops@\u200Dhere` x3, and 395 more. This looks like a probe: the top principals are not of this account.',
    );
  });

  it('renders a self-test as "pipeline works for cluster X" with the self-test ID', () => {
    // Prepare
    const n = SELFTEST;

    // Act
    const message = renderSlack(n);

    // Assess
    expect(headerText(message.blocks)).toBe('✅ eks-auth-doctor pipeline works for cluster prod-eu');
    expect(message.text).toBe('✅ eks-auth-doctor pipeline works for cluster prod-eu');
    expect(contextTexts(message.blocks)).toContain('*Self-test ID:* `7f3a9c`');
  });
});

describe('renderSlack: Slack must not interpret anything', () => {
  it.each([ALERT, FOLLOWUP, DIGEST, SELFTEST])('marks every mrkdwn object verbatim ($kind)', (n) => {
    // Prepare
    const notification = n;

    // Act
    const objects = mrkdwnObjects(renderSlack(notification).blocks);

    // Assess
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) expect(object.verbatim).toBe(true);
  });

  it('turns off unfurling, parsing and name linking', () => {
    // Prepare
    const n = ALERT;

    // Act
    const message = renderSlack(n);

    // Assess
    expect(message).toMatchObject({
      unfurl_links: false,
      unfurl_media: false,
      parse: 'none',
      link_names: false,
    });
  });
});

describe('renderSlack: Block Kit limits', () => {
  it('fits a fix of 80 steps into 50 blocks and counts the steps not shown', () => {
    // Prepare
    const n: Notification = { ...ALERT, fix: fixWithSteps(80) };

    // Act
    const message = renderSlack(n);
    const sections = sectionTexts(message.blocks);

    // Assess
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(sections.filter((t) => t.startsWith('*Step '))).toHaveLength(SLACK_LIMITS.stepsShown - 1);
    expect(sections).toContain(
      '61 more steps: in the alert e-mail, or run `eks-auth-doctor classify` on the log.',
    );
  });

  it('shows every step when there are exactly as many as the cap', () => {
    // Prepare
    const n: Notification = { ...ALERT, fix: fixWithSteps(SLACK_LIMITS.stepsShown) };

    // Act
    const sections = sectionTexts(renderSlack(n).blocks);

    // Assess
    expect(sections.filter((t) => t.startsWith('*Step '))).toHaveLength(SLACK_LIMITS.stepsShown);
    expect(sections.some((t) => t.includes('more step'))).toBe(false);
  });

  it('cuts a 20 000-character cause to the section limit and marks it', () => {
    // Prepare
    const n: Notification = {
      ...ALERT,
      fix: { ...(ALERT.fix as NonNullable<Notification['fix']>), summary: 'y'.repeat(20_000) },
    };

    // Act
    const cause = sectionTexts(renderSlack(n).blocks).find((t) => t.startsWith('*Cause:*')) ?? '';

    // Assess
    expect(cause.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(cause.endsWith('…')).toBe(true);
  });

  it('truncates after escaping, never inside an entity', () => {
    // Prepare
    const n: Notification = {
      ...ALERT,
      fix: { ...(ALERT.fix as NonNullable<Notification['fix']>), summary: '&'.repeat(5000) },
    };

    // Act
    const cause = sectionTexts(renderSlack(n).blocks).find((t) => t.startsWith('*Cause:*')) ?? '';

    // Assess
    expect(cause).toMatch(/^\*Cause:\* (?:&amp;)+…$/);
    expect(cause.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
  });

  it('never cuts a command: one too long for a section is left out of its step, which says where it is', () => {
    // Prepare
    const n: Notification = { ...ALERT, fix: fixWithSteps(1, 50_000) };

    // Act
    const step = sectionTexts(renderSlack(n).blocks).find((t) => t.startsWith('*Step 1.*')) ?? '';

    // Assess
    expect(step.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(
      step.endsWith(
        ' (The command is too long for Slack: in the alert e-mail, or run `eks-auth-doctor classify` on the log.)',
      ),
    ).toBe(true);
    expect(step).not.toContain('```');
  });

  it('cuts the header to 150 characters', () => {
    // Prepare
    const n: Notification = {
      ...ALERT,
      fix: { ...(ALERT.fix as NonNullable<Notification['fix']>), title: '<'.repeat(500) },
    };

    // Act
    const header = headerText(renderSlack(n).blocks);

    // Assess
    expect(header.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    expect(header).toMatch(/^🔴 (?:&lt;)+…$/);
  });
});

describe('renderSlack is a pure function', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('renders the same message whatever the clock says', () => {
    // Prepare
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-24T14:05:00Z'));
    const first = renderSlack(FOLLOWUP);
    vi.setSystemTime(new Date('2031-01-01T00:00:00Z'));

    // Act
    const second = renderSlack(structuredClone(FOLLOWUP));

    // Assess
    expect(second).toEqual(first);
  });
});
