import { AWS_AUTH_PARSE_MESSAGES } from '../../contract/authenticator-messages';
import { parseArn } from '../parse/arn';
import type { AuthenticatorRecord, DiagnosisContext, Finding, Principal } from '../types';
import type { Category } from './categories';
import { categorizeDenial } from './denial-rules';
import { detailsOf } from './details';
import { identitySubCause } from './identity-sub-cause';
import { severityOf } from './severity';

/**
 * Classifies one authenticator record: what happened (category, sub-cause, severity), to whom
 * (principal) and the facts a fix needs (details). Pure; never throws.
 *
 * The context refines IDENTITY_NOT_MAPPED only; the Lambda calls this again once it has looked the
 * principal up, which is cheap.
 */
export function classify(record: AuthenticatorRecord, context?: DiagnosisContext): Finding {
  return findingOf(record, categoryOf(record), context);
}

/** `classify` for a caller that already knows the category (and so which context it needs). */
export function findingOf(
  record: AuthenticatorRecord,
  category: Category,
  context?: DiagnosisContext,
): Finding {
  const principal = principalOf(record, category);
  const subCause =
    category === 'IDENTITY_NOT_MAPPED' ? identitySubCause(principal, record.time, context) : undefined;
  return {
    category,
    subCause,
    severity: severityOf(category, subCause),
    time: record.time,
    principal,
    client: record.fields.client,
    error: record.fields.error,
    details: detailsOf(category, record),
    record,
  };
}

/** Lower-case starts of the messages logged when aws-auth fails to parse (reference §3). */
const AWS_AUTH_PARSE_STARTS = AWS_AUTH_PARSE_MESSAGES.map((message) => message.startsWith.toLowerCase());

export function categoryOf(record: AuthenticatorRecord): Category {
  switch (record.msg) {
    case 'access denied':
      return record.fields.error === undefined ? 'UNKNOWN' : categorizeDenial(record.fields.error);
    case 'STS response':
      return 'STS_RESPONSE';
    case 'access granted':
      return 'ACCESS_GRANTED';
  }
  const msg = record.msg.toLowerCase();
  return AWS_AUTH_PARSE_STARTS.some((start) => msg.startsWith(start)) ? 'AWS_AUTH_PARSE_ERROR' : 'INFO';
}

/** The old EKS fork named the ARN in the error instead of an `arn=` field. */
const ARN_IN_ERROR = /^ARN is not mapped: (\S+)/i;

// uid = "aws-iam-authenticator:<account>:<unique id>" (or "heptio-authenticator-aws:…").
const UID = /^[\w-]+:(\d{12}):([A-Z0-9]+)$/;

function principalOf(record: AuthenticatorRecord, category: Category): Principal | undefined {
  const fields = record.fields;
  const logged =
    fields.arn ??
    (category === 'IDENTITY_NOT_MAPPED' ? ARN_IN_ERROR.exec(fields.error ?? '')?.[1] : undefined);
  // On an `STS response` line `arn=` is the raw STS ARN; elsewhere it is canonical and the raw one was joined in.
  const stsArn = category === 'STS_RESPONSE' ? logged : fields.stsarn;
  if (logged === undefined) return undefined;
  const parsed = parseArn(logged);
  // Most records name their principal by ARN alone (grants, unjoined denials): share one object per ARN.
  const onlyArn =
    stsArn === undefined &&
    fields.uid === undefined &&
    fields.session === undefined &&
    fields.accountid === undefined;
  if (onlyArn && parsed !== undefined) return parsed.principal;
  const uid = fields.uid ? UID.exec(fields.uid) : null;
  return {
    arn: parsed?.canonical ?? logged,
    accountId: parsed?.accountId ?? fields.accountid ?? uid?.[1],
    partition: parsed?.partition,
    type: parsed?.type ?? 'unknown',
    name: parsed?.name,
    // The STS line usually names the session; the raw ARN is parsed for it only when it did not.
    session: fields.session || (stsArn ? parseArn(stsArn)?.session : undefined),
    stsArn,
    accessKeyId: fields.accesskeyid,
    userId: fields.userid ?? uid?.[2],
  };
}
