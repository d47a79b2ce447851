import { type AuthenticationMode, CATEGORY_ENTRIES, type ClusterEffect } from '../categories';
import { switchedMode } from '../categories/lifecycle';
import { ec2ErrorCode } from '../categories/server';
import { categoryOf } from '../classify/classify';
import { IsoTimeCache, TimeCache } from '../classify/time-cache';
import { detach } from '../parse/detach';
import {
  canonicalGrant,
  canonicalStsResponse,
  DenialShapes,
  type FieldsByMessage,
  isCanonicalStsResponse,
  type ParseOptions,
  parseLine,
  TimeStrings,
} from '../parse/parse';
import type { AuthenticatorRecord, ClusterContext, DiagnosisContext } from '../types';
import { Ec2Failures } from './ec2-failures';
import { StsResponseJoin, withStsFields } from './join';
import { mayBeCreatorGrant, provesCreator } from './log-memory';

/**
 * What the lines of one log say about each other, applied by time rather than by file position
 * (reference §4.1, "Order"): exports are often newest first, or shuffled by a merge. Two passes:
 * `learn` reads every line once (the first pass); `finish` orders what was learned; then each denial's
 * context is `contextAt(arn, time)`, and `join` gives a denial its request's `STS response` wherever that
 * line stood. What is learned:
 * - the cluster-wide breakages and repairs of §3.1 (aws-auth parse error or deletion, the access-entry
 *   file, a later aws-auth change or file load that repairs them) and mode switches, as a time line;
 * - the creator (a `kubernetes-admin` grant, CONFIG_MAP-era signal, §5), for the whole log;
 * - each principal's grants, as runs of time;
 * - the STS facts of the requests that ended in a mapping denial whose STS line was not just before it
 *   (out of order): in EKS's order the second pass finds the STS line itself, in a ring of its own
 *   (a stream diagnosed in another order than it was learned keeps every request's: `secondPass`);
 * - the EC2 batch failures, joined to the TEMPLATE_EC2_LOOKUP_FAILED denials within a minute.
 *
 * Memory is flat in the length of the log: every collection is capped (see LogTimelineOptions); past a
 * cap, the oldest grant runs of a principal and new principals are not remembered, the newest events
 * win over the oldest, and out-of-order requests are not joined.
 */
export class LogTimeline {
  private readonly events: ClusterEvent[] = [];
  private snapshots: ClusterState[] = [];
  private ec2Failures = new Ec2Failures();
  private creator: { epoch: number; arn: string } | undefined;
  private readonly grants = new Map<string, GrantRuns>();
  /**
   * `time client` of each mapping denial whose STS line the second pass's ring will not find (an
   * out-of-order request; in a stream, every one), and its STS facts once found.
   */
  private readonly wantedSts = new Set<string>();
  /**
   * The clients, by time, of wanted requests whose STS line is not found yet: an STS line is parsed
   * only if one of them is in it. In a log in EKS's order the STS line comes first and is found at
   * once, so this stays nearly empty and nearly every STS line is passed over without a parse.
   */
  private readonly pendingSts = new Map<string, string[]>();
  private readonly stsFacts = new Map<string, AuthenticatorRecord>();
  /** The first pass's ring of recent STS lines, and the second pass's: both see the same calls. */
  private readonly learningJoin = new StsResponseJoin();
  private readonly diagnosingJoin = new StsResponseJoin();
  private readonly learnedTimes = new TimeStrings();
  private readonly diagnosedTimes = new TimeStrings();
  private readonly parseOptions: ParseOptions = {
    times: this.learnedTimes,
    denials: new DenialShapes(),
    fieldsByMessage: LEARNED_FIELDS,
  };
  /** One per pass: a stream learns and diagnoses in turns, each at its own place in the log. */
  private readonly learnedEpochs = new TimeCache();
  private readonly diagnosedEpochs = new TimeCache();
  /** A storm of one principal asks about the same last grant on every denial: its ISO text, built once. */
  private readonly grantTimes = new IsoTimeCache();
  private readonly settings: Required<LogTimelineOptions>;
  private cachedAt = -2;
  private cachedCluster: ClusterContext | undefined;
  /** Whether events were learned since the last `finish` (a stream learns and diagnoses in turns). */
  private unfinished = false;

