import { DENIAL_MESSAGE } from '../../contract/authenticator-messages';
import { type Category, type NonDenialCategory, otherwiseOf, RECORD_FAMILIES } from '../categories';
import { ArnCache } from '../parse/arn';
import { detach, detachValues, MAX_KEPT_TEXT } from '../parse/detach';
import type { AuthenticatorRecord, DiagnosisContext, Finding, Principal } from '../types';
import { categorizeDenial } from './denial-matcher';
import { detailsOf } from './details';
import { identitySubCause } from './identity-sub-cause';
import { severityOf } from './severity';
import { TimeCache } from './time-cache';

/**
 * Classifies one authenticator record: what happened (category, sub-cause, severity), to whom
 * (principal) and the facts a fix needs (details). Pure; never throws.
 *
 * The context refines IDENTITY_NOT_MAPPED only; the Lambda calls this again once it has looked the
 * principal up, which is cheap.
 */
export function classify(
  record: AuthenticatorRecord,
  context?: DiagnosisContext,
  memo: ClassifyMemo = oneOffMemo(),
): Finding {
  return findingOf(record, categoryOf(record), context, memo);
}

/**
 * What classifying one stream keeps from line to line: the principals of its ARNs and the epochs of
 * its times. A busy log names the same few principals and seconds on most lines. Owned by whoever
 * classifies the stream (a line diagnoser); a one-off classification gets a fresh one.
 */
export class ClassifyMemo {
  readonly arns = new ArnCache();
  readonly epochs = new TimeCache();
  /**
   * A denial's category and details by its `error=` text, which alone decides them (DetailReader).
   * A storm repeats a few errors, and a stream's repeated denial shares one error string (DenialShapes),
   * so a lookup is mostly a hash already computed. Bounded: a flood of distinct errors clears it.
   */
  private readonly denials = new Map<string, DenialReading>();

  /** `remembersDenials` false: every denial is read afresh (a caller whose denials never repeat). */
  constructor(private readonly remembersDenials = true) {}

  /** `categoryOf(record)`, remembered for denials. */
  categoryOf(record: AuthenticatorRecord): Category {
    return this.keptReading(record)?.category ?? categoryOf(record);
  }

  /** `detailsOf(category, record)`, remembered for denials not joined to an EC2 batch failure. */
  detailsOf(category: Category, record: AuthenticatorRecord): Readonly<Record<string, string>> {
    // Only a denial's reading is kept: any other record is read at once, without a look at its fields.
    if (record.msg !== DENIAL_MESSAGE) return detailsOf(category, record);
    const reading = record.fields.ec2error === undefined ? this.keptReading(record) : undefined;
    if (reading === undefined || reading.category !== category) return detailsOf(category, record);
    // Kept beyond the line: a copy, so no slice of a file's chunk stays alive for it.
    reading.details ??= detachValues(detailsOf(category, record));
    return reading.details;
  }

  /** How many denial errors are remembered (at most REMEMBERED_DENIAL_ERRORS). */
  get rememberedDenials(): number {
    return this.denials.size;
  }

  /**
   * The remembered reading of a denial's error, made on first sight; undefined for what is not kept:
   * other records, a denial without an error or with one longer than MAX_KEPT_TEXT, or everything
   * when this memo keeps nothing.
   */
  private keptReading(record: AuthenticatorRecord): DenialReading | undefined {
    if (!this.remembersDenials || record.msg !== DENIAL_MESSAGE) return undefined;
    const error = record.fields.error;
    if (error === undefined) return undefined;
    if (error.length > MAX_KEPT_TEXT) return undefined;
    let reading = this.denials.get(error);
    if (reading === undefined) {
      if (this.denials.size >= REMEMBERED_DENIAL_ERRORS) this.denials.clear();
      reading = { category: categorizeDenial(error), details: undefined };
      this.denials.set(detach(error), reading);
    }
    return reading;
  }
}

/** A one-off classification's memo: nothing it would remember is asked again. */
const oneOffMemo = () => new ClassifyMemo(false);

