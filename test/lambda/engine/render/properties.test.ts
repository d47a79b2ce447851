import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, SEVERITIES, SUB_CAUSES } from '../../../../lambda/engine/categories';
import { CHATBOT_LIMITS, renderChatbot } from '../../../../lambda/engine/render/chatbot';
import { renderSlack, SLACK_LIMITS } from '../../../../lambda/engine/render/slack';
import { renderText } from '../../../../lambda/engine/render/text';
import type { Finding, Fix, Notification, Principal } from '../../../../lambda/engine/types';
import {
  BIDI_CHAR,
  CONTROL_CHAR,
  codeBlocks,
  expectInert,
  foreignLines,
  LONE_SURROGATE,
  mrkdwnObjects,
} from './payload';

// Arbitrary notifications: every untrusted field holds arbitrary Unicode, attack fragments, unpaired
// surrogates, or up to 20 000 characters; fixes have 0 to 200 steps.

const ATTACKS = [
  '<!channel>',
  '<!here>',
  '<@U123>',
  '<#C123|general>',
  '<https://evil.example|click here>',
  '<!subteam^S1>',
  '```',
  '`',
  '@here',
  '@channel',
  '@everyone',
  '\u001b[31m',
  '\u0007',
  '\u009b2J',
  '\u202E',
  '\u2066',
  '&',
  '&amp;',
  '&lt;',
  '\n',
  '\r\n',
  '\u2028',
  '\nStep 1: ',
  '://',
  'https://evil.example',
  '](x)',
  '\uD800',
  '\uDC00',
  '😀',
  '<',
  '>',
  '*',
  '_',
  '~',
];

const unit = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...ATTACKS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) },
);

/** Up to 20 000 characters, sliced at any point (so a surrogate pair may be split). */
const long = fc
  .tuple(fc.string({ unit, minLength: 1, maxLength: 8 }), fc.integer({ min: 1000, max: 20_000 }))
  .map(([piece, length]) => piece.repeat(Math.ceil(length / piece.length)).slice(0, length));

const untrusted = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit, maxLength: 40, size: 'max' }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
  { weight: 1, arbitrary: long },
);

const time = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  untrusted,
);

const principal: fc.Arbitrary<Principal> = fc.record(
  {
    arn: untrusted,
    accountId: untrusted,
    partition: untrusted,
    type: fc.constantFrom('user', 'role', 'root', 'federated-user', 'unknown'),
    name: untrusted,
    session: untrusted,
    stsArn: untrusted,
    accessKeyId: untrusted,
    userId: untrusted,
  },
  { requiredKeys: ['arn', 'type'] },
);

const finding: fc.Arbitrary<Finding> = fc.record(
  {
    category: fc.constantFrom(...CATEGORIES),
    subCause: fc.constantFrom(...SUB_CAUSES),
    severity: fc.constantFrom(...SEVERITIES),
    time,
    principal,
    client: untrusted,
    error: untrusted,
    details: fc.dictionary(untrusted, untrusted, { maxKeys: 4 }),
    record: fc.record({
      time,
      msg: untrusted,
      fields: fc.dictionary(untrusted, untrusted, { maxKeys: 4 }),
    }),
  },
  { requiredKeys: ['category', 'severity', 'details', 'record'] },
);

const step = fc.record({ text: untrusted, command: untrusted }, { requiredKeys: ['text'] });

/** 0 to 200 steps, drawn evenly: fast-check's own array sizes stay near 10. */
const steps = fc.integer({ min: 0, max: 200 }).chain((n) => fc.array(step, { minLength: n, maxLength: n }));

const fix: fc.Arbitrary<Fix> = fc.record({
  title: untrusted,
  summary: untrusted,
  steps,
  warnings: fc.array(untrusted, { maxLength: 8, size: 'max' }),
});

const count = fc.oneof(
  { weight: 8, arbitrary: fc.nat() },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 1e21, 0.5) },
);

