import type { AuthenticatorRecord } from '../types';

/** An EC2 batch failure explains the node lookup failures within this much time of it. */
export const EC2_JOIN_MS = 60_000;

/** The wording of a node lookup failure (TEMPLATE_EC2_LOOKUP_FAILED), which a batch failure explains. */
const NODE_LOOKUP_FAILURE = /failed querying private DNS|failed to find node/;

/**
 * The EC2 `DescribeInstances` batch failures of one log (reference §3.1: "Batch call failed querying
 * private DNS from EC2 API for nodes [...] : with error = ..."), to join to the TEMPLATE_EC2_LOOKUP_FAILED
 * denials they explain. A denial's own error is cut before the EC2 error code; the batch line carries
 * it, and the code is what tells a detached cluster policy from throttling or a node of another
 * account. Bounded: the most recent `capacity` failures are kept.
 */
export class Ec2Failures {
  private readonly failures: { readonly epoch: number; readonly code: string | undefined }[] = [];

  constructor(private readonly capacity = 256) {}

  get size(): number {
    return this.failures.length;
  }

  /** A batch failure logged at `epoch` (ms), naming this EC2 error code (`ec2ErrorCode` of its message). */
  add(epoch: number, code: string | undefined): void {
    if (Number.isNaN(epoch)) return;
    if (this.failures.length >= this.capacity) this.failures.shift();
    this.failures.push({ epoch, code });
  }

  /**
   * The EC2 error code of the failure nearest `epoch` within EC2_JOIN_MS, before or after it; `unknown`
   * when that failure names no code; `undefined` when none is that near.
   */
  near(epoch: number): string | undefined {
    if (Number.isNaN(epoch)) return undefined;
    let best: { readonly epoch: number; readonly code: string | undefined } | undefined;
    for (const failure of this.failures) {
      const distance = Math.abs(failure.epoch - epoch);
      if (distance <= EC2_JOIN_MS && (best === undefined || distance < Math.abs(best.epoch - epoch)))
        best = failure;
    }
    return best === undefined ? undefined : (best.code ?? 'unknown');
  }

  /** `record` with the EC2 error of the failure near it (`ec2error`), when it is a node lookup failure. */
  join(record: AuthenticatorRecord, epoch: number): AuthenticatorRecord {
    const error = record.fields.error;
    if (this.failures.length === 0 || error === undefined || !NODE_LOOKUP_FAILURE.test(error)) return record;
    const code = this.near(epoch);
    return code === undefined ? record : { ...record, fields: { ...record.fields, ec2error: code } };
  }
}