  constructor(
    private readonly base: DiagnosisContext = {},
    options: LogTimelineOptions = {},
  ) {
    this.settings = {
      secondPass: options.secondPass ?? DEFAULTS.secondPass,
      maxEvents: options.maxEvents ?? DEFAULTS.maxEvents,
      maxPrincipals: options.maxPrincipals ?? DEFAULTS.maxPrincipals,
      maxRunsPerPrincipal: options.maxRunsPerPrincipal ?? DEFAULTS.maxRunsPerPrincipal,
      maxStoredRequests: options.maxStoredRequests ?? DEFAULTS.maxStoredRequests,
    };
  }

  /** How many requests the first pass keeps for the second (waiting for their STS line, or holding its facts). */
  get storedRequests(): number {
    return this.wantedSts.size;
  }

  /** The first pass: what this line teaches (never throws; lines without a record teach nothing). */
  learn(line: string): void {
    const grant = canonicalGrant(line, this.parseOptions);
    if (grant !== undefined) {
      this.learnGrant(grant, line, this.learnedEpochs.epochOf(grant.time));
      return;
    }
    // An STS response as EKS writes it is known by its head: the join reads it only if a denial asks.
    const record = isCanonicalStsResponse(line)
      ? canonicalStsResponse(line, this.learnedTimes)
      : parseLine(line, this.parseOptions);
    if (record === undefined) return;
    if (record.msg === 'STS response') {
      this.learningJoin.accept(record, line);
      this.keepStsFacts(record, line);
      return;
    }
    if (record.msg === 'access denied') {
      this.learnDenial(record, line);
      return;
    }
    const category = categoryOf(record);
    const epoch = this.learnedEpochs.epochOf(record.time);
    if (category === 'ACCESS_GRANTED') {
      this.learnGrant(record, line, epoch);
      return;
    }
    const effect = CATEGORY_ENTRIES.get(category)?.effect;
    if (effect === undefined || Number.isNaN(epoch) || record.time === undefined) return;
    if (this.events.length >= this.settings.maxEvents) this.events.shift();
    this.unfinished = true;
    this.events.push({
      epoch,
      time: detach(record.time),
      effect,
      mode: effect === 'mode-switched' ? switchedMode(record.msg) : undefined,
      ec2ErrorCode: effect === 'ec2-batch-failed' ? ec2ErrorCode(record.msg) : undefined,
    });
  }

  /**
   * Orders what the first pass learned; call between the passes (a stream read once calls it before
   * each diagnosis: it costs nothing when no event was learned since).
   */
  finish(): void {
    if (!this.unfinished && this.snapshots.length > 0) return;
    this.unfinished = false;
    const events = [...this.events].sort((a, b) => a.epoch - b.epoch);
    this.snapshots = statesOf(events);
    this.ec2Failures = new Ec2Failures(this.settings.maxEvents);
    for (const event of events)
      if (event.effect === 'ec2-batch-failed') this.ec2Failures.add(event.epoch, event.ec2ErrorCode);
    this.cachedAt = -2;
  }

  /** The creator's canonical ARN, when a grant of the log proves it (or the caller named it). */
  get creatorArn(): string | undefined {
    return this.base.cluster?.creatorArn ?? this.creator?.arn;
  }

  /**
   * The record with what other lines say about its request: the STS facts of a mapping denial, the EC2
   * error of a node lookup failure (`ec2error`). Also keeps STS lines a denial elsewhere asked for.
   * The second pass: call it on every line's record, in the order `learn` saw them (with
   * `secondPass: 'time-window'`, as the window releases them).
   */
  join(record: AuthenticatorRecord, line: string): AuthenticatorRecord {
    if (record.msg === 'STS response') {
      this.diagnosingJoin.accept(record, line);
      this.keepStsFacts(record, line);
      return record;
    }
    if (record.msg !== 'access denied') return record;
    const client = record.fields.client;
    let joined = record;
    if (client !== undefined && record.fields.arn !== undefined && record.time !== undefined) {
      // The same ring calls as `learnDenial`'s: what its ring found, this one finds, and the rest is stored.
      joined = this.diagnosingJoin.accept(record, line);
      if (joined === record) {
        const sts = this.stsFacts.get(`${record.time} ${client}`);
        if (sts !== undefined) joined = withStsFields(record, sts);
      }
    }
    if (this.ec2Failures.size === 0) return joined;
    return this.ec2Failures.join(joined, this.diagnosedEpochs.epochOf(record.time));
  }

