import { detach } from '../parse/detach';

/** A principal's last grant, as the history answers it. */
export interface LastGrant {
  /** Epoch milliseconds. */
  readonly time: number;
  /**
   * A copy of the grant line when it may be a `kubernetes-admin` grant, read in full only if the same
   * principal is denied later.
   */
  readonly line: string | undefined;
}

/**
 * When each principal was last granted access, for the denials that follow (a mapping removed, the
 * creator). Bounded: past `capacity` principals it forgets the one first granted longest ago.
 *
 * Every grant of a busy log passes here, and an org-wide cluster names tens of thousands of
 * principals, so a grant costs one map lookup and one write into a flat array: the map holds each
 * principal's slot (a small integer, stored in the map itself), and the times are a packed array of
 * doubles, by slot. A map of objects holding a time cost two more reads from memory the processor
 * has not cached on every grant of such a log (the bench's 50,000-role log).
 */
export class GrantHistory {
  private readonly slotOf = new Map<string, number>();
  /** By slot: the principal's ARN as kept (the map's key), to forget it when its slot is taken. */
  private readonly arns: string[] = [];
  /** By slot: the time of the last grant. */
  private readonly times: number[] = [];
  /** By slot, only for the rare grants that may name the creator (see LastGrant.line). */
  private readonly lines = new Map<number, string>();
  /** The slot of the principal first granted longest ago, once every slot is taken. */
  private oldest = 0;

  constructor(private readonly capacity = 50_000) {}

  /** Records a grant of `arn` at `time`; `creatorLine` as LastGrant.line, already a copy. */
  granted(arn: string, time: number, creatorLine: string | undefined): void {
    let slot = this.slotOf.get(arn);
    if (slot === undefined) slot = this.newSlot(arn);
    this.times[slot] = time;
    if (creatorLine !== undefined) this.lines.set(slot, creatorLine);
    else if (this.lines.size > 0) this.lines.delete(slot);
  }

  lastOf(arn: string): LastGrant | undefined {
    const slot = this.slotOf.get(arn);
    if (slot === undefined) return undefined;
    return { time: this.times[slot] as number, line: this.lines.get(slot) };
  }

  private newSlot(arn: string): number {
    // A map keeps the key it was first given, and a line read from a file is a slice of a large chunk
    // that the key would keep alive: copy it once, on first sight.
    const key = detach(arn);
    let slot = this.arns.length;
    if (slot < this.capacity) this.arns.push(key);
    else {
      // Full: the principal first granted longest ago makes room for this one.
      slot = this.oldest;
      this.slotOf.delete(this.arns[slot] as string);
      this.lines.delete(slot);
      this.arns[slot] = key;
      this.oldest = (slot + 1) % this.capacity;
    }
    this.slotOf.set(key, slot);
    return slot;
  }
}
