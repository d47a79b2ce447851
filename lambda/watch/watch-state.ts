import { type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';

/** What the watch remembers per cluster between sweeps, so a breakage is told once and cleared once. */
export interface ClusterWatchState {
  /** `seeing` until a check finds the cluster blind and its alert went out. */
  readonly status: 'seeing' | 'blind';
  /** The reason of the blind alert that went out (a new reason is a new alert). */
  readonly reason?: string;
  /** Epoch ms: when the check first found it blind. */
  readonly blindSince?: number;
  /** Epoch ms of the last check that found it watched. */
  readonly lastSeeing?: number;
  /** Epoch ms of the last completed check, whatever it found. */
  readonly lastChecked?: number;
  /** Epoch ms the canary last wrote its line into this cluster's log group. */
  readonly lastCanary?: number;
}

export interface WatchStateStore {
  get(cluster: string): Promise<ClusterWatchState | undefined>;
  put(cluster: string, state: ClusterWatchState): Promise<void>;
}

/**
 * The watch's state in the dedup table, under its own partition (`watch#<cluster>`, sort key
 * `state`), apart from flood control's `cluster#…` and `due` items. One small item per cluster,
 * kept without TTL: it must outlive any quiet spell.
 */
export class DynamoDbWatchStateStore implements WatchStateStore {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async get(cluster: string): Promise<ClusterWatchState | undefined> {
    const { Item } = await this.dynamodb.send(
      new GetItemCommand({ TableName: this.tableName, Key: key(cluster), ConsistentRead: true }),
    );
    const body = Item?.state?.S;
    if (!body) return undefined;
    try {
      return JSON.parse(body) as ClusterWatchState;
    } catch {
      return undefined;
    }
  }

  async put(cluster: string, state: ClusterWatchState): Promise<void> {
    await this.dynamodb.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: { ...key(cluster), state: { S: JSON.stringify(state) } },
      }),
    );
  }
}

function key(cluster: string) {
  return { pk: { S: `watch#${cluster}` }, sk: { S: 'state' } };
}

/** In memory, for tests and replay. */
export class MemoryWatchStateStore implements WatchStateStore {
  readonly states = new Map<string, ClusterWatchState>();

  async get(cluster: string): Promise<ClusterWatchState | undefined> {
    return this.states.get(cluster);
  }

  async put(cluster: string, state: ClusterWatchState): Promise<void> {
    this.states.set(cluster, state);
  }
}
