import type { CloudWatchLogsLogEvent } from 'aws-lambda';
import { encodeSubscriptionData, subscriptionPayload } from '../../lambda/subscription/encode';

export const ACCOUNT = '111122223333';
export const T0 = Date.parse('2026-11-24T14:02:00Z');

const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** `identity is not mapped` for a role, as EKS logs it after STS succeeded. */
export function notMappedLine(role: string, at: number, port: number, account = ACCOUNT): string {
  return `time="${stamp(at)}" level=warning msg="access denied" arn="arn:aws:iam::${account}:role/${role}" client="127.0.0.1:${port}" error="identity is not mapped" method=POST path=/authenticate`;
}

/** The `STS response` line of the same request (same client, same time). */
export function stsResponseLine(
  role: string,
  session: string,
  at: number,
  port: number,
  account = ACCOUNT,
): string {
  return `time="${stamp(at)}" level=info msg="STS response" accesskeyid=ASIAEXAMPLE0001 accountid=${account} arn="arn:aws:sts::${account}:assumed-role/${role}/${session}" client="127.0.0.1:${port}" method=POST path=/authenticate session=${session} userid=AROAEXAMPLE1`;
}

/** A forged token's rejected host, with inner quotes escaped the way logrus (Go `%q`) writes them. */
export function rejectedHostLine(host: string, at: number, port: number): string {
  const error = `input token was not properly formatted: unexpected hostname ${JSON.stringify(host)} in pre-signed URL`;
  return `time="${stamp(at)}" level=warning msg="access denied" client="127.0.0.1:${port}" error=${JSON.stringify(error)} method=POST path=/authenticate`;
}

export function tokenNotAwsLine(at: number, port: number): string {
  return `time="${stamp(at)}" level=warning msg="access denied" client="127.0.0.1:${port}" error="input token was not properly formatted: token is missing expected \\"k8s-aws-v1.\\" prefix" method=POST path=/authenticate`;
}

let nextId = 1;

/** A subscription event (`{ awslogs: { data } }`) holding `lines`, one event each, with fresh IDs. */
export function subscriptionEvent(
  lines: readonly string[],
  options: { cluster?: string; stream?: string; at?: number; owner?: string } = {},
): { awslogs: { data: string } } {
  const at = options.at ?? T0;
  const events: CloudWatchLogsLogEvent[] = lines.map((message, i) => ({
    id: String(nextId++).padStart(56, '0'),
    timestamp: at + i,
    message,
  }));
  const payload = subscriptionPayload(
    `/aws/eks/${options.cluster ?? 'prod'}/cluster`,
    options.stream ?? 'authenticator-0123456789abcdef0123456789abcdef',
    events,
    options.owner ?? ACCOUNT,
  );
  return { awslogs: { data: encodeSubscriptionData(payload) } };
}
