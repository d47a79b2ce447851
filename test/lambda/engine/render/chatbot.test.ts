import { describe, expect, it } from 'vitest';
import { CHATBOT_LIMITS, renderChatbot } from '../../../../lambda/engine/render/chatbot';
import { threadId } from '../../../../lambda/engine/render/thread-id';
import type { Notification } from '../../../../lambda/engine/types';
import { ALERT, DIGEST, FOLLOWUP, fixWithSteps, SELFTEST } from './fixtures';

describe('renderChatbot: the custom-notification schema', () => {
  it.each([ALERT, FOLLOWUP, DIGEST, SELFTEST])('fills the fixed fields and the metadata ($kind)', (n) => {
    // Prepare
    const notification = n;

    // Act
    const event = renderChatbot(notification);

    // Assess
    expect(event).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown' },
      metadata: { eventType: `eks-auth-doctor-${n.kind}` },
    });
    expect(event.id).toMatch(/^eks-auth-doctor-[0-9a-f]{32}$/);
    expect(event.content.title.length).toBeGreaterThan(0);
    expect(event.content.description.length).toBeGreaterThan(0);
    expect(Object.values(event.metadata.additionalContext).every((v) => typeof v === 'string')).toBe(true);
  });

  it('puts the alert title, cause, error and facts in title and description', () => {
    // Prepare
    const n = ALERT;

    // Act
    const { content } = renderChatbot(n);

    // Assess
    expect(content.title).toBe('🔴 Role dev-team has no access to cluster prod-eu');
    expect(content.description).toContain(
      '*Cause:* The role passed STS but is in neither aws-auth nor an access entry.',
    );
    expect(content.description).toContain('*Authenticator said:*\n```\nARN is not mapped\n```');
    expect(content.description).toContain('*Principal:* `arn:aws:iam::111122223333:role/dev-team`');
    expect(content.keywords).toEqual(['alert', 'IDENTITY_NOT_MAPPED', 'NOT_IN_AWS_AUTH', 'high']);
  });

  it('lists the steps as next steps with their commands inline', () => {
    // Prepare
    const n: Notification = { ...ALERT, fix: fixWithSteps(2, 3) };

    // Act
    const { content } = renderChatbot(n);

    // Assess
    expect(content.nextSteps).toEqual(['Do thing 1.: `echo xxx 1`', 'Do thing 2.: `echo xxx 2`']);
  });

  it('repeats the steps with their commands in a follow-up', () => {
    // Prepare
    const n = FOLLOWUP;

    // Act
    const { content } = renderChatbot(n);

    // Assess
    expect(content.nextSteps).toEqual([
      'Create an access entry for the role.: `aws eks create-access-entry --cluster-name prod-eu --region eu-west-1 --principal-arn arn:aws:iam::111122223333:role/dev-team`',
      'Give it a policy. (command: in the alert e-mail, or run `eks-auth-doctor classify` on the log)',
      'Ask the user to run kubectl again.',
    ]);
  });

  it('names the cluster and the principal as related resources, in the right partition', () => {
    // Prepare
    const n: Notification = { ...ALERT, cluster: { ...ALERT.cluster, region: 'cn-north-1' } };

    // Act
    const { metadata } = renderChatbot(n);

    // Assess
    expect(metadata.relatedResources).toEqual([
      'arn:aws-cn:eks:cn-north-1:111122223333:cluster/prod-eu',
      'arn:aws:iam::111122223333:role/dev-team',
    ]);
  });
});

describe('renderChatbot: threads', () => {
  it('threads an alert and its follow-ups together through the problem key', () => {
    // Prepare
    const alert = ALERT;
    const followup = FOLLOWUP;

    // Act
    const ids = [renderChatbot(alert).metadata.threadId, renderChatbot(followup).metadata.threadId];

    // Assess
    expect(ids[0]).toBe(ids[1]);
    expect(ids[0]).toBe(threadId(ALERT.problemKey));
  });

  it('gives different problems different threads', () => {
    // Prepare
    const other: Notification = { ...ALERT, problemKey: `${ALERT.problemKey}-other` };

    // Act
    const ids = [renderChatbot(ALERT).metadata.threadId, renderChatbot(other).metadata.threadId];

    // Assess
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('carries no log text in the thread ID', () => {
    // Prepare
    const problemKey = 'prod|IDENTITY_NOT_MAPPED|-|arn:aws:iam::1:role/<!channel>';

    // Act
    const id = threadId(problemKey);

    // Assess
    expect(id).toMatch(/^eks-auth-doctor-[0-9a-f]{32}$/);
  });
});

describe('renderChatbot: limits', () => {
  it('shows at most ten next steps and counts the rest', () => {
    // Prepare
    const n: Notification = { ...ALERT, fix: fixWithSteps(80) };

    // Act
    const { nextSteps } = renderChatbot(n).content;

    // Assess
    expect(nextSteps).toHaveLength(CHATBOT_LIMITS.nextSteps);
    expect(nextSteps.at(-1)).toBe(
      '71 more steps: in the alert e-mail, or run `eks-auth-doctor classify` on the log.',
    );
  });

  it('never cuts a command: one too long for a line is left out of its step, which says where it is', () => {
    // Prepare
    const command = `aws eks associate-access-policy --policy-arn ${'x'.repeat(300)}`;
    const n: Notification = {
      ...ALERT,
      fix: { ...fixWithSteps(1), steps: [{ text: 'Give it a policy.', command }] },
    };

    // Act
    const { nextSteps } = renderChatbot(n).content;

    // Assess
    expect(nextSteps).toEqual([
      'Give it a policy. (command: in the alert e-mail, or run `eks-auth-doctor classify` on the log)',
    ]);
  });

  it('keeps our inline code as markdown and neutralises backticks only in log values', () => {
    // Prepare
    const n: Notification = {
      ...ALERT,
      fix: { ...fixWithSteps(1), steps: [{ text: 'Check `AWS_PROFILE` for host evil\u02CBx\u02CB.' }] },
    };

    // Act
    const { nextSteps } = renderChatbot(n).content;

    // Assess
    expect(nextSteps).toEqual(['Check `AWS_PROFILE` for host evil\u02CBx\u02CB.']);
  });

  it('keeps title, description, steps and summary within their sizes for huge input', () => {
    // Prepare
    const huge = '<&>'.repeat(7000);
    const n: Notification = {
      ...ALERT,
      fix: {
        title: huge,
        summary: huge,
        steps: Array.from({ length: 30 }, () => ({ text: huge, command: huge })),
        warnings: [huge, huge, huge, huge, huge],
      },
      notes: [huge, huge],
    };

    // Act
    const { content, metadata } = renderChatbot(n);

    // Assess
    expect(content.title.length).toBeLessThanOrEqual(CHATBOT_LIMITS.title);
    expect(content.description.length).toBeLessThanOrEqual(CHATBOT_LIMITS.description);
    expect(content.nextSteps.length).toBeLessThanOrEqual(CHATBOT_LIMITS.nextSteps);
    for (const step of content.nextSteps) expect(step.length).toBeLessThanOrEqual(CHATBOT_LIMITS.nextStep);
    expect(content.nextSteps.join('').length).toBeLessThanOrEqual(CHATBOT_LIMITS.nextStepsTotal);
    expect(metadata.summary.length).toBeLessThanOrEqual(CHATBOT_LIMITS.summary);
  });
});
