import type { MessageData } from './queue-state.js';

/**
 * The data of recently sent messages, kept in memory up to a byte budget so that a receive of a
 * message sent a moment ago does not read it back from the store (most messages are received soon
 * after they are sent). Oldest first out. Only a cache: the store has every message's data, a
 * message not found here is read from it, and since sequence numbers are never reused an entry
 * left behind by a message that is gone is never read (it only waits for its turn to go).
 */
export class RecentData {
  private readonly entries = new Map<number, { data: MessageData; size: number }>();
  private bytes = 0;

  /** `budget`: bytes of message data kept at most; larger messages than `budget / 64` are not kept. */
  constructor(private readonly budget: number) {}

  add(seq: number, data: MessageData): void {
    const size = data.body.length + (data.attrs ? JSON.stringify(data.attrs).length : 0) + 200;
    if (size > this.budget / 64) return;
    this.entries.set(seq, { data, size });
    this.bytes += size;
    if (this.bytes <= this.budget) return;
    for (const [oldest, e] of this.entries) {
      this.entries.delete(oldest);
      this.bytes -= e.size;
      if (this.bytes <= this.budget) break;
    }
  }

  get(seq: number): MessageData | undefined {
    return this.entries.get(seq)?.data;
  }

  delete(seq: number): void {
    const e = this.entries.get(seq);
    if (!e) return;
    this.entries.delete(seq);
    this.bytes -= e.size;
  }

  get size(): number {
    return this.entries.size;
  }
}
