import { describe, expect, it } from 'vitest';
import { QueueState } from '../../src/services/sqs/queue-state.js';
import type { Message } from '../../src/services/sqs/queue-state.js';

const message = (seq: number, sentAt: number): Message => ({
  seq,
  sentAt,
  visibleAt: sentAt,
  receiveCount: 0,
  firstReceiveAt: null,
  receipt: null,
  inflight: false,
  version: 0,
});

// The retention sweep asks each queue every 5 s which messages have expired; a queue answers
// without looking at its messages while the oldest is younger than the cutoff.
describe('QueueState.expired', () => {
  it('answers the messages sent at or before the cutoff, in any order of arrival', () => {
    const q = new QueueState(false);
    // A dead-letter queue receives old messages after young ones (they keep their first send time).
    for (const [seq, sentAt] of [
      [1, 5_000],
      [2, 1_000],
      [3, 9_000],
      [4, 3_000],
    ] as const)
      q.add(message(seq, sentAt), 10_000);
    expect(q.expired(999)).toEqual([]);
    expect(q.expired(3_000).sort()).toEqual([2, 4]);
    for (const seq of [2, 4]) q.remove(seq);
    expect(q.expired(4_999)).toEqual([]);
    expect(q.expired(5_000)).toEqual([1]);
    q.remove(1);
    q.add(message(5, 2_000), 10_000);
    expect(q.expired(8_000)).toEqual([5]);
    q.remove(5);
    expect(q.expired(20_000)).toEqual([3]);
  });

  it('does not look at the messages while none can have expired', () => {
    const q = new QueueState(false);
    for (let seq = 1; seq <= 1000; seq++) q.add(message(seq, 100_000 + seq), 0);
    expect(q.expired(100_000)).toEqual([]);
    // A scan would read every message; the bound answers first.
    const values = q.messages.values.bind(q.messages);
    let scans = 0;
    q.messages.values = () => {
      scans++;
      return values();
    };
    for (let i = 0; i < 10; i++) expect(q.expired(100_000)).toEqual([]);
    expect(scans).toBe(0);
    expect(q.expired(100_001)).toEqual([1]);
    expect(scans).toBe(1);
  });
});
