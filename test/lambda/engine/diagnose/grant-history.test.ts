import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GrantHistory } from '../../../../lambda/engine/diagnose/grant-history';

const T = Date.parse('2026-11-24T14:02:00Z');
const role = (n: number) => `arn:aws:iam::111122223333:role/role-${n}`;

describe('the grant history of one log', () => {
  it("answers each principal's last grant, and the creator line only if that last grant had one", () => {
    // Prepare
    const history = new GrantHistory();
    history.granted(role(1), T, 'a kubernetes-admin grant');
    history.granted(role(2), T + 1_000, undefined);
    history.granted(role(1), T + 2_000, undefined);
    history.granted(role(2), T + 3_000, 'a kubernetes-admin grant');

    // Act & Assess
    expect(history.lastOf(role(1))).toEqual({ time: T + 2_000, line: undefined });
    expect(history.lastOf(role(2))).toEqual({ time: T + 3_000, line: 'a kubernetes-admin grant' });
    expect(history.lastOf(role(3))).toBeUndefined();
  });

  it('forgets the principal first granted longest ago, past its capacity, and nothing else', () => {
    // Prepare
    const history = new GrantHistory(2);
    history.granted(role(1), T, 'creator');
    history.granted(role(2), T + 1_000, undefined);
    history.granted(role(1), T + 2_000, 'creator'); // granted again, but first granted first

    // Act
    history.granted(role(3), T + 3_000, undefined);

    // Assess
    expect(history.lastOf(role(1))).toBeUndefined();
    expect(history.lastOf(role(2))).toEqual({ time: T + 1_000, line: undefined });
    expect(history.lastOf(role(3))).toEqual({ time: T + 3_000, line: undefined });
  });

  it('answers as a map of last grants that forgets in the order principals were first granted', () => {
    const grant = fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 1e6 }), fc.boolean());
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(grant, { maxLength: 60 }), (capacity, grants) => {
        // The model: a map whose insertion order is first sight, trimmed from the front.
        const history = new GrantHistory(capacity);
        const model = new Map<string, { time: number; line: string | undefined }>();
        for (const [n, time, creator] of grants) {
          const line = creator ? `creator line of ${n}` : undefined;
          history.granted(role(n), time, line);
          const known = model.get(role(n));
          if (known) Object.assign(known, { time, line });
          else model.set(role(n), { time, line });
          if (model.size > capacity) model.delete(model.keys().next().value as string);
        }
        for (let n = 0; n <= 12; n++) expect(history.lastOf(role(n))).toEqual(model.get(role(n)));
      }),
    );
  });
});
