import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mixedLogLines } from '../../../../bench/mixed-log';
import { createTimelineDiagnoser } from '../../../../lambda/engine/diagnose/diagnose-lines';
import { LogTimeline, type LogTimelineOptions } from '../../../../lambda/engine/diagnose/log-timeline';
import { remediate } from '../../../../lambda/engine/remediate';
import type { DiagnosisContext, Finding } from '../../../../lambda/engine/types';

const ACCOUNT = '111122223333';

function at(second: number): string {
  return new Date(Date.parse('2026-11-24T10:00:00Z') + second * 1000).toISOString().replace('.000Z', 'Z');
}
function info(second: number, msg: string): string {
  return `time="${at(second)}" level=info msg="${msg}"`;
}
function denied(second: number, role: string, client: number): string {
  return `time="${at(second)}" level=warning msg="access denied" arn="arn:aws:iam::${ACCOUNT}:role/${role}" client="127.0.0.1:${client}" error="identity is not mapped" method=POST path=/authenticate`;
}
function sts(second: number, role: string, client: number, session: string): string {
  return `time="${at(second)}" level=info msg="STS response" accesskeyid=ASIAX accountid=${ACCOUNT} arn="arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${session}" client="127.0.0.1:${client}" method=POST path=/authenticate session=${session} userid=AROAX`;
}
function granted(second: number, role: string, username: string): string {
  return `time="${at(second)}" level=info msg="access granted" arn="arn:aws:iam::${ACCOUNT}:role/${role}" client="127.0.0.1:9" groups="[system:masters]" method=POST path=/authenticate uid="aws-iam-authenticator:${ACCOUNT}:AROAX" username=${username}`;
}

/** Both passes over `lines`: the findings of the denials, in file order. */
function diagnose(lines: readonly string[], context: DiagnosisContext = {}): Finding[] {
  return twoPasses(lines, context).findings;
}

/**
 * Both passes over `lines`, with the timeline's caps: the denials' findings and the timeline after.
 * `unparsedSts`: the second pass hands STS responses as EKS writes them to the join unparsed, as the
 * CLI does.
 */
function twoPasses(
  lines: readonly string[],
  context: DiagnosisContext = {},
  options: LogTimelineOptions = {},
  unparsedSts = false,
): { findings: Finding[]; timeline: LogTimeline } {
  const timeline = new LogTimeline(context, options);
  for (const line of lines) timeline.learn(line);
  timeline.finish();
  const diagnoser = createTimelineDiagnoser(timeline);
  const findings = lines.flatMap((line) => {
    if (unparsedSts && timeline.joinedStsResponse(line) !== undefined) return [];
    const finding = diagnoser(line);
    return finding?.record.msg === 'access denied' ? [finding] : [];
  });
  return { findings, timeline };
}

describe('the lifecycle families explain the denials after them', () => {
  it('AWS_AUTH_DELETED: aws-auth deleted, then a node role denied', () => {
    // Act
    const [finding] = diagnose([denied(10, 'nodes', 1), info(0, 'Resetting configmap on delete')]);

    // Assess
    expect(finding?.subCause).toBe('AWS_AUTH_DELETED');
  });

  it('ACCESS_ENTRY_FILE_ERROR: the access-entry file broke, then a principal denied', () => {
    // Act
    const [finding] = diagnose([
      info(0, 'ParseMap: could not unmarshal dynamic file.'),
      denied(10, 'dev', 1),
    ]);

    // Assess
    expect(finding?.subCause).toBe('ACCESS_ENTRIES_BROKEN');
  });

  it('AUTH_MODE_SWITCHED: a switch to API explains the denials after it, not those before', () => {
    // Act
    const [before, after] = diagnose([
      denied(0, 'dev', 1),
      info(5, 'BackendMode dynamic file got changed to DynamicFile'),
      denied(10, 'dev', 2),
    ]);

    // Assess
    expect(before?.subCause).toBe('NOT_IN_AWS_AUTH');
    expect(after?.subCause).toBe('MODE_API_IGNORES_AWS_AUTH');
  });

  it('AWS_AUTH_CHANGED: a later change that parses repairs aws-auth', () => {
    // Act
    const [broken, repaired] = diagnose([
      info(0, 'Errors parsing configmap: [yaml: line 3: did not find expected key]'),
      denied(5, 'dev', 1),
      info(20, 'Received aws-auth watch event'),
      denied(30, 'dev', 2),
    ]);

    // Assess
    expect(broken?.subCause).toBe('AWS_AUTH_BROKEN');
    expect(repaired?.subCause).toBe('NOT_IN_AWS_AUTH');
  });

  it('EC2_BATCH_FAILED: joined to the node lookup failures within a minute', () => {
    // Prepare
    const lookup = `time="${at(2)}" level=warning msg="access denied" arn="arn:aws:iam::${ACCOUNT}:role/nodes" client="127.0.0.1:1" error="mapper EKSConfigMap renderTemplates error: error rendering username template \\"system:node:{{EC2PrivateDNSName}}\\": failed querying private DNS from EC2 API for node i-0123456789abcdef0: operation error EC2 " method=POST path=/authenticate`;
    const batch = `time="${at(0)}" level=error msg="Batch call failed querying private DNS from EC2 API for nodes [i-0123456789abcdef0] : with error = []operation error EC2: DescribeInstances, api error UnauthorizedOperation: not authorized "`;

    // Act
    const [finding] = diagnose([lookup, batch]);

    // Assess
    expect(finding?.category).toBe('TEMPLATE_EC2_LOOKUP_FAILED');
    expect(finding?.record.fields.ec2error).toBe('UnauthorizedOperation');
    // The code decides the cause the fix gives: the cluster role lost ec2:DescribeInstances.
    expect(finding?.details.ec2Error).toBe('UnauthorizedOperation');
    expect(finding && remediate(finding).summary).toContain('AmazonEKSClusterPolicy was probably detached');
  });

  it('names the creator from a kubernetes-admin grant anywhere in the log', () => {
    // Prepare
    const timeline = new LogTimeline({ cluster: { accountId: ACCOUNT } });

    // Act
    for (const line of [denied(0, 'dev', 1), granted(100, 'admin', 'kubernetes-admin')]) timeline.learn(line);
    timeline.finish();

    // Assess
    expect(timeline.creatorArn).toBe(`arn:aws:iam::${ACCOUNT}:role/admin`);
  });
});

