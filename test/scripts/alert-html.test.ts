import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { alertOf } from '../../lambda/engine/diagnose/alert';
import { createLineDiagnoser } from '../../lambda/engine/diagnose/diagnose-lines';
import { renderSlack } from '../../lambda/engine/render';
import {
  alertPage,
  blockHtml,
  emailHtml,
  escapeHtml,
  mrkdwnHtml,
  slackMessageHtml,
} from '../../scripts/alert-html';
import { rejectedHostLine, T0 } from '../helpers/fixtures';

describe('escaping for the page', () => {
  it('turns every HTML-significant character into an entity', () => {
    // Act
    const html = escapeHtml(`<img src=x onerror="alert('x')">&`);

    // Assess
    expect(html).toBe('&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;');
  });

  it('shows Slack-escaped log text as the characters Slack shows, never as markup', () => {
    // Prepare: what escapeSlackText makes of a forged "<script>" and "<!channel>" in a log line
    const sent = 'error: &lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt; a &amp;amp; b';

    // Act
    const html = mrkdwnHtml(sent);

    // Assess
    expect(html).toBe('error: &lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt; a &amp;amp; b');
    expect(html).not.toContain('<script');
  });

  it('escapes inside code and code blocks too', () => {
    // Act
    const html = mrkdwnHtml('`a &lt;b&gt;` and\n```\n&lt;/pre&gt;<b>\n```');

    // Assess
    expect(html).toBe('<code>a &lt;b&gt;</code> and<pre>&lt;/pre&gt;&lt;b&gt;</pre>');
  });

  it('escapes the subject and body of an e-mail and the title of the page', () => {
    // Act
    const mail = emailHtml({ from: 'a <b>', subject: '<i>x</i>', body: '1. <run>\n   $ ls' });
    const page = alertPage('</title><script>', '');

    // Assess
    expect(mail).toContain('<div class="subject">&lt;i&gt;x&lt;/i&gt;</div>');
    expect(mail).toContain('<div class="from">a &lt;b&gt;</div>');
    expect(mail).toContain('<div class="plain">1. &lt;run&gt;\n   $ ls</div>');
    expect(page).toContain('<title>&lt;/title&gt;&lt;script&gt;</title>');
    expect(page).not.toContain('<script');
  });
});

describe('mrkdwn as Slack draws it', () => {
  it('draws *bold*, _italic_ and ~strike~ only at word boundaries', () => {
    // Act
    const html = mrkdwnHtml('*Cause:* _really_ ~gone~ but 2*3*4 and snake_case_name stay');

    // Assess
    expect(html).toBe(
      '<strong>Cause:</strong> <em>really</em> <del>gone</del> but 2*3*4 and snake_case_name stay',
    );
  });

  it('draws `inline code` without styling inside it', () => {
    // Act
    const html = mrkdwnHtml('needs `eks:*Create*` now');

    // Assess
    expect(html).toBe('needs <code>eks:*Create*</code> now');
  });

  it('draws a ```code block``` as its own block, without the line breaks around its fences', () => {
    // Act
    const html = mrkdwnHtml('*Step 1.* Check.\n```\naws sts get-caller-identity\n```');

    // Assess
    expect(html).toBe('<strong>Step 1.</strong> Check.<pre>aws sts get-caller-identity</pre>');
  });

  it('keeps line breaks, draws emoji codes, links and mentions', () => {
    // Act
    const html = mrkdwnHtml(
      ':warning: one\ntwo <https://example.com/a?b=1&amp;c=2|the runbook> <!here> :nope:',
    );

    // Assess
    expect(html).toBe(
      '⚠️ one<br>two <a href="https://example.com/a?b=1&amp;c=2">the runbook</a> <span class="mention">@here</span> :nope:',
    );
  });
});

describe('Block Kit blocks', () => {
  it('draws a header as plain text: no styling, emoji drawn', () => {
    // Act
    const html = blockHtml({
      type: 'header',
      text: { type: 'plain_text', text: ':warning: *not bold* &lt;' },
    });

    // Assess
    expect(html).toBe('<div class="header">⚠️ *not bold* &lt;</div>');
  });

  it('draws a section with its mrkdwn text and its fields in two columns', () => {
    // Act
    const html = blockHtml({
      type: 'section',
      text: { type: 'mrkdwn', text: '*Cause:* x' },
      fields: [
        { type: 'mrkdwn', text: '*Cluster:* prod' },
        { type: 'plain_text', text: 'eu-west-1' },
      ],
    });

    // Assess
    expect(html).toBe(
      '<div class="section"><div class="text"><strong>Cause:</strong> x</div><div class="fields"><div><strong>Cluster:</strong> prod</div><div>eu-west-1</div></div></div>',
    );
  });

  it('draws a context line of its elements, an image by its alt text', () => {
    // Act
    const html = blockHtml({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: '*Seen:* 09:20' },
        { type: 'image', image_url: 'https://example.com/i.png', alt_text: 'logo <x>' },
      ],
    });

    // Assess
    expect(html).toBe(
      '<div class="context"><span><strong>Seen:</strong> 09:20</span><span class="image">logo &lt;x&gt;</span></div>',
    );
  });

  it('draws a divider as a rule', () => {
    // Act and Assess
    expect(blockHtml({ type: 'divider' })).toBe('<hr class="divider">');
  });

  it('names a block type it does not draw instead of dropping it', () => {
    // Act
    const html = blockHtml({ type: 'actions', elements: [] } as KnownBlock);

    // Assess
    expect(html).toBe('<div class="unsupported">(a actions block: not drawn here)</div>');
  });
});

describe('a whole Slack message', () => {
  it('draws every block of a real alert, in order, under the app name', () => {
    // Prepare: a forged STS hostname, as an anonymous client can put it into the log
    const context = { cluster: { clusterName: 'prod', region: 'eu-west-1' } };
    const finding = createLineDiagnoser(context)(rejectedHostLine('<b>sts.evil.example', T0, 30001));
    if (finding === undefined) throw new Error('the fixture line holds no record');
    const notification = alertOf(finding, context);
    const message = renderSlack(notification);

    // Act
    const html = slackMessageHtml(message, 'eks-auth-doctor', '09:20');

    // Assess
    expect(html).toContain(
      '<b>eks-auth-doctor</b> <span class="badge">APP</span> <span class="time">09:20</span>',
    );
    const drawn = html.match(/<div class="(header|section|context)">/g) ?? [];
    expect(drawn).toEqual(message.blocks.map((block) => `<div class="${block.type}">`));
    expect(html).toContain('&lt;b&gt;sts.evil.example');
    expect(html).not.toContain('<b>sts.evil');
  });
});
