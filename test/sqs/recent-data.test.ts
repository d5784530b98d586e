import { describe, expect, it } from 'vitest';
import { RecentData } from '../../src/services/sqs/recent-data.js';
import type { MessageData } from '../../src/services/sqs/queue-state.js';

const data = (body: string): MessageData => ({ id: body, body, md5: '', sentAt: 0, senderId: '' });

// The cache of recently sent messages' data that lets a receive skip reading them back: bounded by
// bytes, oldest out first, large messages never kept.
describe('SQS recent message data', () => {
  it('keeps messages up to its budget, dropping the oldest first', () => {
    const r = new RecentData(120_000); // entries of 1,200 bytes counted: 100 fit
    for (let seq = 1; seq <= 110; seq++) r.add(seq, data('x'.repeat(1000)));
    expect(r.get(1)).toBeUndefined();
    expect(r.get(10)).toBeUndefined();
    expect(r.get(11)?.body).toHaveLength(1000);
    expect(r.get(110)?.body).toHaveLength(1000);
    expect(r.size).toBe(100);
  });

  it('does not keep a message larger than a 64th of its budget', () => {
    const r = new RecentData(120_000); // at most 1,875 bytes counted a message
    r.add(1, data('y'.repeat(1700)));
    expect(r.get(1)).toBeUndefined();
    r.add(2, data('y'.repeat(1600)));
    expect(r.get(2)?.body).toHaveLength(1600);
  });

  it('a deleted message frees its bytes for others', () => {
    const r = new RecentData(120_000);
    for (let seq = 1; seq <= 100; seq++) r.add(seq, data('z'.repeat(1000)));
    for (let seq = 1; seq <= 10; seq++) r.delete(seq);
    for (let seq = 101; seq <= 110; seq++) r.add(seq, data('z'.repeat(1000)));
    expect(r.get(11)?.body).toHaveLength(1000);
    expect(r.size).toBe(100);
  });
});
