import { randomUUID } from 'node:crypto';
import {
  CloudWatchLogsClient,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { clusterLogGroupName } from '../lambda/contract';
import { SELFTEST_STREAM_PREFIX, selftestLine } from '../lambda/engine/diagnose/selftest';
import { checkedCluster, checkedRegion, parseCommandArgs } from './args';
import { type CliCommand, UsageError } from './io';

export const SELFTEST_USAGE = `Usage: eks-auth-doctor selftest --cluster NAME [--region REGION]

Writes one clearly marked synthetic denial into a new '${SELFTEST_STREAM_PREFIX}…' stream of the
cluster's log group /aws/eks/NAME/cluster. The deployed pipeline recognises it and sends a
"pipeline works" message through every configured sink (email, AWS Chatbot, Slack), bypassing
deduplication. Uses your usual AWS credentials (AWS_PROFILE etc.); needs logs:CreateLogStream and
logs:PutLogEvents on that log group.

Options:
  --cluster NAME     the EKS cluster whose pipeline to test (required)
  --region REGION    its region (default: the AWS CLI/SDK default region)
  -h, --help         show this help
`;

/** What the command needs from CloudWatch Logs; tests pass a client pointed at a mock. */
export type LogsClientFactory = (region: string | undefined) => CloudWatchLogsClient;

const defaultClient: LogsClientFactory = (region) => new CloudWatchLogsClient(region ? { region } : {});

export function selftestCommand(createClient: LogsClientFactory = defaultClient): CliCommand {
  return async (argv, io) => {
    const options = parseSelftestArgs(argv);
    if (options === 'help') {
      io.stdout.write(SELFTEST_USAGE);
      return 0;
    }
    const logGroupName = clusterLogGroupName(options.cluster);
    const logStreamName = `${SELFTEST_STREAM_PREFIX}${new Date().toISOString().replace(/[:.]/g, '-')}`;
    const id = randomUUID();
    const client = createClient(options.region);
    try {
      await client.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
      await client.send(
        new PutLogEventsCommand({
          logGroupName,
          logStreamName,
          logEvents: [{ timestamp: Date.now(), message: selftestLine(id, new Date()) }],
        }),
      );
    } catch (error) {
      io.stderr.write(`eks-auth-doctor selftest: ${explain(error as Error, logGroupName)}\n`);
      return 1;
    } finally {
      client.destroy();
    }
    io.stdout.write(
      `Wrote self-test ${id} to ${logGroupName} (stream ${logStreamName}).\n` +
        'Within a minute every configured sink should receive "eks-auth-doctor pipeline works". If nothing\n' +
        "arrives, look at the diagnosis function's log group (/aws/lambda/<stack>-…) and the dead-letter queue.\n",
    );
    return 0;
  };
}

export const runSelftest: CliCommand = selftestCommand();

function parseSelftestArgs(argv: readonly string[]): { cluster: string; region?: string } | 'help' {
  const parsed = parseCommandArgs(argv, {
    cluster: { type: 'string' },
    region: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (parsed.values.help) return 'help';
  const cluster = checkedCluster(parsed.values.cluster);
  if (cluster === undefined) throw new UsageError('--cluster is required, e.g. --cluster prod-eu');
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
  return { cluster, region: checkedRegion(parsed.values.region) };
}

/** The AWS error, and what to do about it. */
function explain(error: Error, logGroupName: string): string {
  switch (error.name) {
    case 'ResourceNotFoundException':
      return `${logGroupName} does not exist in this region. Deploy the stack for this cluster first (it creates the group and turns on authenticator logging), or pass the right --region.`;
    case 'AccessDeniedException':
    case 'AccessDenied':
      return `AWS denied the write: ${error.message}. The self-test needs logs:CreateLogStream and logs:PutLogEvents on ${logGroupName}.`;
    case 'CredentialsProviderError':
      return `no AWS credentials found (${error.message}). Set AWS_PROFILE or run 'aws sso login' first.`;
    default:
      return `could not write the self-test to ${logGroupName}: ${error.name}: ${error.message}`;
  }
}
