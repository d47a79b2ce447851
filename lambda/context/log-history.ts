import { type CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { clusterLogGroupName } from '../contract';
import { parseArn } from '../engine/parse/arn';
import { parseLine } from '../engine/parse/parse';
import type { AuthenticatorRecord, Finding } from '../engine/types';
import { withTimeout } from './timeout';

/** What the cluster's own log says about a denied principal's recent past. */
export interface PrincipalHistory {
  /** The latest `access granted` for the same ARN before the denial (ISO time). */
  readonly lastGrantedAt?: string;
  /** The denial's own `STS response` line (same `client`, same second), when the batch did not hold it. */
  readonly stsResponse?: AuthenticatorRecord;
}

const MINUTE = 60_000;
/**
 * Searched newest first, stopping at the first slice with a grant: "had access until 14:02" needs the
 * latest grant, and a busy principal's grants of a whole day would not fit the result bound.
 */
const SLICES_MS = [15 * MINUTE, 3 * 60 * MINUTE, 24 * 60 * MINUTE] as const;
const EVENTS_PER_PAGE = 1_000;
const PAGES_PER_SLICE = 2;

/**
 * Asks the cluster's log group (`FilterLogEvents`, bounded in time and results) about one denied
 * principal. Throws on failure (throttled, denied, slow); the caller classifies without it.
 */
export class LogHistoryLookup {
  constructor(
    private readonly logs: CloudWatchLogsClient,
    private readonly timeoutMs = 3_000,
  ) {}

  async principalHistory(
    clusterName: string,
    finding: Finding,
    deniedAtMs: number,
  ): Promise<PrincipalHistory> {
    const principal = finding.principal;
    if (!principal) return {};
    const wantSts =
      principal.session === undefined && finding.client !== undefined && finding.time !== undefined;
    const canonical = principal.arn.toLowerCase();
    // The name is in both the canonical ARN of a grant and the raw `assumed-role/<name>/<session>` of
    // an STS response; IAM names are `[\w+=,.@-]`, nothing that needs escaping inside quotes.
    const term = parseArn(principal.arn)?.name ?? principal.arn;
    let stsResponse: AuthenticatorRecord | undefined;
    let end = deniedAtMs + 1_000;
    for (const span of SLICES_MS) {
      const start = deniedAtMs - span;
      let lastGrantedAt: string | undefined;
      for await (const message of this.messages(clusterName, term, start, end)) {
        const record = parseLine(message, { allFields: true });
        if (!record) continue;
        if (
          record.msg === 'access granted' &&
          record.fields.arn?.toLowerCase() === canonical &&
          record.time
        ) {
          if (!lastGrantedAt || record.time > lastGrantedAt) lastGrantedAt = record.time;
        } else if (
          wantSts &&
          record.msg === 'STS response' &&
          record.fields.client === finding.client &&
          record.time === finding.time
        ) {
          stsResponse = record;
        }
      }
      if (lastGrantedAt) return { lastGrantedAt, stsResponse };
      end = start;
    }
    return { stsResponse };
  }

  private async *messages(
    clusterName: string,
    term: string,
    startTime: number,
    endTime: number,
  ): AsyncGenerator<string> {
    let nextToken: string | undefined;
    for (let page = 0; page < PAGES_PER_SLICE; page++) {
      const out = await withTimeout('CloudWatch Logs FilterLogEvents', this.timeoutMs, (abortSignal) =>
        this.logs.send(
          new FilterLogEventsCommand({
            logGroupName: clusterLogGroupName(clusterName),
            logStreamNamePrefix: 'authenticator',
            startTime,
            endTime,
            filterPattern: `"${term}"`,
            limit: EVENTS_PER_PAGE,
            nextToken,
          }),
          { abortSignal },
        ),
      );
      for (const event of out.events ?? []) if (event.message) yield event.message;
      nextToken = out.nextToken;
      if (!nextToken) return;
    }
  }
}
