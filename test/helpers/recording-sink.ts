import type { DeliverySink } from '../../lambda/contract';
import { DeliveryError, type Sink } from '../../lambda/delivery/sink';
import type { Notification } from '../../lambda/engine/types';

/** A sink that keeps what it was given; `failing` makes it give up like a sink after its retries. */
export class RecordingSink implements Sink {
  readonly id: string;
  readonly sent: Notification[] = [];
  failing = false;

  constructor(readonly kind: DeliverySink) {
    this.id = kind === 'sns' ? 'sns:arn:aws:sns:eu-west-1:123456789012:test' : 'slack';
  }

  async send(notification: Notification): Promise<void> {
    if (this.failing) throw new DeliveryError(`${this.kind} is down`);
    this.sent.push(notification);
  }

  ofKind(kind: Notification['kind']): Notification[] {
    return this.sent.filter((n) => n.kind === kind);
  }
}