/** One generated incident: what happened, as lines; each request's STS line next to its denial. */
const scenario = fc
  .record({
    breakAt: fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
    grantAt: fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
    creatorGrant: fc.boolean(),
    denials: fc.array(
      fc.record({
        second: fc.integer({ min: 0, max: 60 }),
        role: fc.constantFrom('dev', 'ci', 'nodes', 'admin'),
        node: fc.boolean(),
      }),
      { minLength: 1, maxLength: 8 },
    ),
  })
  .map(({ breakAt, grantAt, creatorGrant, denials }) => [
    ...(breakAt === undefined ? [] : [info(breakAt, 'Errors parsing configmap: [yaml: line 3]')]),
    ...(grantAt === undefined ? [] : [granted(grantAt, 'ci', 'ci')]),
    ...(creatorGrant ? [granted(1, 'admin', 'kubernetes-admin')] : []),
    ...denials.flatMap(({ second, role, node }, index) => [
      sts(second, role, 1000 + index, node ? `i-0123456789abcdef${index}` : 'alice'),
      denied(second, role, 1000 + index),
    ]),
  ]);

function outcome(lines: readonly string[]): string[] {
  return diagnose(lines, { cluster: { accountId: ACCOUNT, authenticationMode: 'CONFIG_MAP' } })
    .map((finding) => `${finding.time} ${finding.client} ${finding.category} ${finding.subCause}`)
    .sort();
}

describe('order independence', () => {
  it('reversed and shuffled scenarios give every denial the same category and sub-cause', () => {
    fc.assert(
      fc.property(
        scenario.chain((lines) =>
          fc.tuple(fc.constant(lines), fc.shuffledSubarray(lines, { minLength: lines.length })),
        ),
        ([lines, shuffledLines]) => {
          const forward = outcome(lines);
          expect(outcome([...lines].reverse())).toEqual(forward);
          expect(outcome(shuffledLines)).toEqual(forward);
        },
      ),
      { numRuns: 200 },
    );
  });
});

/**
 * `count` requests of one node role (`fleet`: a name that does not look like a node's, so only the
 * STS line's `i-…` session tells), each denied, in EKS's order: the STS line just before its denial.
 */
function nodeDenials(count: number): string[] {
  return Array.from({ length: count }, (_, index) => [
    sts(index, 'fleet', 2000 + index, `i-0123456789abcd${String(index).padStart(3, '0')}`),
    denied(index, 'fleet', 2000 + index),
  ]).flat();
}

const CONFIG_MAP_CLUSTER: DiagnosisContext = {
  cluster: { accountId: ACCOUNT, authenticationMode: 'CONFIG_MAP' },
};

