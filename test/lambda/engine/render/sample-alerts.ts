import { readFileSync } from 'node:fs';
import type { AuthenticationMode } from '../../../../lambda/engine/categories';
import { isAlertable } from '../../../../lambda/engine/categories';
import { problemNotification } from '../../../../lambda/engine/diagnose/alert';
import { createLineDiagnoser } from '../../../../lambda/engine/diagnose/diagnose-lines';
import { openProblem } from '../../../../lambda/engine/diagnose/problem';
import { problemKey } from '../../../../lambda/engine/diagnose/problem-key';
import type { DiagnosisContext, Notification } from '../../../../lambda/engine/types';

/** The sample log: one line for each common category and sub-cause (README, "Try it"). */
export const SAMPLE_LOG = 'examples/authenticator.log';

/**
 * The sample's two aws-auth parse-error lines: without them, the denials the breakage explains are
 * seen as themselves (the on-call role's access removed, the node role not mapped) in every mode.
 */
export const AWS_AUTH_BREAKAGE = /msg="(Errors parsing configmap|There was an error parsing the config maps)/;

/**
 * The first alert of every distinct problem of the sample, as the pipeline would send it; with
 * `without`, the sample less the lines it matches.
 */
export function sampleAlerts(mode?: AuthenticationMode, without?: RegExp): Notification[] {
  const context: DiagnosisContext = {
    cluster: {
      clusterName: 'prod',
      region: 'eu-west-1',
      accountId: '111122223333',
      authenticationMode: mode,
    },
  };
  const diagnose = createLineDiagnoser(context);
  const seen = new Map<string, Notification>();
  for (const line of readFileSync(SAMPLE_LOG, 'utf8').split('\n')) {
    if (without?.test(line)) continue;
    const finding = diagnose(line);
    if (!finding || !isAlertable(finding.category)) continue;
    const key = problemKey('prod', finding);
    if (seen.has(key)) continue;
    const time = finding.time === undefined ? Number.NaN : Date.parse(finding.time);
    seen.set(key, problemNotification('alert', openProblem(key, finding, context, time)));
  }
  return [...seen.values()];
}

/** `CATEGORY/SUB_CAUSE` of a notification, for test names and tables. */
export function problemName(n: Notification): string {
  return `${n.finding?.category}${n.finding?.subCause ? `/${n.finding.subCause}` : ''}`;
}