  /**
   * For a second pass that need not parse `STS response` lines: if the line is one as EKS writes it,
   * joins it as `join` would its record, and returns that record (as `parseLine` reads it, with no
   * fields: nothing of it is diagnosed); otherwise undefined.
   */
  joinedStsResponse(line: string): AuthenticatorRecord | undefined {
    if (!isCanonicalStsResponse(line)) return undefined;
    return this.join(canonicalStsResponse(line, this.diagnosedTimes), line);
  }

  /** The context a denial of `arn` at `time` is diagnosed with: the caller's facts, then the log's at that time. */
  contextAt(arn: string | undefined, time: string | undefined): DiagnosisContext {
    const epoch = this.diagnosedEpochs.epochOf(time);
    const cluster = this.clusterAt(epoch);
    const lastGrantedAt = arn === undefined ? undefined : this.lastGrantBefore(arn, epoch);
    if (lastGrantedAt === undefined) return { ...this.base, cluster };
    return {
      ...this.base,
      cluster,
      principal: { hasAccessEntry: this.base.principal?.hasAccessEntry, lastGrantedAt },
    };
  }

  private clusterAt(epoch: number): ClusterContext {
    const index = Number.isNaN(epoch) ? this.snapshots.length - 1 : lastAtOrBefore(this.snapshots, epoch);
    if (index === this.cachedAt && this.cachedCluster !== undefined) return this.cachedCluster;
    const state = index === -1 ? undefined : this.snapshots[index];
    const base = this.base.cluster;
    const cluster: ClusterContext = {
      ...base,
      creatorArn: this.creatorArn,
      // The log says what the mode was then; the caller's flag says what it is now.
      authenticationMode: state?.mode ?? base?.authenticationMode,
      awsAuthBrokenSince: base?.awsAuthBrokenSince ?? state?.awsAuthBrokenSince,
      awsAuthBrokenBy: base?.awsAuthBrokenBy ?? state?.awsAuthBrokenBy,
      accessEntriesBrokenSince: base?.accessEntriesBrokenSince ?? state?.accessEntriesBrokenSince,
    };
    this.cachedAt = index;
    this.cachedCluster = cluster;
    return cluster;
  }

  private keepStsFacts(record: AuthenticatorRecord, line: string): void {
    if (record.time === undefined) return;
    const clients = this.pendingSts.get(record.time);
    if (clients === undefined || !clients.some((client) => line.includes(client))) return;
    const sts = parseLine(line, STS_FIELDS);
    const client = sts?.fields.client;
    if (sts === undefined || client === undefined || !clients.includes(client)) return;
    this.stsFacts.set(`${record.time} ${client}`, detach(sts));
    this.found(record.time, client);
  }

  /** The STS line of the request `time client` is known: it is no longer looked for. */
  private found(time: string, client: string): void {
    const clients = this.pendingSts.get(time);
    if (clients === undefined) return;
    const index = clients.indexOf(client);
    if (index === -1) return;
    clients.splice(index, 1);
    if (clients.length === 0) this.pendingSts.delete(time);
  }

  private learnDenial(record: AuthenticatorRecord, line: string): void {
    const client = record.fields.client;
    if (client === undefined || record.fields.arn === undefined || record.time === undefined) return;
    // An STS line just before (the order EKS writes) is in the ring. Asked for every such denial, cap
    // or not, exactly as `join` asks its own ring: a slot found here is consumed, and must be there too.
    // Read again in the same order, the second pass's ring finds it the same way: nothing to keep,
    // so the ring need only say whether it found it.
    const sameOrder = this.settings.secondPass === 'same-order';
    const joined = this.learningJoin.accept(record, line, !sameOrder);
    if (joined !== record && sameOrder) return;
    const key = `${record.time} ${client}`;
    if (!this.wantedSts.has(key)) {
      // Past the cap, a request is not stored: an out-of-order one is then diagnosed without its STS
      // facts (a node's role, known by its `i-…` session, reads as any unmapped role).
      if (this.wantedSts.size >= this.settings.maxStoredRequests) return;
      this.wantedSts.add(detach(key));
    }
    if (joined === record) {
      // Looked for among the STS lines still to come (and, in the second pass, all of them).
      if (!this.stsFacts.has(key)) this.pending(detach(record.time), detach(client));
      return;
    }
    this.stsFacts.set(detach(key), detachedStsFacts(joined, client));
    this.found(record.time, client);
  }

