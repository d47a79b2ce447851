import { describe, expect, it } from 'vitest';
import { escapeChatCommand, escapeChatText, renderChatbot } from '../../../../lambda/engine/render/chatbot';
import type { Notification } from '../../../../lambda/engine/types';

const NOTICE: Notification = {
  kind: 'alert',
  cluster: { clusterName: 'prod' },
  fix: {
    title: 'Fix it',
    summary: 'Run the command with your profile.',
    steps: [{ text: 'Log in', command: 'aws sso login --profile <profile> && kubectl get pods' }],
    warnings: [],
  },
  count: 1,
  problemKey: 'prod|x',
  notes: ['Tom & Jerry said &lt;!here&gt;'],
};

describe("Chatbot text, escaped for Chatbot's own markdown", () => {
  it('shows a placeholder inside backticks as a readable placeholder, never as an HTML entity', () => {
    // Act
    const [step] = renderChatbot(NOTICE).content.nextSteps;

    // Assess
    expect(step).toBe('Log in: `aws sso login --profile ‹profile› && kubectl get pods`');
    expect(JSON.stringify(renderChatbot(NOTICE))).not.toMatch(/&(lt|gt|amp);/);
  });

  it('keeps a plain ampersand and defuses an entity that could be decoded into markup', () => {
    // Act
    const text = escapeChatText('Tom & Jerry said &lt;!here&gt;');

    // Assess
    expect(text).toBe('Tom & Jerry said ＆lt;!here＆gt;');
  });

  it('leaves no character that starts Slack, Teams or Markdown markup from log text', () => {
    // Act
    const text = escapeChatText('<!channel> `rm -rf` [x](https://evil.example) @here\nStep 1:');

    // Assess
    expect(text).toBe('‹!channel› ˋrm -rfˋ [x] (https[:]//evil.example) @\u200Dhere\\nStep 1:');
  });
});

describe('our own commands in a Chatbot message', () => {
  it('still paste and run: a redirect and && stay, placeholders read as placeholders, no backtick ends the span', () => {
    // Act
    const escaped = [
      escapeChatCommand('kubectl get configmap aws-auth -n kube-system -o yaml > aws-auth-backup.yaml'),
      escapeChatCommand('aws sts get-caller-identity --profile <profile> && kubectl get svc'),
      escapeChatCommand('echo `id`'),
    ];

    // Assess
    expect(escaped).toEqual([
      'kubectl get configmap aws-auth -n kube-system -o yaml > aws-auth-backup.yaml',
      'aws sts get-caller-identity --profile ‹profile› && kubectl get svc',
      'echo ˋidˋ',
    ]);
  });
});