const notification: fc.Arbitrary<Notification> = fc.record(
  {
    kind: fc.constantFrom('alert', 'followup', 'digest', 'selftest'),
    cluster: fc.record(
      { clusterName: untrusted, region: untrusted, accountId: untrusted, creatorArn: untrusted },
      { requiredKeys: [] },
    ),
    finding,
    fix,
    count,
    firstSeen: time,
    lastSeen: time,
    distinctPrincipals: count,
    topCategories: fc.array(fc.record({ category: fc.constantFrom(...CATEGORIES), count }), {
      maxLength: 12,
    }),
    topPrincipals: fc.array(fc.record({ arn: untrusted, count }), { maxLength: 12 }),
    problemKey: untrusted,
    notes: fc.array(untrusted, { maxLength: 6, size: 'max' }),
  },
  { requiredKeys: ['kind', 'cluster', 'count', 'problemKey', 'notes'] },
);

const RUNS = { numRuns: 200 };

describe('renderSlack holds for any notification', () => {
  it('never throws and stays inside the Block Kit limits', () => {
    fc.assert(
      fc.property(notification, (n) => {
        // Act
        const message = renderSlack(n);

        // Assess
        expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
        expect(message.text.length).toBeGreaterThan(0);
        expect(message.text.length).toBeLessThanOrEqual(3000);
        for (const block of message.blocks) {
          if (block.type === 'header') {
            expect(block.text.text.length).toBeGreaterThan(0);
            expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
          } else if (block.type === 'section') {
            expect(block.text?.text.length).toBeGreaterThan(0);
            expect(block.text?.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
          } else if (block.type === 'context') {
            expect(block.elements.length).toBeGreaterThan(0);
            expect(block.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
            for (const element of block.elements) {
              const text = 'text' in element && typeof element.text === 'string' ? element.text : '';
              expect(text.length).toBeGreaterThan(0);
              expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElementText);
            }
          } else {
            expect.unreachable(`unexpected block type ${block.type}`);
          }
        }
      }),
      RUNS,
    );
  });

  it('never carries a mention, link, control character or bidi override derived from input', () => {
    fc.assert(
      fc.property(notification, (n) => {
        // Act
        const message = renderSlack(n);

        // Assess
        expectInert(message);
      }),
      RUNS,
    );
  });

  it('keeps every mrkdwn object verbatim and every code fence its own', () => {
    fc.assert(
      fc.property(notification, (n) => {
        // Act
        const objects = mrkdwnObjects(renderSlack(n).blocks);

        // Assess
        for (const object of objects) {
          expect(object.verbatim).toBe(true);
          const blocks = codeBlocks(object.text);
          expect(blocks).toBeDefined();
          for (const content of blocks ?? []) expect(content).not.toContain('`');
        }
      }),
      RUNS,
    );
  });
});

describe('renderChatbot holds for any notification', () => {
  it('never throws, stays within its sizes and carries nothing Slack would interpret', () => {
    fc.assert(
      fc.property(notification, (n) => {
        // Act
        const event = renderChatbot(n);

        // Assess
        expect(event.content.title.length).toBeLessThanOrEqual(CHATBOT_LIMITS.title);
        expect(event.content.description.length).toBeLessThanOrEqual(CHATBOT_LIMITS.description);
        expect(event.content.nextSteps.length).toBeLessThanOrEqual(CHATBOT_LIMITS.nextSteps);
        for (const step of event.content.nextSteps)
          expect(step.length).toBeLessThanOrEqual(CHATBOT_LIMITS.nextStep);
        expect(event.content.keywords.length).toBeLessThanOrEqual(CHATBOT_LIMITS.keywords);
        expect(event.metadata.summary.length).toBeLessThanOrEqual(CHATBOT_LIMITS.summary);
        expect(event.metadata.threadId).toMatch(/^eks-auth-doctor-[0-9a-f]{32}$/);
        expect(codeBlocks(event.content.description)).toBeDefined();
        expectInert(event);
        expect(JSON.stringify(event)).not.toContain('](');
      }),
      RUNS,
    );
  });
});

describe('renderText holds for any notification', () => {
  it('never throws, lets no control character or bidi through, and starts every line itself', () => {
    fc.assert(
      fc.property(notification, (n) => {
        // Act
        const text = renderText(n);

        // Assess
        expect(text).not.toMatch(CONTROL_CHAR);
        expect(text).not.toMatch(BIDI_CHAR);
        expect(text).not.toMatch(LONE_SURROGATE);
        expect(foreignLines(text)).toEqual([]);
      }),
      RUNS,
    );
  });
});
