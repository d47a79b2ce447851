import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLineDiagnoser } from '../../../../lambda/engine/diagnose/diagnose-lines';
import { StsResponseJoin } from '../../../../lambda/engine/diagnose/join';
import { parsedLine } from '../fixtures/parsed-line';

const STS_LINE =
  'time="2026-11-24T10:00:00Z" level=info msg="STS response" accesskeyid=ASIAEXAMPLE accountid=111122223333 arn="arn:aws:sts::111122223333:assumed-role/workers/i-0123456789abcdef0" client="127.0.0.1:40001" method=POST path=/authenticate session=i-0123456789abcdef0 userid=AROAEXAMPLE';
const DENIED_LINE =
  'time="2026-11-24T10:00:00Z" level=warning msg="access denied" arn="arn:aws:iam::111122223333:role/workers" client="127.0.0.1:40001" error="identity is not mapped" method=POST path=/authenticate';

describe('joining an STS response with its denial', () => {
  it('gives the denial the access key, account, unique ID, session and raw ARN', () => {
    const join = new StsResponseJoin();
    join.accept(parsedLine(STS_LINE), STS_LINE);

    const joined = join.accept(parsedLine(DENIED_LINE), DENIED_LINE);

    expect(joined.fields).toMatchObject({
      accesskeyid: 'ASIAEXAMPLE',
      accountid: '111122223333',
      userid: 'AROAEXAMPLE',
      session: 'i-0123456789abcdef0',
      stsarn: 'arn:aws:sts::111122223333:assumed-role/workers/i-0123456789abcdef0',
      arn: 'arn:aws:iam::111122223333:role/workers',
    });
  });

  it('knows a node by the joined session and says so', () => {
    const diagnose = createLineDiagnoser();
    diagnose(STS_LINE);

    const finding = diagnose(DENIED_LINE);

    expect(finding?.subCause).toBe('NODE_ROLE_NOT_MAPPED');
    expect(finding?.principal?.session).toBe('i-0123456789abcdef0');
  });

  it('does not join lines of another client port or another second', () => {
    const join = new StsResponseJoin();
    join.accept(parsedLine(STS_LINE), STS_LINE);

    expect(join.accept(parsedLine(DENIED_LINE.replace('40001', '40002')), '').fields.session).toBeUndefined();
    expect(
      join.accept(parsedLine(DENIED_LINE.replace('10:00:00Z', '10:00:01Z')), '').fields.session,
    ).toBeUndefined();
  });

  it('uses an STS response once', () => {
    const join = new StsResponseJoin();
    join.accept(parsedLine(STS_LINE), STS_LINE);
    join.accept(parsedLine(DENIED_LINE), '');

    expect(join.accept(parsedLine(DENIED_LINE), '').fields.session).toBeUndefined();
  });

  it('forgets the oldest STS responses past its capacity', () => {
    const join = new StsResponseJoin(2);
    join.accept(parsedLine(STS_LINE), STS_LINE);
    join.accept(parsedLine(STS_LINE), STS_LINE.replace('40001', '40002'));
    join.accept(parsedLine(STS_LINE), STS_LINE.replace('40001', '40003'));

    expect(join.accept(parsedLine(DENIED_LINE), '').fields.session).toBeUndefined();
    expect(join.accept(parsedLine(DENIED_LINE.replace('40001', '40003')), '').fields.session).toBe(
      'i-0123456789abcdef0',
    );
  });
});

