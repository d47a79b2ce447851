import { describe, expect, it } from 'vitest';
import { diagnoseBatch, type LogEvent } from '../../../../lambda/engine/diagnose/diagnose-batch';
import { notMappedLine, stsResponseLine, T0, tokenNotAwsLine } from '../../../helpers/fixtures';
import { DENIAL_FIXTURES, deniedLine } from '../fixtures/denial-errors';

function events(lines: readonly string[]): LogEvent[] {
  return lines.map((message, i) => ({ id: String(i), timestamp: T0 + i, message }));
}

const STREAM = 'authenticator-0123';

describe('grouping a batch by problem', () => {
  it('counts repeats of one denial (new time and client each time) as one problem', () => {
    // Prepare
    const lines = Array.from({ length: 1000 }, (_, i) =>
      notMappedLine('developer', T0 + i * 1000, 30000 + i),
    );

    // Act
    const batch = diagnoseBatch(events(lines), STREAM, 'prod', {});

    // Assess
    expect(batch.problems).toHaveLength(1);
    expect(batch.problems[0]?.occurrences).toMatchObject({ count: 1000, firstSeen: T0, lastSeen: T0 + 999 });
    expect(batch.problems[0]?.finding.category).toBe('IDENTITY_NOT_MAPPED');
  });

  it('counts each of many errors after one head as its own problem, however the repeats interleave', () => {
    // Prepare: every fixture error without an ARN (one head, many tails), each repeated 1 to 5 times,
    // the copies shuffled (a fixed permutation), each with its own time and client.
    const errors = [...new Set(DENIAL_FIXTURES.map((fixture) => fixture.error))];
    const lines = errors.flatMap((error, i) =>
      Array.from({ length: 1 + (i % 5) }, (_, copy) => ({
        error,
        order: (i * 7919 + copy * 104729) % 10007,
      })),
    );
    lines.sort((a, b) => a.order - b.order);
    const log = lines.map(({ error }, i) =>
      deniedLine(
        error,
        undefined,
        new Date(T0 + i * 1000).toISOString().replace('.000', ''),
        `127.0.0.1:${30000 + i}`,
      ),
    );

    // Act
    const batch = diagnoseBatch(events(log), STREAM, 'prod', {});
    const oneByOne = errors.map((error) => diagnoseBatch(events([deniedLine(error)]), STREAM, 'prod', {}));

    // Assess: as many occurrences per problem as its errors were repeated
    const expected = new Map<string, number>();
    errors.forEach((_error, i) => {
      const key = oneByOne[i]?.problems[0]?.key;
      if (key !== undefined) expected.set(key, (expected.get(key) ?? 0) + 1 + (i % 5));
    });
    expect(errors.length).toBeGreaterThan(20);
    expect(new Map(batch.problems.map((problem) => [problem.key, problem.occurrences.count]))).toEqual(
      expected,
    );
  });

  it('keeps apart many lines of one length that differ only in their principal, however they interleave', () => {
    // Prepare: 40 roles whose names have one length, so every line has the same shape lengths (more
    // than are compared in place), each denied three times, the copies interleaved.
    const roles = Array.from({ length: 40 }, (_, i) => `team-${String(i).padStart(2, '0')}`);
    const lines = [0, 1, 2].flatMap((copy) =>
      roles.map((role, i) => notMappedLine(role, T0 + (copy * 40 + i) * 1000, 30000 + copy * 40 + i)),
    );

    // Act
    const batch = diagnoseBatch(events(lines), STREAM, 'prod', {});

    // Assess
    expect(batch.problems.map((problem) => problem.finding.principal?.name)).toEqual(roles);
    expect(batch.problems.map((problem) => problem.occurrences.count)).toEqual(roles.map(() => 3));
  });

  it('keeps different principals and categories apart, in order of first occurrence', () => {
    // Prepare
    const lines = [
      tokenNotAwsLine(T0, 1),
      notMappedLine('developer', T0, 2),
      notMappedLine('ops', T0, 3),
      tokenNotAwsLine(T0 + 1, 4),
    ];

    // Act
    const batch = diagnoseBatch(events(lines), STREAM, 'prod', {});

    // Assess
    expect(
      batch.problems.map((p) => [p.finding.category, p.finding.principal?.name ?? null, p.occurrences.count]),
    ).toEqual([
      ['TOKEN_NOT_AWS', null, 2],
      ['IDENTITY_NOT_MAPPED', 'developer', 1],
      ['IDENTITY_NOT_MAPPED', 'ops', 1],
    ]);
  });

  it('joins the STS response of the request even when the same principal was granted before', () => {
    // Prepare: the principal's STS lines repeat; only the denial after the last one is new
    const granted = (port: number) =>
      `time="2026-11-24T14:02:00Z" level=info msg="access granted" arn="arn:aws:iam::111122223333:role/nodes" client="127.0.0.1:${port}" groups="[system:nodes]" method=POST path=/authenticate uid="aws-iam-authenticator:111122223333:AROA1" username="system:node:ip-10-0-0-1"`;
    const lines = [
      stsResponseLine('nodes', 'i-0123456789abcdef0', T0, 1),
      granted(1),
      stsResponseLine('nodes', 'i-0123456789abcdef0', T0, 2),
      granted(2),
      stsResponseLine('nodes', 'i-0123456789abcdef0', T0, 3),
      notMappedLine('nodes', T0, 3),
    ];

    // Act
    const batch = diagnoseBatch(events(lines), STREAM, 'prod', {});

    // Assess
    expect(batch.problems).toHaveLength(1);
    expect(batch.problems[0]?.finding.principal?.session).toBe('i-0123456789abcdef0');
    // Granted in this batch and denied now: its mapping was just removed.
    expect(batch.problems[0]?.finding.subCause).toBe('ACCESS_REMOVED_RECENTLY');
  });

  it('classifies denials after an aws-auth parse error afresh, as their own problem', () => {
    // Prepare
    const parseError =
      'time="2026-11-24T14:02:30Z" level=warning msg="Errors parsing configmap: [yaml: line 7: did not find expected key]"';
    const lines = [
      notMappedLine('developer', T0, 1),
      parseError,
      notMappedLine('developer', T0 + 60_000, 2),
      notMappedLine('developer', T0 + 61_000, 3),
    ];

    // Act
    const batch = diagnoseBatch(events(lines), STREAM, 'prod', {});

    // Assess
    expect(
      batch.problems.map((p) => [p.finding.category, p.finding.subCause ?? null, p.occurrences.count]),
    ).toEqual([
      ['IDENTITY_NOT_MAPPED', 'NOT_IN_AWS_AUTH', 1],
      ['AWS_AUTH_PARSE_ERROR', null, 1],
      ['IDENTITY_NOT_MAPPED', 'AWS_AUTH_BROKEN', 2],
    ]);
  });

  it('counts lines that hold no authenticator record, repeated or not', () => {
    // Prepare
    const lines = ['not a log line', 'time="2026-11-24T14:02:00Z" and nothing else', 'not a log line'];

    // Act
    const batch = diagnoseBatch(events(lines), STREAM, 'prod', {});

    // Assess
    expect(batch.unreadable).toBe(3);
    expect(batch.problems).toEqual([]);
  });
});

