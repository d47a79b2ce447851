import {
  CloudWatchLogsClient,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { selftestCommand } from '../../cli/selftest-command';
import { isSelftest, SELFTEST_STREAM_PREFIX } from '../../lambda/engine/diagnose/selftest';
import { parseLine } from '../../lambda/engine/parse/parse';
import { runCommand } from './run-cli';

// CloudWatch Logs has no local implementation, so its API is mocked.
const logs = mockClient(CloudWatchLogsClient);
afterEach(() => logs.reset());

async function run(argv: string[]) {
  const regions: (string | undefined)[] = [];
  const command = selftestCommand((region) => {
    regions.push(region);
    return new CloudWatchLogsClient({ region: region ?? 'us-east-1' });
  });
  const { code, stdout: out, stderr: err } = await runCommand(command, argv);
  return { code, out, err, regions };
}

describe('eks-auth-doctor selftest', () => {
  it('writes one marked denial into a new selftest stream of the cluster log group', async () => {
    logs.on(CreateLogStreamCommand).resolves({}).on(PutLogEventsCommand).resolves({});

    const result = await run(['--cluster', 'prod-eu', '--region', 'eu-west-1']);

    expect(result.code).toBe(0);
    expect(result.regions).toEqual(['eu-west-1']);
    const put = logs.commandCalls(PutLogEventsCommand)[0]?.args[0].input;
    expect(put?.logGroupName).toBe('/aws/eks/prod-eu/cluster');
    expect(put?.logStreamName?.startsWith(SELFTEST_STREAM_PREFIX)).toBe(true);
    expect(logs).toHaveReceivedCommandWith(CreateLogStreamCommand, {
      logGroupName: '/aws/eks/prod-eu/cluster',
      logStreamName: put?.logStreamName,
    });
    const record = parseLine(put?.logEvents?.[0]?.message ?? '');
    expect(record?.msg).toBe('access denied');
    expect(record && isSelftest(put?.logStreamName ?? '', record)).toBe(true);
  });

  it('says to deploy the stack first when the log group does not exist', async () => {
    logs
      .on(CreateLogStreamCommand)
      .rejects(
        new ResourceNotFoundException({ message: 'The specified log group does not exist.', $metadata: {} }),
      );

    const result = await run(['--cluster', 'prod-eu']);

    expect(result.code).toBe(1);
    expect(result.err).toContain('/aws/eks/prod-eu/cluster does not exist in this region. Deploy the stack');
  });

  it('names the permissions it needs when AWS denies the write', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform: logs:PutLogEvents'), {
      name: 'AccessDeniedException',
    });
    logs.on(CreateLogStreamCommand).resolves({}).on(PutLogEventsCommand).rejects(denied);

    const result = await run(['--cluster', 'prod-eu']);

    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'needs logs:CreateLogStream and logs:PutLogEvents on /aws/eks/prod-eu/cluster',
    );
  });

  it.each([
    [[], '--cluster is required'],
    [['--cluster', 'bad name!'], 'is not a valid EKS cluster name'],
    [['--cluster', 'a', 'extra'], 'unexpected argument "extra"'],
  ])('rejects %j as bad usage', async (argv, message) => {
    await expect(run(argv)).rejects.toThrow(message);
  });
});