describe('the ring of recent STS responses', () => {
  const sts = (second: number, port: number) =>
    STS_LINE.replace('10:00:00Z', `10:00:0${second}Z`).replace('40001', String(40000 + port));
  const denied = (second: number, port: number) =>
    DENIED_LINE.replace('10:00:00Z', `10:00:0${second}Z`).replace('40001', String(40000 + port));
  const joined = (join: StsResponseJoin, line: string) =>
    join.accept(parsedLine(line), line).fields.session !== undefined;

  it('finds its oldest line, before it is full and once it has wrapped round', () => {
    const join = new StsResponseJoin(4);
    for (const port of [1, 2, 3]) join.accept(parsedLine(sts(0, port)), sts(0, port));
    const beforeFull = joined(join, denied(0, 1));
    for (const port of [4, 5, 6, 7]) join.accept(parsedLine(sts(0, port)), sts(0, port));

    expect([beforeFull, joined(join, denied(0, 4)), joined(join, denied(0, 3))]).toEqual([true, true, false]);
  });

  it('answers as the last `capacity` STS lines searched newest first, to the first earlier second', () => {
    const event = fc.record({
      sts: fc.boolean(),
      second: fc.integer({ min: 0, max: 3 }),
      port: fc.integer({ min: 1, max: 4 }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(event, { maxLength: 40 }), (capacity, events) => {
        const join = new StsResponseJoin(capacity);
        // The model: what the ring holds, oldest first; a consumed line answers no one again.
        const held: { second: number; port: number; consumed: boolean }[] = [];
        for (const { sts: isSts, second, port } of events) {
          if (isSts) {
            join.accept(parsedLine(sts(second, port)), sts(second, port));
            held.push({ second, port, consumed: false });
            if (held.length > capacity) held.shift();
            continue;
          }
          let expected = false;
          for (let i = held.length - 1; i >= 0; i--) {
            const line = held[i] as (typeof held)[number];
            if (line.consumed) continue;
            if (line.second < second) break;
            if (line.second === second && line.port === port) {
              line.consumed = true;
              expected = true;
              break;
            }
          }
          expect(joined(join, denied(second, port))).toBe(expected);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('learning from earlier lines of the same log', () => {
  const granted = (arn: string, username: string, time = '2026-11-24T09:00:00Z') =>
    `time="${time}" level=info msg="access granted" arn="${arn}" client="127.0.0.1:1" groups="[system:masters]" method=POST path=/authenticate uid="aws-iam-authenticator:111122223333:AROAX" username=${username}`;

  it('says ACCESS_REMOVED_RECENTLY for a principal granted earlier in the log', () => {
    const diagnose = createLineDiagnoser();
    diagnose(granted('arn:aws:iam::111122223333:role/workers', 'oncall'));

    expect(diagnose(DENIED_LINE.replace('i-', 'x'))?.subCause).toBe('ACCESS_REMOVED_RECENTLY');
  });

  it('says CREATOR_LOST when the kubernetes-admin of earlier lines is denied', () => {
    const diagnose = createLineDiagnoser({ cluster: { accountId: '111122223333' } });
    diagnose(granted('arn:aws:iam::111122223333:role/creator', 'kubernetes-admin', '2026-11-20T09:00:00Z'));

    const finding = diagnose(DENIED_LINE.replace('role/workers', 'role/creator'));

    expect(finding?.subCause).toBe('CREATOR_LOST');
  });

  it('does not take kubernetes-admin as the creator in API mode', () => {
    const diagnose = createLineDiagnoser({ cluster: { authenticationMode: 'API' } });
    diagnose(granted('arn:aws:iam::111122223333:role/creator', 'kubernetes-admin', '2026-11-20T09:00:00Z'));

    expect(diagnose(DENIED_LINE.replace('role/workers', 'role/creator'))?.subCause).toBe(
      'MODE_API_IGNORES_AWS_AUTH',
    );
  });

  it('says AWS_AUTH_BROKEN for denials after an aws-auth parse error', () => {
    const diagnose = createLineDiagnoser();
    diagnose(
      'time="2026-11-24T09:59:00Z" level=warning msg="Errors parsing configmap: [yaml: line 3: mapping values are not allowed in this context]"',
    );

    expect(diagnose(DENIED_LINE)?.subCause).toBe('AWS_AUTH_BROKEN');
    expect(diagnose(DENIED_LINE)?.severity).toBe('critical');
  });
});

describe('a join asked only whether it found the STS line', () => {
  it('finds and consumes the same lines as one asked for the facts, whatever the lines hold', () => {
    const line = fc.record({
      sts: fc.boolean(),
      second: fc.constantFrom('00', '01'),
      port: fc.constantFrom('40001', '40002', '4000'),
      decoy: fc.constantFrom('', ' note="client=\\"127.0.0.1:40001\\""', ' client=127.0.0.1:40002'),
    });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), (lines) => {
        const withFacts = new StsResponseJoin(8);
        const foundOnly = new StsResponseJoin(8);
        for (const { sts, second, port, decoy } of lines) {
          const text = (sts ? STS_LINE : DENIED_LINE)
            .replace(':00Z', `:${second}Z`)
            .replace('path=/authenticate', `path=/authenticate${decoy}`)
            .replace('client="127.0.0.1:40001"', `client="127.0.0.1:${port}"`);
          const record = parsedLine(text);
          const full = withFacts.accept(record, text);
          const found = foundOnly.accept(record, text, false);
          expect(found !== record).toBe(full !== record);
          if (!sts && found !== record) expect(found.fields).toEqual(record.fields);
        }
      }),
    );
  });
});
