/**
 * The notifier's alert queue (upstream's `Manager.queue`): a FIFO of at most `capacity` alerts on
 * a ring buffer. When a push does not fit, the oldest alerts give way: first the oldest of the
 * pushed batch itself when it alone exceeds the capacity, then the oldest queued ones. Each push
 * reports how many it dropped so that the caller can count and log them.
 */
import type { Alert } from './alert.js';

/** What `AlertQueue.push` dropped to make room. */
export interface PushResult {
  /** Alerts of the pushed batch dropped because the batch alone exceeded the capacity. */
  readonly droppedFromBatch: number;
  /** Queued alerts dropped (oldest first) to make room for the batch. */
  readonly droppedFromQueue: number;
}

/** A bounded FIFO of alerts; see the module comment. */
export class AlertQueue {
  readonly capacity: number;
  readonly #buf: (Alert | undefined)[];
  #head = 0;
  #length = 0;

  /** `capacity` must be a positive integer. */
  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`alert queue capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.#buf = new Array<Alert | undefined>(capacity).fill(undefined);
  }

  /** Alerts waiting. */
  get length(): number {
    return this.#length;
  }

  /** Appends `alerts` in order, dropping the oldest when full (see `PushResult`). */
  push(alerts: readonly Alert[]): PushResult {
    const droppedFromBatch = Math.max(0, alerts.length - this.capacity);
    const start = droppedFromBatch;
    const incoming = alerts.length - start;
    const droppedFromQueue = Math.max(0, this.#length + incoming - this.capacity);
    this.#discard(droppedFromQueue);
    for (let i = start; i < alerts.length; i++) {
      this.#buf[(this.#head + this.#length) % this.capacity] = alerts[i];
      this.#length++;
    }
    return { droppedFromBatch, droppedFromQueue };
  }

  /** Removes and returns up to `max` alerts from the front, oldest first. */
  take(max: number): Alert[] {
    const n = Math.min(max, this.#length);
    const out = new Array<Alert>(n);
    for (let i = 0; i < n; i++) out[i] = this.#buf[(this.#head + i) % this.capacity]!;
    this.#discard(n);
    return out;
  }

  #discard(n: number): void {
    for (let i = 0; i < n; i++) this.#buf[(this.#head + i) % this.capacity] = undefined;
    this.#head = (this.#head + n) % this.capacity;
    this.#length -= n;
  }
}
