import type { Principal } from '../types';
import { detach } from './detach';

/** What an IAM or STS principal ARN says about the principal. */
export interface ParsedArn {
  readonly partition: string;
  readonly service: 'iam' | 'sts';
  readonly accountId: string;
  readonly type: Principal['type'];
  /** User or role name without path. */
  readonly name?: string;
  /** IAM path between the type and the name (`/division/`), `/` when none. */
  readonly path: string;
  /** The session of an `assumed-role` ARN. */
  readonly session?: string;
  /** The ARN the authenticator matches on: roles as `iam::…:role/<name>`, no path, no session. */
  readonly canonical: string;
  /** What the ARN alone says about its principal, built once per ARN. */
  readonly principal: Principal;
}

// IAM names are limited to [\w+=,.@-]; paths to `/`-separated runs of printable ASCII.
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:(?:iam|sts)::\d{12}:[\w+=,.@/-]+$/;
const LETTER_I = 105;

/** Parses an IAM/STS principal ARN; `undefined` for anything else (the caller keeps the raw text). */
export function parseArn(text: string): ParsedArn | undefined {
  return parseArnText(text);
}

/** The last few ARNs looked up: a fresh string is compared with a few faster than it is hashed. */
const RECENT = 8;
/** Each layer of the cache is judged every this many of its own lookups… */
const JUDGED_EVERY = 1_024;
/** …and, when it answered fewer than half of them, left aside for this many windows before another try, */
const RESTING_WINDOWS = 8;
/** …twice as many after each try that fails, up to this many. */
const LONGEST_REST = 64;

/**
 * Whether a layer of the cache pays: one that answered under half of a window of its lookups is left
 * aside for RESTING_WINDOWS windows (it is not consulted, so those are windows of the lookups that
 * would have reached it), then consulted again for one window to see; a try that fails doubles the
 * next rest, up to LONGEST_REST windows (a try fills the map with ARNs that are not seen again). What
 * a layer holds stays right meanwhile: an ARN's parse never changes.
 */
class Judged {
  consulted = true;
  private lookups = 0;
  private hits = 0;
  private restingWindows = 0;
  private nextRest = RESTING_WINDOWS;

  /** Counts a lookup that reached this layer (consulted or not); ends a window every JUDGED_EVERY. */
  reached(): void {
    if (++this.lookups < JUDGED_EVERY) return;
    if (this.restingWindows > 0) {
      this.restingWindows--;
      if (this.restingWindows === 0) this.consulted = true;
    } else if (this.hits * 2 < JUDGED_EVERY) {
      this.consulted = false;
      this.restingWindows = this.nextRest;
      this.nextRest = Math.min(this.nextRest * 2, LONGEST_REST);
    } else this.nextRest = RESTING_WINDOWS;
    this.lookups = 0;
    this.hits = 0;
  }

  answered(): void {
    this.hits++;
  }
}

/**
 * `parseArn` with memory, for the hot path: a busy log names the same few principals on most of its
 * lines. Owned by whoever parses one log (a diagnoser), so nothing is shared between streams or kept
 * past the log. Only IAM ARNs are kept: an STS assumed-role ARN carries its session name and is new
 * on almost every request.
 *
 * Two layers, each consulted only while it answers (see Judged): a ring of the last few ARNs, then a
 * map bounded by the CLOCK approximation of least-recently-used (a hit marks its entry; a new ARN,
 * once the map is full, replaces the first entry the hand finds unmarked, clearing the marks it
 * passes). The map is small on purpose. A lookup in a map that has outgrown the processor's caches
 * costs more than the parse it saves: with fresh strings from log lines, 1.0 µs a hit at 50,000 ARNs
 * and 0.65 µs at 16,384, against 0.25 µs at 4,096 and 0.24 µs for the parse itself (measured on the
 * bench machine). So an org-wide cluster's principals in turn, or a flood of forged ARNs, are parsed
 * line by line, at the parse's cost, and neither evicts nor slows the few principals a log names on
 * most of its lines.
 */
export class ArnCache {
  private readonly cached = new Map<string, CachedArn>();
  /** The entries in the order of their slots, for the hand. */
  private readonly slots: CachedArn[] = [];
  private hand = 0;
  // In front of the map (measured 40 against 110 ns per line). Its hits need no mark: every new ARN
  // takes a ring slot as it moves the hand one slot, so a principal leaves the ring, and is marked on
  // its next map hit, long before the hand comes round to it (capacity is far above RECENT).
  private readonly recentArns: (string | undefined)[] = new Array(RECENT).fill(undefined);
  private readonly recentParsed: (ParsedArn | undefined)[] = new Array(RECENT).fill(undefined);
  private nextRecent = 0;
  // With thousands of principals in turn the ring answers almost nothing, and its comparisons and
  // updates were about 5 % of the engine's instructions on the bench's 50,000-role log (callgrind).
  private readonly ring = new Judged();
  private readonly map = new Judged();

  constructor(private readonly capacity = 4_096) {}

