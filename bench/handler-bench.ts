import { execFileSync, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EKSClient } from '@aws-sdk/client-eks';
import { SNSClient } from '@aws-sdk/client-sns';
import type { CloudWatchLogsLogEvent } from 'aws-lambda';
import { SDK_CLIENT_DEFAULTS } from '../lambda/common/sdk-clients';
import { LiveContextSource } from '../lambda/context/context-source';
import { EksLookup } from '../lambda/context/eks-lookup';
import { LogHistoryLookup } from '../lambda/context/log-history';
import { clusterLogGroupName, METRICS_NAMESPACE, SERVICE_NAME } from '../lambda/contract';
import { MemoryDedupStore } from '../lambda/dedup/memory-store';
import { SnsSink, snsPublisher } from '../lambda/delivery/sns';
import { RecordingObservability } from '../lambda/observability/observability';
import { createDiagnoseHandler } from '../lambda/pipeline/handler';
import {
  encodeSubscriptionData,
  MAX_PAYLOAD_BYTES,
  subscriptionPayload,
} from '../lambda/subscription/encode';
import { ASSETS_DIR, PROJECT_ROOT } from '../lib/lambda-bundling';
import { median } from './median';
import { mixedLogLines } from './mixed-log';

/** Settings the handler module validates at import (cold start). */
export const HANDLER_ENV = {
  TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:eks-auth-doctor',
  DEDUP_TABLE_NAME: 'eks-auth-doctor-dedup',
  AWS_REGION: 'eu-west-1',
  POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
  POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
};

/**
 * The Lambda's figures for `npm run bench`:
 * - `handler_vs_floor`: the handler on a 1 MB (decompressed) payload of mixed lines, AWS answered
 *   locally, divided by base64 + gunzip + `JSON.parse` of the same payload (the least any handler does).
 * - `bundle_kb`: the minified deployment bundle, the asset the stack deploys (dist/assets, rebuilt here).
 * - `cold_import_ms`: importing that bundle in a fresh Node process, minus a bare Node start.
 */
export async function benchHandler(): Promise<Record<string, number>> {
  const bundle = bundleHandler();
  const ratio = await handlerVsFloor();
  return {
    handler_vs_floor: ratio.steady,
    handler_alerting_vs_floor: ratio.alerting,
    bundle_kb: Math.round((statSync(bundle).size / 1024) * 10) / 10,
    cold_import_ms: coldImportMs(bundle),
  };
}

/** Builds the Lambda assets as `npm run build` does and returns the diagnosis function's. */
export function bundleHandler(): string {
  execFileSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'build.mjs'), 'assets'], {
    stdio: 'inherit',
  });
  return join(ASSETS_DIR, 'diagnose', 'index.mjs');
}

/** One subscription payload of mixed authenticator lines, 1 MB of JSON once decompressed, encoded. */
function mixedPayload(batch = 0): string {
  const events: CloudWatchLogsLogEvent[] = [];
  let bytes = 300;
  const start = Date.parse('2026-11-24T00:00:00Z');
  for (const line of mixedLogLines(100_000, 7)) {
    const event = {
      id: String(batch).padStart(8, '0') + String(events.length).padStart(48, '0'),
      timestamp: start + events.length * 37,
      message: line,
    };
    const size = Buffer.byteLength(JSON.stringify(event)) + 1;
    if (bytes + size > MAX_PAYLOAD_BYTES) break;
    events.push(event);
    bytes += size;
  }
  const payload = subscriptionPayload(clusterLogGroupName('bench'), 'authenticator-0123456789abcdef', events);
  return encodeSubscriptionData(payload);
}

/**
 * Answers the SDK's HTTP requests in process, so the clients run their real serialisation, signing
 * and parsing, without a network: SNS `Publish` and `PublishBatch` (every entry successful), EKS `DescribeCluster`/`ListAccessEntries`, Logs
 * `FilterLogEvents`.
 */