  private pending(time: string, client: string): void {
    const clients = this.pendingSts.get(time);
    if (clients === undefined) this.pendingSts.set(time, [client]);
    else if (!clients.includes(client)) clients.push(client);
  }

  private learnGrant(record: AuthenticatorRecord, line: string, epoch: number): void {
    const arn = record.fields.arn;
    if (arn === undefined || Number.isNaN(epoch)) return;
    let runs = this.grants.get(arn);
    if (runs === undefined) {
      if (this.grants.size >= this.settings.maxPrincipals) return;
      runs = { firsts: [], lasts: [] };
      this.grants.set(detach(arn), runs);
    }
    addGrant(runs, epoch, this.settings.maxRunsPerPrincipal);
    if (mayBeCreatorGrant(line) && (this.creator === undefined || epoch < this.creator.epoch)) {
      if (provesCreator(line, this.base.cluster)) this.creator = { epoch, arn: detach(arn) };
    }
  }

  private lastGrantBefore(arn: string, epoch: number): string | undefined {
    const runs = this.grants.get(arn);
    if (runs === undefined) return undefined;
    if (Number.isNaN(epoch)) {
      const last = runs.lasts.at(-1);
      return last === undefined ? undefined : this.grantTimes.isoOf(last);
    }
    const index = lastNumberAtOrBefore(runs.firsts, epoch);
    if (index === -1) return undefined;
    const last = runs.lasts[index] as number;
    // Inside a run the latest grant before the denial is at most RUN_SPAN before it; its first is one.
    return this.grantTimes.isoOf(last <= epoch ? last : (runs.firsts[index] as number));
  }
}

/** How the second pass reads the log, and the caps that keep a timeline's memory flat in its length. */
export interface LogTimelineOptions {
  /**
   * `same-order`: `join` sees the lines in the order `learn` did (a file read twice), so its ring finds
   * every STS line the first pass's found, and only out-of-order requests are stored.
   * `time-window`: `join` sees them as a TimeWindow releases them (a stream read once), which puts each
   * second's STS lines first, further from their denials than the ring reaches on a busy second: every
   * mapping denial's STS facts are stored, as the first pass found them.
   * @default 'same-order'
   */
  readonly secondPass?: 'same-order' | 'time-window';
  /**
   * At most this many cluster events (breakages, repairs, switches, EC2 failures) are kept; the newest win.
   * @default 10_000
   */
  readonly maxEvents?: number;
  /**
   * At most this many principals' grants are remembered; later principals are not.
   * @default 50_000
   */
  readonly maxPrincipals?: number;
  /**
   * At most this many grant runs per principal; the oldest go first.
   * @default 64
   */
  readonly maxRunsPerPrincipal?: number;
  /**
   * At most this many requests ending in a mapping denial are stored by the first pass, to be joined to
   * their STS line wherever it stood; later ones are not stored. In `same-order`, only out-of-order
   * requests (the STS line not just before the denial) are stored: the rest cost nothing.
   * @default 100_000
   */
  readonly maxStoredRequests?: number;
}

const DEFAULTS: Required<LogTimelineOptions> = {
  secondPass: 'same-order',
  maxEvents: 10_000,
  maxPrincipals: 50_000,
  maxRunsPerPrincipal: 64,
  maxStoredRequests: 100_000,
};

/** Grants closer than this belong to one run… */
const RUN_GAP_MS = 5 * 60 * 1000;
/** …and a run spans at most this long, so its first grant is at most this far from any later one. */
const RUN_SPAN_MS = 60 * 60 * 1000;
/** A change of aws-auth (or a reload of the access-entry file) followed by no breakage this soon repairs it. */
const REPAIR_GRACE_MS = 5_000;

const STS_FIELDS = { fields: ['accesskeyid', 'accountid', 'arn', 'client', 'session', 'userid'] } as const;

/**
 * What the first pass reads of each kind of line: who, and which request. Never the error text, the
 * costliest value to unquote: what a line teaches the timeline depends on its message and level alone,
 * and the second pass reads the error to diagnose.
 */
const LEARNED_FIELDS: FieldsByMessage = {
  'access denied': ['arn', 'client'],
  'STS response': [],
  'access granted': ['arn'],
  other: [],
};

interface ClusterEvent {
  readonly epoch: number;
  readonly time: string;
  readonly effect: ClusterEffect;
  readonly mode?: AuthenticationMode;
  readonly ec2ErrorCode?: string;
}

