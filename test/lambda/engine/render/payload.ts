import type { KnownBlock, MrkdwnElement } from '@slack/types';
import { expect } from 'vitest';

/** Ways to look into rendered payloads, shared by the render tests. */

/** C0 (tab included) except LF, DEL, C1: none of these may reach a reader. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
export const CONTROL_CHAR = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/;
export const BIDI_CHAR = /[\u202A-\u202E\u2066-\u2069]/;
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** What Slack would honour as a broadcast if it parsed names. */
export const BROADCAST = /@(here|channel|everyone)/i;

/** Every string anywhere in a JSON-like value, keys included. */
export function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) => [key, ...allStrings(inner)]);
  }
  return [];
}

/** What no sink may carry, whatever the input. */
export function expectInert(value: unknown): void {
  const strings = allStrings(value);
  for (const s of strings) {
    expect(s).not.toContain('<');
    expect(s).not.toMatch(BROADCAST);
    expect(s).not.toMatch(CONTROL_CHAR);
    expect(s).not.toMatch(BIDI_CHAR);
    expect(s).not.toMatch(LONE_SURROGATE);
    expect(s).not.toContain('://');
  }
}

/** Every `{ type: 'mrkdwn' }` object anywhere in the blocks. */
export function mrkdwnObjects(value: unknown): MrkdwnElement[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnObjects);
  if (value !== null && typeof value === 'object') {
    const self = (value as { type?: unknown }).type === 'mrkdwn' ? [value as MrkdwnElement] : [];
    return [...self, ...Object.values(value).flatMap(mrkdwnObjects)];
  }
  return [];
}

export function sectionTexts(blocks: readonly KnownBlock[]): string[] {
  return blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
}

export function contextTexts(blocks: readonly KnownBlock[]): string[] {
  return blocks.flatMap((b) =>
    b.type === 'context'
      ? b.elements.flatMap((e) => ('text' in e && typeof e.text === 'string' ? [e.text] : []))
      : [],
  );
}

export function headerText(blocks: readonly KnownBlock[]): string {
  const header = blocks.find((b) => b.type === 'header');
  return header?.type === 'header' ? header.text.text : '';
}

/**
 * The contents of the code blocks in a mrkdwn text, or `undefined` when the fences do not pair up.
 * Our blocks are always "```\n…\n```", so a fence anywhere else means log text opened or closed one.
 */
export function codeBlocks(text: string): string[] | undefined {
  const pieces = text.split('```');
  if (pieces.length % 2 === 0) return undefined;
  return pieces.filter((_, i) => i % 2 === 1);
}

const FACT_LABELS = [
  'Cluster',
  'Region',
  'Account',
  'Principal',
  'Principal \\(external account\\)',
  'Session',
  'Access key',
  'Category',
  'Severity',
  'Occurrences',
  'Denials',
  'Principals',
  'Self-test ID',
  'Seen',
];

/** Every line `renderText` may start; a line of any other shape was started by log text. */
export const TEXT_LINE_SHAPES: readonly RegExp[] = [
  /^$/,
  /^\[[A-Z ]+\] /,
  /^The same problem happened /,
  /^[\d,?]+ more denials/,
  /^eks-auth-doctor pipeline works for cluster /,
  /^Cause: /,
  /^Authenticator said: /,
  /^Details: /,
  /^Fix \(the same as in the first alert\):$/,
  /^ {2}\d+\. /,
  /^ {5}[$>] /,
  /^ {5}- /,
  /^ {2}\(\d+ optional steps? /,
  /^ {2}\(The reasons behind each case are in /,
  /^! /,
  /^Note: /,
  /^Top principals: /,
  new RegExp(`^(?:${FACT_LABELS.join('|')}): +`),
];

/** The lines of a text rendering that match none of {@link TEXT_LINE_SHAPES}. */
export function foreignLines(text: string): string[] {
  return text.split('\n').filter((line) => !TEXT_LINE_SHAPES.some((shape) => shape.test(line)));
}