/** How many distinct denial errors a stream's memo keeps. */
const REMEMBERED_DENIAL_ERRORS = 1_024;

interface DenialReading {
  readonly category: Category;
  details: Readonly<Record<string, string>> | undefined;
}

/**
 * `classify` for a caller that already knows the category (and so which context it needs). A caller
 * classifying a stream passes its own `memo`, so a storm of denials parses each ARN and second once.
 */
export function findingOf(
  record: AuthenticatorRecord,
  category: Category,
  context?: DiagnosisContext,
  memo: ClassifyMemo = oneOffMemo(),
): Finding {
  const principal = principalOf(record, category, memo.arns);
  const subCause =
    category === 'IDENTITY_NOT_MAPPED'
      ? identitySubCause(principal, record.time, context, memo.epochs)
      : undefined;
  return {
    category,
    subCause,
    severity: severityOf(category, subCause),
    time: record.time,
    principal,
    client: record.fields.client,
    error: record.fields.error,
    details: memo.detailsOf(category, record),
    record,
  };
}

const RECORD_ENTRIES = RECORD_FAMILIES.flatMap((family) => family.entries);
/** Records known by their exact `msg`. */
const BY_MSG = RECORD_ENTRIES.flatMap((entry) =>
  entry.match.msg === undefined ? [] : [{ msg: entry.match.msg, category: entry.id }],
);
/** Lower-case starts of the other messages the record families name (reference §3, §3.1). */
const MESSAGE_STARTS = RECORD_ENTRIES.flatMap((entry) =>
  (entry.match.messages ?? []).map((message) => ({
    start: message.startsWith.toLowerCase(),
    anywhere: message.anywhere === true,
    category: entry.id,
  })),
);
/** Levels that decide a category by themselves (a fatal or panic line: the server stops). */
const BY_LEVEL: ReadonlyMap<string, NonDenialCategory> = new Map(
  RECORD_ENTRIES.flatMap((entry) => (entry.match.levels ?? []).map((level) => [level, entry.id] as const)),
);
/** Any other authenticator line. */
const OTHER_RECORD = otherwiseOf(RECORD_ENTRIES);

/** What a record is, by its `msg`, and for a denial by its `error=` text. */
export function categoryOf(record: AuthenticatorRecord): Category {
  if (record.msg === DENIAL_MESSAGE) return categorizeDenial(record.fields.error);
  for (const { msg, category } of BY_MSG) if (record.msg === msg) return category;
  const byLevel = record.level === undefined ? undefined : BY_LEVEL.get(record.level);
  if (byLevel !== undefined) return byLevel;
  const msg = record.msg.toLowerCase();
  for (const { start, anywhere, category } of MESSAGE_STARTS) {
    if (anywhere ? msg.includes(start) : msg.startsWith(start)) return category;
  }
  return OTHER_RECORD;
}

/** The old EKS fork named the ARN in the error instead of an `arn=` field. */
const ARN_IN_ERROR = /^ARN is not mapped: (\S+)/i;

// uid = "aws-iam-authenticator:<account>:<unique id>" (or "heptio-authenticator-aws:…").
const UID = /^[\w-]+:(\d{12}):([A-Z0-9]+)$/;

function principalOf(record: AuthenticatorRecord, category: Category, arns: ArnCache): Principal | undefined {
  const fields = record.fields;
  const logged =
    fields.arn ??
    (category === 'IDENTITY_NOT_MAPPED' ? ARN_IN_ERROR.exec(fields.error ?? '')?.[1] : undefined);
  // On an `STS response` line `arn=` is the raw STS ARN; elsewhere it is canonical and the raw one was joined in.
  const stsArn = category === 'STS_RESPONSE' ? logged : fields.stsarn;
  if (logged === undefined) return undefined;
  const parsed = arns.parse(logged);
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
    session: fields.session || (stsArn ? arns.parse(stsArn)?.session : undefined),
    stsArn,
    accessKeyId: fields.accesskeyid,
    userId: fields.userid ?? uid?.[2],
  };
}