/** What holds for the cluster from `epoch` on, until the next state. */
interface ClusterState {
  readonly epoch: number;
  readonly awsAuthBrokenSince?: string;
  readonly awsAuthBrokenBy?: 'parse-error' | 'deleted';
  readonly accessEntriesBrokenSince?: string;
  readonly mode?: AuthenticationMode;
}

/** One principal's grants as runs `[firsts[i], lasts[i]]`, in time order. */
interface GrantRuns {
  readonly firsts: number[];
  readonly lasts: number[];
}

function addGrant(runs: GrantRuns, epoch: number, maxRuns: number): void {
  const { firsts, lasts } = runs;
  let index = firsts.length - 1;
  while (index >= 0 && (firsts[index] as number) > epoch) index--;
  // Within or just after the run starting before it.
  if (index >= 0) {
    const first = firsts[index] as number;
    const last = lasts[index] as number;
    if (epoch <= last) return;
    if (epoch - last <= RUN_GAP_MS && epoch - first <= RUN_SPAN_MS) {
      lasts[index] = epoch;
      return;
    }
  }
  // Just before the run after it.
  const next = index + 1;
  if (next < firsts.length) {
    const first = firsts[next] as number;
    if (first - epoch <= RUN_GAP_MS && (lasts[next] as number) - epoch <= RUN_SPAN_MS) {
      firsts[next] = epoch;
      return;
    }
  }
  firsts.splice(next, 0, epoch);
  lasts.splice(next, 0, epoch);
  if (firsts.length > maxRuns) {
    firsts.shift();
    lasts.shift();
  }
}

/** The state after each event, in time order. */
function statesOf(events: readonly ClusterEvent[]): ClusterState[] {
  const states: ClusterState[] = [];
  let state: ClusterState = { epoch: Number.NEGATIVE_INFINITY };
  const breaksSoon = (from: number, effects: readonly ClusterEffect[]) => {
    for (let i = from + 1; i < events.length; i++) {
      const event = events[i] as ClusterEvent;
      if (event.epoch - (events[from] as ClusterEvent).epoch > REPAIR_GRACE_MS) return false;
      if (effects.includes(event.effect)) return true;
    }
    return false;
  };
  events.forEach((event, index) => {
    switch (event.effect) {
      case 'aws-auth-broken':
        state = { ...state, awsAuthBrokenSince: event.time, awsAuthBrokenBy: 'parse-error' };
        break;
      case 'aws-auth-deleted':
        state = { ...state, awsAuthBrokenSince: event.time, awsAuthBrokenBy: 'deleted' };
        break;
      case 'aws-auth-changed':
        if (!breaksSoon(index, ['aws-auth-broken', 'aws-auth-deleted']))
          state = { ...state, awsAuthBrokenSince: undefined, awsAuthBrokenBy: undefined };
        break;
      case 'access-entries-broken':
        state = { ...state, accessEntriesBrokenSince: event.time };
        break;
      case 'access-entries-loaded':
        if (!breaksSoon(index, ['access-entries-broken']))
          state = { ...state, accessEntriesBrokenSince: undefined };
        break;
      case 'mode-switched':
        state = { ...state, mode: event.mode ?? state.mode };
        break;
      default:
        return;
    }
    state = { ...state, epoch: event.epoch };
    states.push(state);
  });
  return states;
}

/** The index of the last item whose epoch is at or before `epoch`, -1 if none (items in time order). */
function lastAtOrBefore(items: readonly { readonly epoch: number }[], epoch: number): number {
  let low = 0;
  let high = items.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((items[middle] as { epoch: number }).epoch <= epoch) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}

function lastNumberAtOrBefore(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle] as number) <= value) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}

/**
 * What a denial joined in the first pass keeps of its STS line, field by field with detached copies
 * (no structuredClone): in a stream, most denials of a storm take this path.
 */
function detachedStsFacts(joined: AuthenticatorRecord, client: string): AuthenticatorRecord {
  const from = joined.fields;
  const fields: Record<string, string> = {};
  if (from.accesskeyid !== undefined) fields.accesskeyid = detach(from.accesskeyid);
  if (from.accountid !== undefined) fields.accountid = detach(from.accountid);
  if (from.userid !== undefined) fields.userid = detach(from.userid);
  if (from.session !== undefined) fields.session = detach(from.session);
  if (from.stsarn !== undefined) fields.arn = detach(from.stsarn);
  fields.client = detach(client);
  return { msg: 'STS response', fields };
}
