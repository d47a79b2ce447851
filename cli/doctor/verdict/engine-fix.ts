import { createLineDiagnoser } from '../../../lambda/engine/diagnose/diagnose-lines';
import { remediate } from '../../../lambda/engine/remediate';
import type { Finding, Fix } from '../../../lambda/engine/types';
import { COMMAND_SAFE_ARN, PLACEHOLDER } from '../../../lambda/engine/wording/names';
import { diagnosisContextOf } from '../diagnosis-context';
import type { DoctorFacts } from '../facts';
import { type PredictedDenial, predictedDenialLine } from './predicted-denial';
import type { VerdictFix } from './verdict';

const PROFILE_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * The pipeline's fix for a failure the authenticator logs: for a line it did log (found by the
 * authenticator-log check), or for the line it would log (predicted from what the checks saw). The
 * engine classifies and remediates with what the doctor learned (mode, aws-auth, access entry), then
 * the person's profile is filled in where the fix has `<profile>`.
 */
export function engineFix(facts: DoctorFacts, denial: PredictedDenial | Finding): VerdictFix {
  const context = diagnosisContextOf(facts);
  const finding =
    'record' in denial
      ? denial
      : createLineDiagnoser(context)(predictedDenialLine(denial, facts.environment.now()));
  // A predicted line always parses; the fallback only keeps the type honest.
  if (!finding) return { fix: { title: 'Unrecognised failure', summary: '', steps: [], warnings: [] } };
  const fix = withFullArn(remediate(finding, context), facts.principal?.arn, facts.principal?.fullArn);
  return {
    fix: withProfile(fix, facts.profile?.name),
    category: finding.category,
    subCause: finding.subCause,
  };
}

/**
 * Access entries name a role by its full ARN, path included, which no log line shows (the engine
 * writes the path-less ARN and a step to look the path up); the doctor asked IAM, so its access-entry
 * commands get the full ARN. aws-auth commands keep the path-less one, as they must.
 */
export function withFullArn(fix: Fix, arn: string | undefined, fullArn: string | undefined): Fix {
  if (arn === undefined || fullArn === undefined || arn === fullArn || !COMMAND_SAFE_ARN.test(fullArn))
    return fix;
  const fill = (command: string) => {
    if (!command.startsWith('aws eks ')) return command;
    const words = command.split(' ');
    return words
      .map((word, at) => (word === arn && words[at - 1] === '--principal-arn' ? fullArn : word))
      .join(' ');
  };
  return {
    ...fix,
    steps: fix.steps.map((step) =>
      step.command === undefined ? step : { ...step, command: fill(step.command) },
    ),
  };
}

/** `<profile>` → the person's profile name, when there is one and it looks like one. */
export function withProfile(fix: Fix, profile: string | undefined): Fix {
  if (profile === undefined || !PROFILE_NAME.test(profile)) return fix;
  const fill = (text: string) => text.replaceAll(PLACEHOLDER.profile, profile);
  return {
    ...fix,
    summary: fill(fix.summary),
    steps: fix.steps.map((step) => ({
      text: fill(step.text),
      ...(step.command === undefined ? {} : { command: fill(step.command) }),
    })),
    warnings: fix.warnings.map(fill),
  };
}

/** A profile name safe to put in a command, else the placeholder. */
export function profileWord(profile: string | undefined): string {
  return profile !== undefined && PROFILE_NAME.test(profile) ? profile : PLACEHOLDER.profile;
}
