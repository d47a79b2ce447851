import { clusterLogGroupName } from '../../../lambda/contract';
import { isDenialCategory } from '../../../lambda/engine/categories';
import { createLineDiagnoser } from '../../../lambda/engine/diagnose/diagnose-lines';
import { LogMemory } from '../../../lambda/engine/diagnose/log-memory';
import type { Finding } from '../../../lambda/engine/types';
import { clusterNames } from '../../../lambda/engine/wording/names';
import { awsProblemOf, problemDetail } from '../aws-errors';
import { type CheckStep, fail, pass, unknown } from '../check';
import { diagnosisContextOf } from '../diagnosis-context';
import { shown } from '../shown';
import { enableAuthenticatorLogging } from '../verdict/commands';

/** Enough for any realistic hour of one principal; past it the newest records are the ones that count. */
const MAX_EVENTS = 5_000;

/**
 * Runbook step 12: what the authenticator said about this principal. Its `authenticator-*` streams
 * are searched for the principal's name over `--since`, and every line goes through the same
 * diagnoser as the pipeline, so the category is exactly the one an alert would carry.
 */
export const authenticatorLogCheck: CheckStep = {
  id: 'authenticator-log',
  title: 'authenticator log',
  async run(facts) {
    const { cluster, principal, aws, options, environment } = facts;
    if (!cluster || !aws) return unknown('not read without the cluster');
    if (!cluster.authenticatorLogging) {
      return unknown(
        `authenticator logging is off; to turn it on: ${enableAuthenticatorLogging(clusterNames({ clusterName: cluster.name, region: cluster.region }))}`,
        {
          authenticatorLog: { state: 'logging off' },
        },
      );
    }
    if (!principal) return unknown('not searched without the identity');
    const logGroupName = clusterLogGroupName(cluster.name);
    const endTime = environment.now().getTime();
    let events: readonly { timestamp: number; message: string }[];
    try {
      const found = await aws.filterLogEvents(cluster.region, {
        logGroupName,
        streamPrefix: 'authenticator',
        startTime: endTime - options.sinceMs,
        endTime,
        // IAM names hold no quote or space, so the name is one exact term; lines of the same request
        // that name it differently (the STS response's assumed-role ARN) contain it too.
        filterPattern: `"${principal.parsed.name ?? principal.arn}"`,
        maxEvents: MAX_EVENTS,
      });
      if (!found) {
        return unknown(`log group ${logGroupName} does not exist (logging was turned on only just now?)`, {
          authenticatorLog: { state: 'no log group' },
        });
      }
      events = [...found.events].sort((a, b) => a.timestamp - b.timestamp);
    } catch (error) {
      const problem = awsProblemOf(error);
      return unknown(
        `${logGroupName}: ${problemDetail(problem, 'logs:FilterLogEvents')}`,
        { authenticatorLog: { state: 'unknown' } },
        problem.kind === 'access-denied' ? 'logs:FilterLogEvents' : undefined,
      );
    }
    const context = diagnosisContextOf(facts);
    const memory = new LogMemory(context);
    const diagnose = createLineDiagnoser(context, { allFields: true }, memory);
    const wanted = principal.arn.toLowerCase();
    let denials = 0;
    let grants = 0;
    let latest: Finding | undefined;
    for (const event of events) {
      const finding = diagnose(event.message);
      if (!finding || finding.principal?.arn.toLowerCase() !== wanted) continue;
      if (finding.category === 'ACCESS_GRANTED') grants++;
      else if (isDenialCategory(finding.category)) denials++;
      else continue;
      latest = finding;
    }
    const creatorArn = memory.contextFor(principal.arn).cluster?.creatorArn;
    const authenticatorLog = { state: 'read' as const, denials, grants, latest, creatorArn };
    const since = `the last ${options.sinceText}`;
    if (!latest) {
      return unknown(
        `no record of ${principal.arn} in ${since}: its requests were refused before STS (a bad token), or went to another cluster`,
        { authenticatorLog },
      );
    }
    const at = latest.time ? ` at ${shown(latest.time, 40)}` : '';
    if (latest.category === 'ACCESS_GRANTED') {
      const username = latest.record.fields.username;
      return pass(
        `granted${at}${username ? ` as ${shown(username, 80)}` : ''}${denials > 0 ? `, after ${denials} denials` : ''}`,
        { authenticatorLog },
      );
    }
    const category = latest.subCause ? `${latest.category}/${latest.subCause}` : latest.category;
    const said = latest.error ? `: "${shown(latest.error, 100)}"` : '';
    return fail(
      `${denials} ${denials === 1 ? 'denial' : 'denials'} in ${since}, latest${at}: ${category}${said}`,
      {
        authenticatorLog,
      },
    );
  },
};
