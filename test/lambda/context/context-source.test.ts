import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeClusterCommand, EKSClient, ListAccessEntriesCommand } from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LiveContextSource, type PrincipalLookup } from '../../../lambda/context/context-source';
import { EksLookup, hasAccessEntryFor } from '../../../lambda/context/eks-lookup';
import { LogHistoryLookup, type PrincipalHistory } from '../../../lambda/context/log-history';
import { classify } from '../../../lambda/engine/classify/classify';
import type { ClusterContext, Finding } from '../../../lambda/engine/types';
import { ACCOUNT, notMappedLine, stsResponseLine, T0 } from '../../helpers/fixtures';
import { parsedLine } from '../engine/fixtures/parsed-line';

const eks = mockClient(EKSClient);
const logs = mockClient(CloudWatchLogsClient);
beforeEach(() => {
  eks.reset();
  logs.reset();
});
afterEach(() => {
  eks.reset();
  logs.reset();
});

const CLUSTER = {
  name: 'prod',
  arn: `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/prod`,
  accessConfig: {
    authenticationMode: 'API_AND_CONFIG_MAP' as const,
    bootstrapClusterCreatorAdminPermissions: false,
  },
};

function source(clock = { now: T0 }, timeoutMs = 300) {
  return new LiveContextSource(
    new EksLookup(new EKSClient({ region: 'eu-west-1' }), timeoutMs),
    new LogHistoryLookup(new CloudWatchLogsClient({ region: 'eu-west-1' }), timeoutMs),
    300_000,
    () => clock.now,
  );
}

function finding(line: string): Finding {
  return classify(parsedLine(line));
}

/** One principal's lookup: the batch call with one request. */
async function lookupOne(context: LiveContextSource, cluster: ClusterContext, denied: Finding, at: number) {
  const [lookup] = await context.principals('prod', cluster, [{ finding: denied, deniedAtMs: at }]);
  return lookup as PrincipalLookup;
}

/** One principal's history: the batch call with one request. */
async function historyOne(history: LogHistoryLookup, denied: Finding, at: number) {
  const [found] = await history.principalHistories('prod', [{ finding: denied, deniedAtMs: at }]);
  return found as PrincipalHistory;
}

const apiCluster: ClusterContext = { clusterName: 'prod', accountId: ACCOUNT, authenticationMode: 'API' };

describe('cluster context from EKS DescribeCluster', () => {
  it('reads the authentication mode, account, region and creator bootstrap flag', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves({ cluster: CLUSTER });

    // Act
    const lookup = await source().cluster('prod');

    // Assess
    expect(lookup).toEqual({
      cluster: {
        clusterName: 'prod',
        region: 'eu-west-1',
        accountId: ACCOUNT,
        authenticationMode: 'API_AND_CONFIG_MAP',
        bootstrapCreatorAdmin: false,
      },
    });
    expect(eks).toHaveReceivedCommandWith(DescribeClusterCommand, { name: 'prod' });
  });

  it('asks EKS once per cluster within the TTL, and again after it', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves({ cluster: CLUSTER });
    const clock = { now: T0 };
    const context = source(clock);

    // Act
    await context.cluster('prod');
    clock.now += 299_000;
    await context.cluster('prod');
    clock.now += 2_000;
    await context.cluster('prod');

    // Assess
    expect(eks).toHaveReceivedCommandTimes(DescribeClusterCommand, 2);
  });

  it.each([
    ['denied', 'AccessDeniedException'],
    ['throttled', 'ThrottlingException'],
  ])('degrades to a context-free lookup that says why when EKS is %s', async (_state, name) => {
    // Prepare
    eks.on(DescribeClusterCommand).rejects(Object.assign(new Error('no'), { name }));

    // Act
    const lookup = await source().cluster('prod');

    // Assess
    expect(lookup.cluster).toEqual({ clusterName: 'prod' });
    expect(lookup.unavailable).toBe(`EKS DescribeCluster failed (${name})`);
  });

  it('gives up on an EKS call that does not answer in time', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).callsFake(() => new Promise(() => undefined));

    // Act
    const lookup = await source({ now: T0 }, 50).cluster('prod');

    // Assess
    expect(lookup.unavailable).toMatch(/LookupTimeoutError/);
  });

  it('sends every lookup without per-call options, so the SDK resolves its middleware once per command', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves({ cluster: CLUSTER });
    eks.on(ListAccessEntriesCommand).resolves({ accessEntries: [] });
    logs.on(FilterLogEventsCommand).resolves({ events: [] });
    const context = source();

    // Act
    await context.cluster('prod');
    await lookupOne(context, apiCluster, finding(notMappedLine('developer', T0, 1)), T0);

    // Assess
    const calls = [...eks.calls(), ...logs.calls()];
    expect(calls.map((call) => call.args[0].constructor.name).sort()).toEqual([
      'DescribeClusterCommand',
      'FilterLogEventsCommand',
      'ListAccessEntriesCommand',
    ]);
    expect(calls.map((call) => (call.args as unknown[]).length)).toEqual([1, 1, 1]);
  });

  it('retries a failed lookup sooner than a successful one is refreshed', async () => {
    // Prepare
    eks
      .on(DescribeClusterCommand)
      .rejectsOnce(Object.assign(new Error('no'), { name: 'ThrottlingException' }))
      .resolves({ cluster: CLUSTER });
    const clock = { now: T0 };
    const context = source(clock);
    await context.cluster('prod');

    // Act
    clock.now += 31_000;
    const later = await context.cluster('prod');

    // Assess
    expect(later.unavailable).toBeUndefined();
    expect(eks).toHaveReceivedCommandTimes(DescribeClusterCommand, 2);
  });
});