describe('the STS join across the two passes', () => {
  it('finds in the second pass an STS line too far before its denial for the ring, handed over unparsed or not', () => {
    // The request's STS line, then more STS lines of the same second than the ring keeps, then its denial.
    const others = Array.from({ length: 300 }, (_, index) => sts(0, 'other', 5000 + index, 'alice'));
    const lines = [sts(0, 'fleet', 2000, 'i-0123456789abcd000'), ...others, denied(0, 'fleet', 2000)];
    for (const unparsedSts of [false, true]) {
      const { findings } = twoPasses(lines, CONFIG_MAP_CLUSTER, {}, unparsedSts);
      expect(findings.map((finding) => finding.subCause)).toEqual(['NODE_ROLE_NOT_MAPPED']);
    }
  });

  it.each([
    ['in EKS order', (lines: string[]) => lines],
    ['newest first', (lines: string[]) => [...lines].reverse()],
  ])(
    'joins every denial the same when the second pass hands STS responses over unparsed (%s)',
    (_order, order) => {
      const lines = order([...nodeDenials(6), ...mixedLogLines(3_000, 11)]);
      for (const secondPass of ['same-order', 'time-window'] as const) {
        const unparsed = twoPasses(lines, CONFIG_MAP_CLUSTER, { secondPass }, true).findings;
        expect(unparsed).toEqual(twoPasses(lines, CONFIG_MAP_CLUSTER, { secondPass }).findings);
        expect(
          unparsed.filter((finding) => finding.record.fields.session !== undefined).length,
        ).toBeGreaterThan(6);
      }
    },
  );

  it('stores no request in the first pass for a file in EKS order (the second pass finds each STS line itself)', () => {
    // Act
    const { findings, timeline } = twoPasses(nodeDenials(10), CONFIG_MAP_CLUSTER);

    // Assess
    expect(timeline.storedRequests).toBe(0);
    expect(findings.map((finding) => finding.subCause)).toEqual(Array(10).fill('NODE_ROLE_NOT_MAPPED'));
  });

  it('stores each out-of-order request in the first pass (newest first: every STS line after its denial)', () => {
    // Act
    const { findings, timeline } = twoPasses([...nodeDenials(10)].reverse(), CONFIG_MAP_CLUSTER);

    // Assess
    expect(timeline.storedRequests).toBe(10);
    expect(findings.map((finding) => finding.subCause)).toEqual(Array(10).fill('NODE_ROLE_NOT_MAPPED'));
  });

  it('joins every denial in EKS order past the out-of-order cap: the node role is still known by its session', () => {
    // Act
    const { findings, timeline } = twoPasses(nodeDenials(8), CONFIG_MAP_CLUSTER, { maxStoredRequests: 3 });

    // Assess
    expect(timeline.storedRequests).toBe(0);
    expect(findings.map((finding) => finding.record.fields.session)).toEqual(
      Array.from({ length: 8 }, (_, index) => `i-0123456789abcd${String(index).padStart(3, '0')}`),
    );
    expect(findings.map((finding) => finding.subCause)).toEqual(Array(8).fill('NODE_ROLE_NOT_MAPPED'));
  });

  it('past the out-of-order cap, joins no further out-of-order request (newest first: the first 3 read keep theirs)', () => {
    // Act
    const { findings, timeline } = twoPasses([...nodeDenials(8)].reverse(), CONFIG_MAP_CLUSTER, {
      maxStoredRequests: 3,
    });

    // Assess
    expect(timeline.storedRequests).toBe(3);
    expect(findings.map((finding) => finding.subCause)).toEqual([
      ...Array(3).fill('NODE_ROLE_NOT_MAPPED'),
      ...Array(5).fill('NOT_IN_AWS_AUTH'),
    ]);
  });

  it('stores every request of a stream diagnosed through a time window (which moves STS lines away from their denials)', () => {
    // Act
    const { findings, timeline } = twoPasses(nodeDenials(10), CONFIG_MAP_CLUSTER, {
      secondPass: 'time-window',
    });

    // Assess
    expect(timeline.storedRequests).toBe(10);
    expect(findings.map((finding) => finding.subCause)).toEqual(Array(10).fill('NODE_ROLE_NOT_MAPPED'));
  });

  it('a request whose STS line was consumed by an earlier denial of the same request is joined the same in both passes', () => {
    // Prepare: the same denial written twice after its STS line (a paste repeated), then newest first.
    const [stsLine, denial] = nodeDenials(1) as [string, string];
    const forward = [stsLine, denial, denial];

    // Act
    const inOrder = twoPasses(forward, CONFIG_MAP_CLUSTER).findings;
    const reversed = twoPasses([...forward].reverse(), CONFIG_MAP_CLUSTER).findings;

    // Assess
    expect(inOrder.map((finding) => finding.subCause)).toEqual([
      'NODE_ROLE_NOT_MAPPED',
      'NODE_ROLE_NOT_MAPPED',
    ]);
    expect(reversed.map((finding) => finding.subCause)).toEqual([
      'NODE_ROLE_NOT_MAPPED',
      'NODE_ROLE_NOT_MAPPED',
    ]);
  });
});
