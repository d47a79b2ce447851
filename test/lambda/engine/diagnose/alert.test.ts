import { describe, expect, it } from 'vitest';
import { classify } from '../../../../lambda/engine/classify/classify';
import { alertOf, problemNotification } from '../../../../lambda/engine/diagnose/alert';
import { notMappedLine, T0 } from '../../../helpers/fixtures';
import { parsedLine } from '../fixtures/parsed-line';

const context = { cluster: { clusterName: 'prod' } };
const finding = classify(parsedLine(notMappedLine('developer', T0, 1)), context);

describe("a problem's message", () => {
  it('states the occurrences in ISO time, with the fix and the problem key', () => {
    // Act
    const alert = problemNotification('alert', {
      key: 'prod|key',
      finding,
      context,
      occurrences: { count: 7, firstSeen: T0, lastSeen: T0 + 60_000 },
    });

    // Assess
    expect(alert).toMatchObject({
      kind: 'alert',
      cluster: { clusterName: 'prod' },
      finding,
      count: 7,
      firstSeen: '2026-11-24T14:02:00.000Z',
      lastSeen: '2026-11-24T14:03:00.000Z',
      problemKey: 'prod|key',
      notes: [],
    });
    expect(alert.fix?.steps.length).toBeGreaterThan(0);
  });

  it('leaves out times no occurrence had, and carries the notes of a follow-up', () => {
    // Act
    const followup = problemNotification(
      'followup',
      {
        key: 'prod|key',
        finding,
        context,
        occurrences: { count: 2, firstSeen: Number.POSITIVE_INFINITY, lastSeen: Number.NEGATIVE_INFINITY },
      },
      ['Possibly a duplicate'],
    );

    // Assess
    expect(followup).toMatchObject({ kind: 'followup', count: 2, notes: ['Possibly a duplicate'] });
    expect(followup.firstSeen).toBeUndefined();
    expect(followup.lastSeen).toBeUndefined();
  });
});

describe('the alert for one finding on its own', () => {
  it("is seen once, at its line's own time text, under the finding's problem key", () => {
    // Act
    const alert = alertOf(finding, context);

    // Assess
    expect(alert).toMatchObject({
      kind: 'alert',
      count: 1,
      firstSeen: '2026-11-24T14:02:00Z',
      lastSeen: '2026-11-24T14:02:00Z',
    });
    expect(alert.problemKey).toBe(
      'prod|IDENTITY_NOT_MAPPED|NOT_IN_AWS_AUTH|arn:aws:iam::111122223333:role/developer',
    );
  });
});