describe('access entries', () => {
  it('finds the entry of a role whose entry ARN carries an IAM path the log never shows', () => {
    // Prepare
    const denied = finding(notMappedLine('Developer', T0, 1));

    // Act
    const found = hasAccessEntryFor(denied.principal as NonNullable<Finding['principal']>, [
      `arn:aws:iam::${ACCOUNT}:role/teams/platform/developer`,
    ]);

    // Assess
    expect(found).toBe(true);
  });

  it('does not match a same-named role of another account', () => {
    // Prepare
    const denied = finding(notMappedLine('developer', T0, 1));

    // Act
    const found = hasAccessEntryFor(denied.principal as NonNullable<Finding['principal']>, [
      'arn:aws:iam::999988887777:role/developer',
    ]);

    // Assess
    expect(found).toBe(false);
  });

  it('lists the entries once per cluster and reads every page', async () => {
    // Prepare
    eks
      .on(ListAccessEntriesCommand, { clusterName: 'prod', nextToken: undefined })
      .resolves({ accessEntries: [`arn:aws:iam::${ACCOUNT}:role/other`], nextToken: 'page-2' })
      .on(ListAccessEntriesCommand, { clusterName: 'prod', nextToken: 'page-2' })
      .resolves({ accessEntries: [`arn:aws:iam::${ACCOUNT}:role/developer`] });
    const context = source();

    // Act
    const first = await lookupOne(context, apiCluster, finding(notMappedLine('developer', T0, 1)), T0);
    const second = await lookupOne(context, apiCluster, finding(notMappedLine('other', T0, 2)), T0);

    // Assess
    expect(first.principal.hasAccessEntry).toBe(true);
    expect(second.principal.hasAccessEntry).toBe(true);
    expect(eks).toHaveReceivedCommandTimes(ListAccessEntriesCommand, 2);
  });

  it('does not ask for access entries on a CONFIG_MAP cluster, which has none', async () => {
    // Prepare
    logs.on(FilterLogEventsCommand).resolves({ events: [] });

    // Act
    const lookup = await lookupOne(
      source(),
      { ...apiCluster, authenticationMode: 'CONFIG_MAP' },
      finding(notMappedLine('developer', T0, 1)),
      T0,
    );

    // Assess
    expect(lookup.principal.hasAccessEntry).toBeUndefined();
    expect(eks).not.toHaveReceivedCommand(ListAccessEntriesCommand);
  });

  it('says why when the access entries cannot be listed', async () => {
    // Prepare
    eks
      .on(ListAccessEntriesCommand)
      .rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
    logs.on(FilterLogEventsCommand).resolves({ events: [] });

    // Act
    const lookup = await lookupOne(source(), apiCluster, finding(notMappedLine('developer', T0, 1)), T0);

    // Assess
    expect(lookup.principal.hasAccessEntry).toBeUndefined();
    expect(lookup.unavailable).toBe('EKS ListAccessEntries failed (AccessDeniedException)');
  });
});