describe('the EC2 error behind node lookup failures (reference §3.1)', () => {
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const lookupFailure = (at: number, port: number) =>
    `time="${iso(at)}" level=warning msg="access denied" arn="arn:aws:iam::111122223333:role/nodes" client="127.0.0.1:${port}" error="mapper EKSConfigMap renderTemplates error: error rendering username template \\"system:node:{{EC2PrivateDNSName}}\\": failed querying private DNS from EC2 API for node i-0123456789abcdef0: operation error EC2 " method=POST path=/authenticate`;
  const batchFailure = (at: number) =>
    `time="${iso(at)}" level=error msg="Batch call failed querying private DNS from EC2 API for nodes [i-0123456789abcdef0] : with error = []operation error EC2: DescribeInstances, api error UnauthorizedOperation: You are not authorized to perform this operation. "`;

  it.each([
    ['before', [batchFailure(T0), lookupFailure(T0 + 1_000, 1), lookupFailure(T0 + 2_000, 2)]],
    ['after', [lookupFailure(T0, 1), lookupFailure(T0 + 1_000, 2), batchFailure(T0 + 2_000)]],
  ])('gives the lookup failures the code of a batch failure logged %s them in the batch', (_order, lines) => {
    // Act
    const batch = diagnoseBatch(events(lines), STREAM, 'prod', {});

    // Assess: one problem, whose fix can tell a detached cluster policy from throttling.
    const lookups = batch.problems.filter((p) => p.finding.category === 'TEMPLATE_EC2_LOOKUP_FAILED');
    expect(lookups).toHaveLength(1);
    expect(lookups[0]?.occurrences.count).toBe(2);
    expect(lookups[0]?.finding.details.ec2Error).toBe('UnauthorizedOperation');
  });

  it('joins no batch failure more than a minute away', () => {
    // Act
    const batch = diagnoseBatch(
      events([batchFailure(T0), lookupFailure(T0 + 61_000, 1)]),
      STREAM,
      'prod',
      {},
    );

    // Assess
    const lookup = batch.problems.find((p) => p.finding.category === 'TEMPLATE_EC2_LOOKUP_FAILED');
    expect(lookup?.finding.details.ec2Error).toBeUndefined();
  });
});