  parse(text: string): ParsedArn | undefined {
    this.ring.reached();
    if (this.ring.consulted) {
      for (let i = 0; i < RECENT; i++) {
        if (this.recentArns[i] === text) {
          this.ring.answered();
          return this.recentParsed[i];
        }
      }
    }
    if (!text.includes(':iam::')) return parseArnText(text);
    this.map.reached();
    if (!this.map.consulted) return parseArnText(text);
    let cached = this.cached.get(text);
    if (cached === undefined) cached = this.added(text);
    else {
      this.map.answered();
      if (!cached.used) cached.used = true;
    }
    if (this.ring.consulted) {
      this.recentArns[this.nextRecent] = cached.text;
      this.recentParsed[this.nextRecent] = cached.parsed;
      this.nextRecent = (this.nextRecent + 1) % RECENT;
    }
    return cached.parsed;
  }

  /** Whether the ring of recent ARNs is consulted now (it is left aside while it answers too little). */
  get consultsRecent(): boolean {
    return this.ring.consulted;
  }

  /** Whether the map is consulted now (it is left aside while it answers too little). */
  get consultsMap(): boolean {
    return this.map.consulted;
  }

  private added(text: string): CachedArn {
    // Held by the cache, so detached from the chunk of the file the ARN was read from.
    const key = detach(text);
    const cached: CachedArn = { text: key, parsed: parseArnText(key), used: false };
    if (this.slots.length < this.capacity) this.slots.push(cached);
    else {
      let victim = this.slots[this.hand] as CachedArn;
      while (victim.used) {
        victim.used = false;
        this.hand = (this.hand + 1) % this.capacity;
        victim = this.slots[this.hand] as CachedArn;
      }
      this.cached.delete(victim.text);
      this.slots[this.hand] = cached;
      this.hand = (this.hand + 1) % this.capacity;
    }
    this.cached.set(key, cached);
    return cached;
  }
}

interface CachedArn {
  /** The ARN as kept (detached). */
  readonly text: string;
  readonly parsed: ParsedArn | undefined;
  /** Looked up since the hand last passed. */
  used: boolean;
}

/**
 * Built field by field, one object literal per kind of principal: a log with many principals parses
 * an ARN on every cache miss, and an intermediate object spread into the result measured as a third
 * of a miss.
 */
function parseArnText(text: string): ParsedArn | undefined {
  // The pattern checks the whole ARN; its parts are then where it says. A test and a few slices
  // rather than `exec`: the match array and its captures were a third of a parse.
  if (!PRINCIPAL_ARN.test(text)) return undefined;
  const partitionEnd = text.indexOf(':', 4);
  // `arn:aws:` is nearly every ARN: its partition is the literal, not one more string per parse.
  const partition = partitionEnd === 7 ? 'aws' : text.slice(4, partitionEnd);
  const service = text.charCodeAt(partitionEnd + 1) === LETTER_I ? 'iam' : 'sts';
  // `:iam::` or `:sts::`, then twelve digits and a colon.
  const accountAt = partitionEnd + 6;
  const accountId = text.slice(accountAt, accountAt + 12);
  const resource = text.slice(accountAt + 13);
  if (service === 'sts') {
    const slash = resource.indexOf('/');
    const kind = slash === -1 ? resource : resource.slice(0, slash);
    const nameEnd = slash === -1 ? -1 : resource.indexOf('/', slash + 1);
    const name = slash === -1 ? '' : resource.slice(slash + 1, nameEnd === -1 ? undefined : nameEnd);
    if (kind === 'assumed-role' && name && nameEnd !== -1) {
      const canonical = `arn:${partition}:iam::${accountId}:role/${name}`;
      return {
        partition,
        service,
        accountId,
        type: 'role',
        name,
        path: '/',
        session: resource.slice(nameEnd + 1),
        canonical,
        principal: { arn: canonical, accountId, partition, type: 'role', name },
      };
    }
    if (kind === 'federated-user' && name) {
      return {
        partition,
        service,
        accountId,
        type: 'federated-user',
        name,
        path: '/',
        canonical: text,
        principal: { arn: text, accountId, partition, type: 'federated-user', name },
      };
    }
    return undefined;
  }
  if (resource === 'root') {
    return {
      partition,
      service: 'iam',
      accountId,
      type: 'root',
      path: '/',
      canonical: text,
      principal: { arn: text, accountId, partition, type: 'root', name: undefined },
    };
  }
  const slash = resource.indexOf('/');
  // A role or user without a path has one slash (`lastIndexOf` is a call into the runtime).
  const lastSlash =
    slash === -1 || resource.indexOf('/', slash + 1) === -1 ? slash : resource.lastIndexOf('/');
  const kind = resource.slice(0, slash);
  const name = resource.slice(lastSlash + 1);
  if (slash === -1 || name.length === 0 || (kind !== 'user' && kind !== 'role')) return undefined;
  const path = resource.slice(slash, lastSlash + 1);
  // Users keep their path in the canonical ARN; roles lose it (STS never reports a role path). A role
  // without a path is its own canonical ARN: the text itself, rather than an equal string built anew
  // that every map keyed by principal would have to flatten and hash again.
  const canonical =
    kind === 'role' && path !== '/' ? `arn:${partition}:iam::${accountId}:role/${name}` : text;
  return {
    partition,
    service: 'iam',
    accountId,
    type: kind,
    name,
    path,
    canonical,
    principal: { arn: canonical, accountId, partition, type: kind, name },
  };
}

/** True when `text` looks like an instance ID, the session name EC2 gives a node's role session. */
export function isInstanceId(text: string | undefined): boolean {
  return text !== undefined && /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/.test(text);
}