export const localAws = {
  async handle(request: { hostname: string; path: string; body?: unknown }) {
    let body = '{"events":[]}';
    let type = 'application/json';
    const form = typeof request.body === 'string' ? request.body : '';
    if (request.hostname.startsWith('sns.') && form.includes('Action=PublishBatch')) {
      type = 'text/xml';
      const ids = [...form.matchAll(/PublishBatchRequestEntries\.member\.\d+\.Id=([^&]+)/g)].map((m) => m[1]);
      const members = ids
        .map((id) => `<member><Id>${id}</Id><MessageId>m-${id}</MessageId></member>`)
        .join('');
      body = `<PublishBatchResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishBatchResult><Successful>${members}</Successful><Failed></Failed></PublishBatchResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishBatchResponse>`;
    } else if (request.hostname.startsWith('sns.')) {
      type = 'text/xml';
      body =
        '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>';
    } else if (request.hostname.startsWith('eks.')) {
      body = request.path.endsWith('/access-entries')
        ? '{"accessEntries":[]}'
        : '{"cluster":{"name":"bench","arn":"arn:aws:eks:eu-west-1:111122223333:cluster/bench","accessConfig":{"authenticationMode":"API_AND_CONFIG_MAP","bootstrapClusterCreatorAdminPermissions":true}}}';
    }
    const headers = { 'content-type': type, 'x-amzn-requestid': 'r-1' };
    return { response: { statusCode: 200, reason: 'OK', headers, body: Readable.from([Buffer.from(body)]) } };
  },
  updateHttpClientConfig() {},
  httpHandlerConfigs() {
    return {};
  },
};

/**
 * Handler time over floor time, median of many runs, measured in the same process:
 * - `steady`: the payload's problems were alerted before (dedup state and context cache warm): the
 *   case of every payload of a storm after its first, which is when 1 MB payloads arrive;
 * - `alerting`: a fresh dedup store and context cache: every problem in the payload is new, so each
 *   is looked up, alerted, rendered and published (the first payload of a storm).
 */
async function handlerVsFloor(): Promise<{ steady: number; alerting: number }> {
  // The storm's later payloads: the same lines, new event IDs (so not a retry of the first).
  const payloads = Array.from({ length: 100 }, (_, i) => mixedPayload(i + 1));
  const data = mixedPayload();
  // The diagnosis function's client settings, on a request handler that answers in process.
  const config = {
    ...SDK_CLIENT_DEFAULTS,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
    requestHandler: localAws as never,
  };
  const eks = new EKSClient(config);
  const logs = new CloudWatchLogsClient(config);
  const sns = new SNSClient(config);
  const now = () => Date.parse('2026-11-24T00:05:00Z');
  const pipeline = () => ({
    settings: { windowMs: 3_600_000, cap: 20 },
    store: new MemoryDedupStore(),
    context: new LiveContextSource(new EksLookup(eks), new LogHistoryLookup(logs), 300_000, now),
    sinks: [new SnsSink(snsPublisher(sns), HANDLER_ENV.TOPIC_ARN)],
    observability: new RecordingObservability(),
    now,
  });
  const timed = async (handler: ReturnType<typeof createDiagnoseHandler>, payload = data) => {
    const started = performance.now();
    await handler({ awslogs: { data: payload } });
    return performance.now() - started;
  };
  const floor = () => {
    const started = performance.now();
    JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8'));
    return performance.now() - started;
  };
  // Steady state: one environment (warm store and caches), the storm's next payloads one by one.
  const steadyHandler = createDiagnoseHandler(pipeline());
  await timed(steadyHandler);
  let next = 0;
  const steadyRun = () => timed(steadyHandler, payloads[next++ % payloads.length]);
  const alertingRun = () => timed(createDiagnoseHandler(pipeline()));
  for (let i = 0; i < 30; i++) {
    await alertingRun();
    await steadyRun();
    floor();
  }
  const steady: number[] = [];
  const alerting: number[] = [];
  const floors: number[] = [];
  for (let i = 0; i < 31; i++) {
    steady.push(await steadyRun());
    alerting.push(await alertingRun());
    floors.push(floor());
  }
  const base = median(floors);
  return { steady: round2(median(steady) / base), alerting: round2(median(alerting) / base) };
}

function coldImportMs(bundle: string): number {
  const env = { ...process.env, ...HANDLER_ENV };
  const time = (args: string[]) => {
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const elapsed = performance.now() - started;
    if (result.status !== 0)
      throw new Error(`node ${args.join(' ')} failed: ${result.stderr.toString().slice(0, 500)}`);
    return elapsed;
  };
  const importBundle = [
    '--input-type=module',
    '-e',
    `await import(${JSON.stringify(pathToFileURL(bundle).href)});`,
  ];
  const bare = ['--input-type=module', '-e', ''];
  const imports: number[] = [];
  const bares: number[] = [];
  time(importBundle);
  for (let i = 0; i < 9; i++) {
    imports.push(time(importBundle));
    bares.push(time(bare));
  }
  return Math.round(median(imports) - median(bares));
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
