import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArnCache, isInstanceId, parseArn } from '../../../../lambda/engine/parse/arn';

describe('parsing principal ARNs', () => {
  it('drops the path and session of a role: the canonical ARN is what the authenticator matches on', () => {
    // Act
    const parsed = parseArn(
      'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0a1b',
    );

    // Assess
    expect(parsed).toMatchObject({
      partition: 'aws',
      service: 'iam',
      accountId: '111122223333',
      type: 'role',
      name: 'AWSReservedSSO_Admin_0a1b',
      path: '/aws-reserved/sso.amazonaws.com/',
      canonical: 'arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0a1b',
    });
  });

  it('reads the role and session of an assumed-role ARN', () => {
    // Act
    const parsed = parseArn('arn:aws-cn:sts::111122223333:assumed-role/developer/bob@example.com');

    // Assess
    expect(parsed).toMatchObject({
      partition: 'aws-cn',
      service: 'sts',
      type: 'role',
      name: 'developer',
      session: 'bob@example.com',
      canonical: 'arn:aws-cn:iam::111122223333:role/developer',
    });
  });

  it('keeps a user path in the canonical ARN (only roles lose theirs)', () => {
    // Act
    const parsed = parseArn('arn:aws:iam::111122223333:user/ops/alice');

    // Assess
    expect(parsed?.canonical).toBe('arn:aws:iam::111122223333:user/ops/alice');
    expect(parsed?.path).toBe('/ops/');
  });

  it.each([
    'arn:aws:s3:::bucket',
    'arn:aws:iam::1111:role/short-account',
    'arn:aws:iam::111122223333:group/admins',
    'not an arn',
    '',
  ])('refuses %j', (text) => {
    // Act & Assess
    expect(parseArn(text)).toBeUndefined();
  });

  it('tells instance IDs (node sessions) from other session names', () => {
    // Assess
    expect(isInstanceId('i-0a1b2c3d4e5f67890')).toBe(true);
    expect(isInstanceId('i-0a1b2c3d')).toBe(true);
    expect(isInstanceId('i-0A1B2C3D')).toBe(false);
    expect(isInstanceId('bob')).toBe(false);
    expect(isInstanceId(undefined)).toBe(false);
  });
});

describe('the ARN cache of one log', () => {
  const role = (n: number) => `arn:aws:iam::111122223333:role/role-${n}`;

  it('answers exactly what parseArn answers, for cached, recent and uncacheable ARNs', () => {
    // Prepare
    const cache = new ArnCache(16);
    const texts = [
      role(1),
      role(2),
      role(1),
      'arn:aws:sts::111122223333:assumed-role/r/s',
      'garbage',
      role(1),
    ];

    // Act
    const answers = texts.map((text) => cache.parse(text));

    // Assess
    expect(answers).toEqual(texts.map((text) => parseArn(text)));
  });

  it('gives one parsed object per cached ARN, so principals of repeated lines are shared', () => {
    // Prepare
    const cache = new ArnCache(16);
    const first = cache.parse(role(1));
    for (let i = 2; i < 12; i++) cache.parse(role(i)); // pushes role 1 out of the recent ring

    // Act
    const again = cache.parse(role(1));

    // Assess
    expect(again).toBe(first);
  });

  it('keeps a principal seen on every line while a flood of distinct ARNs passes through, and evicts nothing for it', () => {
    // Prepare: a cache far smaller than the flood, though larger than the ring in front of it.
    const cache = new ArnCache(64);
    const oncall = cache.parse(role(0));

    // Act: the flood is far larger than the cache; the on-call role keeps coming back between.
    let rightDuringTheFlood = true;
    let mapAsideDuringTheFlood = false;
    for (let i = 1; i <= 3_000; i++) {
      rightDuringTheFlood &&= cache.parse(role(i))?.canonical === role(i);
      if (i % 5 === 0) rightDuringTheFlood &&= cache.parse(role(0))?.canonical === role(0);
      mapAsideDuringTheFlood ||= !cache.consultsMap;
    }
    // The flood ends; the dozen principals of every line are back on their own (more than the ring holds).
    for (let i = 0; i < 12 * 1_024; i++) cache.parse(role(i % 12));

    // Assess: the map stood aside while it answered too little, so the flood took no entry from it.
    expect(rightDuringTheFlood).toBe(true);
    expect(mapAsideDuringTheFlood).toBe(true);
    expect(cache.consultsMap).toBe(true);
    expect(cache.parse(role(0))).toBe(oncall);
  });

  it('leaves its ring of recent ARNs aside while ARNs come in turn from thousands of principals, and takes it back when a few return', () => {
    // Prepare
    const cache = new ArnCache(8_192);

    // Act: an org-wide cluster's principals in turn (the ring answers none), then the same three.
    for (let i = 0; i < 3 * 1_024; i++) cache.parse(role(i));
    const asideDuringTheCrowd = !cache.consultsRecent;
    for (let i = 0; i < 12 * 1_024; i++) cache.parse(role(i % 3));

    // Assess
    expect(asideDuringTheCrowd).toBe(true);
    expect(cache.consultsRecent).toBe(true);
  });

  it('tries its map again less and less often while the crowd lasts, and takes it back when it ends', () => {
    // Prepare
    const cache = new ArnCache(4_096);
    let tries = 0;
    let consulted = cache.consultsMap;

    // Act: 200 windows of an org-wide cluster's principals in turn, then a dozen principals again.
    for (let i = 0; i < 200 * 1_024; i++) {
      cache.parse(role(i));
      if (!consulted && cache.consultsMap) tries++;
      consulted = cache.consultsMap;
    }
    const asideAtTheEnd = !cache.consultsMap;
    for (let i = 0; i < 80 * 1_024; i++) cache.parse(role(i % 12));

    // Assess: tries after rests of 8, 16, 32, 64 and 64 windows (a try every 9 windows would be 22).
    expect(tries).toBe(5);
    expect(asideAtTheEnd).toBe(true);
    expect(cache.consultsMap).toBe(true);
  });

  it('answers what parseArn answers whether its ring and its map are consulted or aside, and after each switch', () => {
    // Phases of a crowd (many principals in turn) and of a few: the ring goes aside and comes back.
    const phase = fc.tuple(
      fc.boolean(),
      fc.integer({ min: 500, max: 4_000 }),
      fc.integer({ min: 0, max: 1e6 }),
    );
    let aside = 0;
    let back = 0;
    let mapAside = 0;
    let mapBack = 0;
    fc.assert(
      fc.property(fc.array(phase, { minLength: 2, maxLength: 8 }), (phases) => {
        const cache = new ArnCache(256);
        let consulted = cache.consultsRecent;
        let mapConsulted = cache.consultsMap;
        for (const [crowd, length, seed] of phases) {
          for (let i = 0; i < length; i++) {
            const text = crowd ? role(seed + i) : i % 97 === 0 ? 'garbage' : role(i % 3);
            expect(cache.parse(text)).toEqual(parseArn(text));
            if (consulted && !cache.consultsRecent) aside++;
            if (!consulted && cache.consultsRecent) back++;
            consulted = cache.consultsRecent;
            if (mapConsulted && !cache.consultsMap) mapAside++;
            if (!mapConsulted && cache.consultsMap) mapBack++;
            mapConsulted = cache.consultsMap;
          }
        }
      }),
      { numRuns: 20 },
    );
    // The phases did move the ring and the map aside and back: the answers were checked on both sides.
    expect([aside > 0, back > 0, mapAside > 0, mapBack > 0]).toEqual([true, true, true, true]);
  });
});
