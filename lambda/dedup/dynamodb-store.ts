import {
  type AttributeValue,
  BatchGetItemCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { hasErrorName } from '../common/error-names';
import type { Category } from '../engine/categories';
import { CATEGORIES } from '../engine/categories';
import type { Occurrences } from '../engine/diagnose/problem';
import type { PrincipalCount } from '../engine/types';
import {
  alertsByProblem,
  type BatchClaim,
  type BatchRecord,
  COUNTED_BATCHES_KEPT,
  type DedupStore,
  type DigestAddition,
  type DigestTally,
  type DueEntry,
  dueSortKey,
  type FollowupRecord,
  type ProblemWindow,
  parseDueSortKey,
  retryClaim,
  type SlotAnswer,
  trimsAfter,
  type WindowOpener,
  withCounted,
} from './store';
import { mergeTopPrincipals } from './top-principals';

type Item = Record<string, AttributeValue>;

/** Reads and conditional writes of a digest's top list before its counts are written without it. */
const TOP_MERGE_ATTEMPTS = 5;

/** BatchGetItem: at most 100 keys per call. */
const BATCH_GET_MAX_KEYS = 100;
/** Calls per chunk while keys come back unprocessed; backoff 50 ms, then 100 ms. */
const BATCH_GET_ATTEMPTS = 3;

/**
 * The dedup store in DynamoDB (table from the stack: `pk` S, `sk` S, TTL attribute `expiresAt`).
 *
 * Layout — one partition per cluster, plus one for what is due:
 * - `cluster#<name>` / `problem#<id>`: a problem's window, pending repeats and last follow-up;
 * - `cluster#<name>` / `cap#<bucket>`: the slots taken in a cap window, and the holder of each (the
 *   message it pays for, about 50 bytes; at most the cap of them);
 * - `cluster#<name>` / `digest#<bucket>`: the digest of everything past the cap, with its top 10
 *   principals (`topPrincipals`, under `topVersion`) and the cluster's account;
 * - `cluster#<name>` / `message#<id>`: which sinks a message reached (delivery state for retries);
 * - `cluster#<name>` / `batch#<id>`: a subscription batch's marker (`counting` → `recorded`), about 100
 *   bytes, plus 22 per problem whose repeats the batch counted (`counted`), 42 per alert of a window
 *   it opened that has closed (`alerted`), and `decided` once an attempt decided every problem;
 * - `due` / `<closing time, 15 digits>#<cluster>#<target>`: the sweep's work list, read with one range
 *   query (`sk < now`) instead of a table scan.
 * Every write is conditional where a race matters, so concurrent invocations agree on who alerts.
 */
export class DynamoDbDedupStore implements DedupStore {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async getProblem(cluster: string, id: string): Promise<ProblemWindow | undefined> {
    const item = await this.item(cluster, `problem#${id}`);
    return item ? problemFrom(cluster, id, item) : undefined;
  }

  /**
   * BatchGetItem (DynamoDB API Reference): "can retrieve up to 16 MB of data, which can contain as many
   * as 100 items"; it "returns a partial result if the response size limit is exceeded, the table's
   * provisioned throughput is exceeded, more than 1MB per partition is requested, or an internal
   * processing failure occurs", naming the rest in `UnprocessedKeys`, to be retried with backoff. So:
   * 100 keys per call, the unprocessed ones asked again a few times, and what is still unread left
   * out of the answer (flood control then reads those one by one).
   */
  async getProblems(
    cluster: string,
    ids: readonly string[],
  ): Promise<Map<string, ProblemWindow | undefined>> {
    const found = new Map<string, ProblemWindow | undefined>();
    const table = this.tableName;
    for (let from = 0; from < ids.length; from += BATCH_GET_MAX_KEYS) {
      let keys = [...new Set(ids.slice(from, from + BATCH_GET_MAX_KEYS))].map((id) =>
        key(cluster, `problem#${id}`),
      );
      for (let attempt = 0; keys.length > 0 && attempt < BATCH_GET_ATTEMPTS; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 << attempt));
        const out = await this.dynamodb.send(
          new BatchGetItemCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
        );
        const items = new Map((out.Responses?.[table] ?? []).map((item) => [item.sk?.S, item]));
        const left = out.UnprocessedKeys?.[table]?.Keys ?? [];
        const unread = new Set(left.map((item) => item.sk?.S));
        // Asked and not left unprocessed: read, with or without a window.
        for (const { sk } of keys) {
          const id = sk?.S?.slice(8) ?? ''; // after `problem#`
          const item = items.get(sk?.S);
          if (!unread.has(sk?.S)) found.set(id, item && problemFrom(cluster, id, item));
        }
        keys = left;
      }
    }
    return found;
  }

  createProblem(window: ProblemWindow, expiresAt: number): Promise<boolean> {
    const item: Item = {
      ...key(window.cluster, `problem#${window.id}`),
      problemKey: s(window.problemKey),
      mode: s(window.mode),
      windowStart: n(window.windowStart),
      windowEnd: n(window.windowEnd),
      pending: n(window.pending),
      lastSeen: n(window.lastSeen),
      bucket: n(window.bucket),
      openedBy: s(window.openedBy),
      subject: s(window.subject),
      expiresAt: n(expiresAt),
    };
    if (window.pendingSince !== undefined) item.pendingSince = n(window.pendingSince);
    if (window.capped !== undefined) item.capped = { BOOL: window.capped };
    if (window.digestScope !== undefined) item.digestScope = s(window.digestScope);
    return this.conditional(
      new PutItemCommand({
        TableName: this.tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async addRepeats(current: ProblemWindow, repeats: Occurrences, batchId: string): Promise<boolean> {
    const values: Item = {
      ':count': n(repeats.count),
      ':last': n(repeats.lastSeen),
      ':first': n(repeats.firstSeen),
      ':end': n(current.windowEnd),
    };
    const counting =
      'ADD pending :count SET lastSeen = :last, pendingSince = if_not_exists(pendingSince, :first)';
    if ((current.counted?.length ?? 0) < COUNTED_BATCHES_KEPT) {
      // Appending commutes with other writers' appends: no version check, so concurrent batches of one
      // problem do not contend. The batch is refused if the list already holds it (a retry), or if the
      // list was trimmed since the read (the trim may have dropped this batch: the caller reads again).
      const untrimmed = current.trims === undefined ? 'attribute_not_exists(trims)' : 'trims = :trims';
      return this.conditional(
        new UpdateItemCommand({
          ...this.at(current.cluster, `problem#${current.id}`),
          UpdateExpression: `${counting}, counted = list_append(if_not_exists(counted, :empty), :batch)`,
          ConditionExpression: `windowEnd = :end AND ${untrimmed} AND (attribute_not_exists(counted) OR (size(counted) < :kept AND NOT contains(counted, :batchId)))`,
          ExpressionAttributeValues: {
            ...values,
            ':empty': { L: [] },
            ':batch': { L: [s(batchId)] },
            ':batchId': s(batchId),
            ':kept': n(COUNTED_BATCHES_KEPT),
            ...(current.trims === undefined ? {} : { ':trims': n(current.trims) }),
          },
        }),
      );
    }
    // The list is full: one writer trims it of the batches whose marker records the count, checked
    // against the version it read (`pending` only grows within a window, so window end and pending
    // together are the version). A batch that counted and has not recorded it stays in the list.
    const settled = await this.settledBatches(current.cluster, current.counted ?? [], current.id);
    const counted = withCounted(current, batchId, settled);
    const trims = trimsAfter(current, counted);
    return this.conditional(
      new UpdateItemCommand({
        ...this.at(current.cluster, `problem#${current.id}`),
        UpdateExpression: `${counting}, counted = :counted${trims === current.trims ? '' : ', trims = :trims'}`,
        ConditionExpression: 'windowEnd = :end AND pending = :pending',
        ExpressionAttributeValues: {
          ...values,
          ':pending': n(current.pending),
          ':counted': { L: counted.map(s) },
          ...(trims === current.trims ? {} : { ':trims': n(trims ?? 0) }),
        },
      }),
    );
  }

  /**
   * Of `batchIds`, those a window of problem `problemId` may forget: their marker records that they
   * counted it, or the marker is gone (its TTL is 2 days, past any retry). One BatchGetItem per 100;
   * a marker that stays unread counts as not settled, so it is kept.
   */
  private async settledBatches(
    cluster: string,
    batchIds: readonly string[],
    problemId: string,
  ): Promise<Set<string>> {
    const settled = new Set<string>();
    for (const [id, marker] of await this.markers(cluster, batchIds)) {
      if (marker !== 'unread' && (!marker || (marker.counted?.SS ?? []).includes(problemId))) settled.add(id);
    }
    return settled;
  }

  /**
   * The markers of `batchIds` (counting marks only), one BatchGetItem per 100: `undefined` for a marker
   * that is gone, `unread` for one DynamoDB left unprocessed.
   */
  private async markers(
    cluster: string,
    batchIds: readonly string[],
  ): Promise<Map<string, Item | undefined | 'unread'>> {
    const found = new Map<string, Item | undefined | 'unread'>();
    const table = this.tableName;
    const unique = [...new Set(batchIds)];
    for (let from = 0; from < unique.length; from += BATCH_GET_MAX_KEYS) {
      const asked = unique.slice(from, from + BATCH_GET_MAX_KEYS);
      const out = await this.dynamodb.send(
        new BatchGetItemCommand({
          RequestItems: {
            [table]: {
              Keys: asked.map((id) => key(cluster, `batch#${id}`)),
              ConsistentRead: true,
              ProjectionExpression: 'sk, counted, alerted',
            },
          },
        }),
      );
      const markers = new Map((out.Responses?.[table] ?? []).map((item) => [item.sk?.S, item]));
      const unread = new Set((out.UnprocessedKeys?.[table]?.Keys ?? []).map((item) => item.sk?.S));
      for (const id of asked) {
        const sortKey = `batch#${id}`;
        found.set(id, unread.has(sortKey) ? 'unread' : markers.get(sortKey));
      }
    }
    return found;
  }

  async handOver(
    cluster: string,
    problemId: string,
    countedBy: readonly string[],
    opener?: WindowOpener,
  ): Promise<void> {
    const ids = opener ? [...countedBy, opener.batchId] : countedBy;
    if (ids.length === 0) return;
    const markers = await this.markers(cluster, ids);
    // A marker left unread is written all the same: adding to a set twice is harmless.
    const lacks = (id: string, attribute: 'counted' | 'alerted', value: string) => {
      const marker = markers.get(id);
      return marker === 'unread' || (marker !== undefined && !(marker[attribute]?.SS ?? []).includes(value));
    };
    for (const id of new Set(countedBy)) {
      if (lacks(id, 'counted', problemId)) await this.addToMarker(cluster, id, { counted: [problemId] });
    }
    if (opener && lacks(opener.batchId, 'alerted', opener.messageId)) {
      await this.addToMarker(cluster, opener.batchId, { alerted: [opener.messageId] });
    }
  }

  rollWindow(
    current: ProblemWindow,
    next: { windowStart: number; windowEnd: number },
    followup: FollowupRecord,
    expiresAt: number,
  ): Promise<boolean> {
    return this.conditional(
      new UpdateItemCommand({
        ...this.at(current.cluster, `problem#${current.id}`),
        UpdateExpression:
          'SET windowStart = :start, windowEnd = :nextEnd, pending = :zero, openedBy = :none, lastFollowup = :followup, expiresAt = :expires REMOVE pendingSince, counted, trims',
        ConditionExpression: 'windowEnd = :end AND pending = :pending',
        ExpressionAttributeValues: {
          ':start': n(next.windowStart),
          ':nextEnd': n(next.windowEnd),
          ':zero': n(0),
          ':none': s(''),
          ':followup': s(JSON.stringify(followup)),
          ':expires': n(expiresAt),
          ':end': n(current.windowEnd),
          ':pending': n(current.pending),
        },
      }),
    );
  }

  deleteProblem(current: ProblemWindow): Promise<boolean> {
    return this.conditional(
      new DeleteItemCommand({
        ...this.at(current.cluster, `problem#${current.id}`),
        ConditionExpression: 'windowEnd = :end AND pending = :pending',
        ExpressionAttributeValues: { ':end': n(current.windowEnd), ':pending': n(current.pending) },
      }),
    );
  }

  async takeAlertSlot(
    cluster: string,
    bucket: number,
    cap: number,
    expiresAt: number,
    holder: string,
  ): Promise<SlotAnswer> {
    // The count and the holder's name in one write: a slot is never taken without saying for what.
    const taken = await this.conditional(
      new UpdateItemCommand({
        ...this.at(cluster, `cap#${bucket}`),
        UpdateExpression: 'ADD alerts :one, holders :holders SET expiresAt = :expires',
        ConditionExpression:
          '(attribute_not_exists(alerts) OR alerts < :cap) AND NOT contains(holders, :holder)',
        ExpressionAttributeValues: {
          ':one': n(1),
          ':cap': n(cap),
          ':expires': n(expiresAt),
          ':holders': { SS: [holder] },
          ':holder': s(holder),
        },
      }),
    );
    if (taken) return 'taken';
    // Refused: every slot is taken, or one of them is this holder's already.
    const item = await this.item(cluster, `cap#${bucket}`);
    return (item?.holders?.SS ?? []).includes(holder) ? 'held' : 'full';
  }

  async releaseAlertSlot(cluster: string, bucket: number, holder: string): Promise<void> {
    await this.dynamodb
      .send(
        new UpdateItemCommand({
          ...this.at(cluster, `cap#${bucket}`),
          UpdateExpression: 'ADD alerts :minusOne DELETE holders :holders',
          ConditionExpression: 'contains(holders, :holder)',
          ExpressionAttributeValues: {
            ':minusOne': n(-1),
            ':holders': { SS: [holder] },
            ':holder': s(holder),
          },
        }),
      )
      .catch(ignoreConditionFailure);
  }

  async digestCounted(cluster: string, bucket: number, batchId: string): Promise<boolean> {
    const item = await this.item(cluster, `digest#${bucket}`, 'batches');
    return (item?.batches?.SS ?? []).includes(batchId);
  }

  /**
   * One conditional write adds the counts and, with principals, the merged top list: read first,
   * merged in code (`mergeTopPrincipals`, at most 10 entries of at most 256 characters), written on
   * condition that `topVersion` is still what was read, so two writers cannot both merge into the same
   * old list. A writer that keeps losing that race writes its counts without its principals: counts
   * are never lost, names may be.
   */
  async addToDigest(
    cluster: string,
    bucket: number,
    addition: DigestAddition,
    expiresAt: number,
    batchId?: string,
  ): Promise<boolean> {
    const principals = addition.principalCounts ?? [];
    for (let attempt = 0; principals.length > 0 && attempt < TOP_MERGE_ATTEMPTS; attempt++) {
      const current = await this.item(cluster, `digest#${bucket}`);
      if (current?.sentAt !== undefined) return false;
      if (batchId !== undefined && (current?.batches?.SS ?? []).includes(batchId)) return true;
      const version = num(current?.topVersion) ?? 0;
      const top = mergeTopPrincipals(topPrincipalsFrom(current), principals);
      const outcome = await this.writeDigest(cluster, bucket, addition, expiresAt, batchId, { top, version });
      if (outcome !== 'raced') return outcome;
    }
    const outcome = await this.writeDigest(cluster, bucket, addition, expiresAt, batchId);
    return outcome === true;
  }

  /**
   * The digest's one conditional write. With a batch: its ID joins the digest's string set in the same
   * write, and a batch already in the set is refused. One ID per batch that reached the digest (22
   * bytes each), so one window's digest stays far under 400 KB for thousands of batches. `raced`: the
   * top list changed since it was read (only with `principals`).
   */
  private async writeDigest(
    cluster: string,
    bucket: number,
    addition: DigestAddition,
    expiresAt: number,
    batchId: string | undefined,
    principals?: { readonly top: readonly PrincipalCount[]; readonly version: number },
  ): Promise<boolean | 'raced'> {
    const once = batchId !== undefined;
    const categories = Object.entries(addition.categories) as [Category, number][];
    const names: Record<string, string> = {
      '#count': 'count',
      ...(addition.account === undefined ? {} : { '#account': 'account' }),
    };
    const values: Item = {};
    categories.forEach(([category, count], i) => {
      names[`#c${i}`] = `cat_${category}`;
      values[`:c${i}`] = n(count);
    });
    const adds = categories.map((_, i) => `, #c${i} :c${i}`).join('');
    const sets = [
      'firstSeen = if_not_exists(firstSeen, :first)',
      'lastSeen = :last',
      'expiresAt = :expires',
      ...(addition.account === undefined ? [] : ['#account = if_not_exists(#account, :account)']),
      ...(principals ? ['topPrincipals = :top', 'topVersion = :nextVersion'] : []),
    ];
    const conditions = [
      'attribute_not_exists(sentAt)',
      ...(once ? ['NOT contains(batches, :batchId)'] : []),
      ...(principals
        ? [principals.version === 0 ? 'attribute_not_exists(topVersion)' : 'topVersion = :version']
        : []),
    ];
    const added = await this.conditional(
      new UpdateItemCommand({
        ...this.at(cluster, `digest#${bucket}`),
        UpdateExpression: `ADD #count :count, principals :principals${adds}${once ? ', batches :batch' : ''} SET ${sets.join(', ')}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ...values,
          ':count': n(addition.count),
          ':principals': n(addition.newPrincipals),
          ':first': n(addition.firstSeen),
          ':last': n(addition.lastSeen),
          ':expires': n(expiresAt),
          ...(addition.account === undefined ? {} : { ':account': s(addition.account) }),
          ...(principals
            ? {
                ':top': {
                  L: principals.top.map(({ arn, count }) => ({ M: { arn: s(arn), count: n(count) } })),
                },
                ':nextVersion': n(principals.version + 1),
                ...(principals.version === 0 ? {} : { ':version': n(principals.version) }),
              }
            : {}),
          ...(once ? { ':batch': { SS: [batchId] }, ':batchId': s(batchId) } : {}),
        },
      }),
    );
    if (added) return true;
    // Refused: already counted by this batch (true), the digest went out (false), or the list raced.
    const item = await this.item(cluster, `digest#${bucket}`);
    if (item?.sentAt !== undefined) return false;
    if (once && (item?.batches?.SS ?? []).includes(batchId)) return true;
    return principals ? 'raced' : false;
  }

  async claimDigest(cluster: string, bucket: number, now: number): Promise<DigestTally | undefined> {
    try {
      const { Attributes: item } = await this.dynamodb.send(
        new UpdateItemCommand({
          ...this.at(cluster, `digest#${bucket}`),
          UpdateExpression: 'SET sentAt = if_not_exists(sentAt, :now)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':now': n(now) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return item ? digestFrom(item) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async addDue(entry: DueEntry, expiresAt: number): Promise<void> {
    await this.dynamodb.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: { pk: s('due'), sk: s(dueSortKey(entry)), expiresAt: n(expiresAt) },
      }),
    );
  }

  async dueBefore(now: number, limit: number): Promise<readonly DueEntry[]> {
    const entries: DueEntry[] = [];
    let startKey: Item | undefined;
    do {
      const out = await this.dynamodb.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :due AND sk < :bound',
          ExpressionAttributeValues: { ':due': s('due'), ':bound': s(String(now + 1).padStart(15, '0')) },
          ConsistentRead: true,
          Limit: limit - entries.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) {
        const entry = parseDueSortKey(item.sk?.S ?? '');
        if (entry) entries.push(entry);
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey && entries.length < limit);
    return entries;
  }

  async removeDue(entry: DueEntry): Promise<void> {
    await this.dynamodb.send(
      new DeleteItemCommand({ TableName: this.tableName, Key: { pk: s('due'), sk: s(dueSortKey(entry)) } }),
    );
  }

  async deliveredSinks(cluster: string, messageId: string): Promise<ReadonlySet<string>> {
    const item = await this.item(cluster, `message#${messageId}`, 'delivered');
    return new Set(item?.delivered?.SS ?? []);
  }

  async markDelivered(cluster: string, messageId: string, sink: string, expiresAt: number): Promise<void> {
    await this.dynamodb.send(
      new UpdateItemCommand({
        ...this.at(cluster, `message#${messageId}`),
        UpdateExpression: 'ADD delivered :sink SET expiresAt = :expires',
        ExpressionAttributeValues: { ':sink': { SS: [sink] }, ':expires': n(expiresAt) },
      }),
    );
  }

  async claimBatch(
    cluster: string,
    batchId: string,
    expiresAt: number,
    claimedAt?: number,
  ): Promise<BatchClaim> {
    // The claim is the first write of a batch: 'counting' until the attempt has recorded the delivery
    // state of everything it sent ('recorded'). About 100 bytes whatever the batch holds.
    const claimed = await this.conditional(
      new PutItemCommand({
        TableName: this.tableName,
        Item: {
          ...key(cluster, `batch#${batchId}`),
          state: s('counting'),
          expiresAt: n(expiresAt),
          ...(claimedAt === undefined ? {} : { claimedAt: n(claimedAt) }),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    if (claimed) return { kind: 'new' };
    const item = await this.item(cluster, `batch#${batchId}`);
    return retryClaim(
      item?.state?.S === 'recorded',
      item?.counted?.SS ?? [],
      item?.alerted?.SS ?? [],
      num(item?.claimedAt),
    );
  }

  async batchRecord(cluster: string, batchId: string): Promise<BatchRecord | undefined> {
    const item = await this.item(cluster, `batch#${batchId}`, 'sk, counted, alerted, decided');
    if (!item) return undefined;
    return {
      counted: new Set(item.counted?.SS ?? []),
      alerted: alertsByProblem(item.alerted?.SS ?? []),
      ...(item.decided?.BOOL ? { decided: true } : {}),
    };
  }

  async markBatchRecorded(cluster: string, batchId: string): Promise<void> {
    await this.dynamodb.send(
      new UpdateItemCommand({
        ...this.at(cluster, `batch#${batchId}`),
        UpdateExpression: 'SET #state = :recorded',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':recorded': s('recorded') },
      }),
    );
  }

  async markCounted(
    cluster: string,
    batchId: string,
    problemIds: readonly string[],
    decided = false,
  ): Promise<void> {
    await this.addToMarker(cluster, batchId, { counted: problemIds, decided });
  }

  /**
   * Adds to a marker's sets (and sets `decided`), in one write. Only on the marker the claim wrote: never
   * a marker without its TTL.
   */
  private async addToMarker(
    cluster: string,
    batchId: string,
    marks: { readonly counted?: readonly string[]; readonly alerted?: readonly string[]; decided?: boolean },
  ): Promise<void> {
    const values: Item = {};
    const adds: string[] = [];
    for (const attribute of ['counted', 'alerted'] as const) {
      const set = [...new Set(marks[attribute] ?? [])];
      // A string set cannot be empty.
      if (set.length === 0) continue;
      adds.push(`${attribute} :${attribute}`);
      values[`:${attribute}`] = { SS: set };
    }
    if (marks.decided) values[':decided'] = { BOOL: true };
    if (Object.keys(values).length === 0) return;
    const update = [
      ...(adds.length > 0 ? [`ADD ${adds.join(', ')}`] : []),
      ...(marks.decided ? ['SET decided = :decided'] : []),
    ];
    await this.conditional(
      new UpdateItemCommand({
        ...this.at(cluster, `batch#${batchId}`),
        UpdateExpression: update.join(' '),
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: values,
      }),
    );
  }

  /** The table and key of an item of `cluster`'s partition. */
  private at(cluster: string, sortKey: string) {
    return { TableName: this.tableName, Key: key(cluster, sortKey) };
  }

  /** One item, read consistently; with `attributes`, only those (a `ProjectionExpression`). */
  private async item(cluster: string, sortKey: string, attributes?: string): Promise<Item | undefined> {
    const { Item: item } = await this.dynamodb.send(
      new GetItemCommand({
        ...this.at(cluster, sortKey),
        ConsistentRead: true,
        ...(attributes === undefined ? {} : { ProjectionExpression: attributes }),
      }),
    );
    return item;
  }

  /** Runs a conditional write: `false` when the condition failed (someone else got there first). */
  private async conditional(
    command: PutItemCommand | UpdateItemCommand | DeleteItemCommand,
  ): Promise<boolean> {
    try {
      // The three commands share the client; the union only needs to reach `send`.
      await this.dynamodb.send(command as UpdateItemCommand);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

function key(cluster: string, sortKey: string): Item {
  return { pk: s(`cluster#${cluster}`), sk: s(sortKey) };
}

function s(value: string): AttributeValue {
  return { S: value };
}

function n(value: number): AttributeValue {
  return { N: String(value) };
}

function num(value: AttributeValue | undefined): number | undefined {
  return value?.N === undefined ? undefined : Number(value.N);
}

function problemFrom(cluster: string, id: string, item: Item): ProblemWindow {
  const lastFollowup = item.lastFollowup?.S ? (JSON.parse(item.lastFollowup.S) as FollowupRecord) : undefined;
  return {
    cluster,
    id,
    problemKey: item.problemKey?.S ?? '',
    mode: item.mode?.S === 'digest' ? 'digest' : 'alert',
    windowStart: num(item.windowStart) ?? 0,
    windowEnd: num(item.windowEnd) ?? 0,
    pending: num(item.pending) ?? 0,
    pendingSince: num(item.pendingSince),
    lastSeen: num(item.lastSeen) ?? 0,
    bucket: num(item.bucket) ?? 0,
    openedBy: item.openedBy?.S ?? '',
    subject: item.subject?.S ?? '',
    capped: item.capped?.BOOL,
    digestScope: item.digestScope?.S === 'account' ? 'account' : undefined,
    lastFollowup,
    counted: item.counted?.L?.flatMap((value) => (value.S === undefined ? [] : [value.S])),
    trims: num(item.trims),
  };
}

/** The stored top list, entries that do not read as one left out. */
function topPrincipalsFrom(item: Item | undefined): PrincipalCount[] {
  return (item?.topPrincipals?.L ?? []).flatMap((entry) => {
    const arn = entry.M?.arn?.S;
    const count = num(entry.M?.count);
    return arn === undefined || count === undefined ? [] : [{ arn, count }];
  });
}

function digestFrom(item: Item): DigestTally {
  const categories: Partial<Record<Category, number>> = {};
  for (const category of CATEGORIES) {
    const count = num(item[`cat_${category}`]);
    if (count) categories[category] = count;
  }
  return {
    count: num(item.count) ?? 0,
    principals: num(item.principals) ?? 0,
    categories,
    topPrincipals: topPrincipalsFrom(item),
    ...(item.account?.S === undefined ? {} : { account: item.account.S }),
    firstSeen: num(item.firstSeen) ?? 0,
    lastSeen: num(item.lastSeen) ?? 0,
  };
}

function isConditionFailure(error: unknown): boolean {
  return hasErrorName(error, 'ConditionalCheckFailedException');
}

function ignoreConditionFailure(error: unknown): void {
  if (!isConditionFailure(error)) throw error;
}