describe('the log history of a denied principal', () => {
  it('is not searched for a principal whose history the batch already holds; the others are', async () => {
    // Prepare
    eks.on(ListAccessEntriesCommand).resolves({ accessEntries: [] });
    logs.on(FilterLogEventsCommand).resolves({ events: [] });
    const known = finding(notMappedLine('developer', T0, 1));
    const unknown = finding(notMappedLine('ci-deployer', T0, 2));

    // Act
    const onlyKnown = await source().principals('prod', apiCluster, [
      { finding: known, deniedAtMs: T0, historyKnown: true },
    ]);
    const callsWhenKnown = logs.commandCalls(FilterLogEventsCommand).length;
    await source().principals('prod', apiCluster, [
      { finding: known, deniedAtMs: T0, historyKnown: true },
      { finding: unknown, deniedAtMs: T0 },
    ]);
    const patterns = logs
      .commandCalls(FilterLogEventsCommand)
      .map((call) => call.args[0].input.filterPattern);

    // Assess: the access entries are still looked up for it
    expect(onlyKnown[0]?.principal.hasAccessEntry).toBe(false);
    expect(callsWhenKnown).toBe(0);
    expect(patterns.length).toBeGreaterThan(0);
    expect(
      patterns.every((pattern) => pattern?.includes('ci-deployer') && !pattern.includes('developer')),
    ).toBe(true);
  });

  it('finds the latest grant of a day that fits one page in one query', async () => {
    // Prepare
    const grant = (time: string) =>
      `time="${time}" level=info msg="access granted" arn="arn:aws:iam::${ACCOUNT}:role/developer" client="127.0.0.1:9" groups="[]" method=POST path=/authenticate uid="aws-iam-authenticator:${ACCOUNT}:AROA1" username=developer`;
    logs.on(FilterLogEventsCommand).resolves({
      events: [{ message: grant('2026-11-24T13:50:00Z') }, { message: grant('2026-11-24T13:58:00Z') }],
    });
    const history = new LogHistoryLookup(new CloudWatchLogsClient({ region: 'eu-west-1' }));

    // Act
    const found = await historyOne(history, finding(notMappedLine('developer', T0, 1)), T0);

    // Assess
    expect(found.lastGrantedAt).toBe('2026-11-24T13:58:00Z');
    expect(logs).toHaveReceivedCommandTimes(FilterLogEventsCommand, 1);
    expect(logs).toHaveReceivedCommandWith(FilterLogEventsCommand, {
      logGroupName: '/aws/eks/prod/cluster',
      startTime: T0 - 24 * 60 * 60_000,
      endTime: T0 + 1000,
      limit: 1000,
    });
  });

  it('takes no answer from a day whose page came back empty with a token left: the slices are asked', async () => {
    // Prepare: FilterLogEvents "can return empty results while there are more log events available".
    const grant = `time="2026-11-24T13:58:00Z" level=info msg="access granted" arn="arn:aws:iam::${ACCOUNT}:role/developer" client="127.0.0.1:9" groups="[]" method=POST path=/authenticate uid="aws-iam-authenticator:${ACCOUNT}:AROA1" username=developer`;
    logs
      .on(FilterLogEventsCommand)
      .resolvesOnce({ events: [], nextToken: 'more' })
      .resolves({ events: [{ message: grant }] });
    const history = new LogHistoryLookup(new CloudWatchLogsClient({ region: 'eu-west-1' }));

    // Act
    const found = await historyOne(history, finding(notMappedLine('developer', T0, 1)), T0);

    // Assess
    expect(found.lastGrantedAt).toBe('2026-11-24T13:58:00Z');
    expect(logs).toHaveReceivedCommandTimes(FilterLogEventsCommand, 2);
    expect(logs).toHaveReceivedNthCommandWith(FilterLogEventsCommand, 2, { startTime: T0 - 15 * 60_000 });
  });

  it('looks back one day at the most, in one query when the day has nothing', async () => {
    // Prepare
    logs.on(FilterLogEventsCommand).resolves({ events: [] });
    const history = new LogHistoryLookup(new CloudWatchLogsClient({ region: 'eu-west-1' }));

    // Act
    const found = await historyOne(history, finding(notMappedLine('developer', T0, 1)), T0);

    // Assess
    expect(found.lastGrantedAt).toBeUndefined();
    expect(logs).toHaveReceivedCommandTimes(FilterLogEventsCommand, 1);
    expect(logs).toHaveReceivedNthCommandWith(FilterLogEventsCommand, 1, {
      startTime: T0 - 24 * 60 * 60_000,
    });
  });

  it('fetches the denial’s own STS response (same client, same second) when the batch lacked it', async () => {
    // Prepare
    logs.on(FilterLogEventsCommand).resolves({
      events: [
        { message: stsResponseLine('developer', 'other-session', T0, 8) },
        { message: stsResponseLine('developer', 'alice', T0, 7) },
      ],
    });
    const history = new LogHistoryLookup(new CloudWatchLogsClient({ region: 'eu-west-1' }));

    // Act
    const found = await historyOne(history, finding(notMappedLine('developer', T0, 7)), T0);

    // Assess
    expect(found.stsResponse?.fields.session).toBe('alice');
  });
});
