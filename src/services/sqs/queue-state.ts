import type { StoredAttribute } from './md5.js';

/** The immutable part of a message (stored as JSON in sqs_messages.data). */
export interface MessageData {
  id: string;
  body: string;
  md5: string;
  attrs?: Record<string, StoredAttribute>;
  md5Attrs?: string;
  trace?: string;
  sentAt: number;
  senderId: string;
  groupId?: string;
  dedupId?: string;
  sequenceNumber?: string;
  /** Set when redrive moved the message here. */
  dlqSource?: string;
}

/**
 * What a queue keeps of a message in memory: its place and state, and of its data only what
 * ordering, retention and grouping need. The body and the rest of MessageData stay in the store and
 * are read when a receive hands the message out, so a backlog costs memory per message, not per
 * byte of body.
 */
export interface Message {
  seq: number;
  sentAt: number;
  /** FIFO queues: the message group. */
  groupId?: string;
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt: number | null;
  /** Nonce of the current receipt handle (null before the first receive). */
  receipt: string | null;
  inflight: boolean;
  /** Bumped whenever visibleAt changes, so stale heap entries are skipped. */
  version: number;
}

/** A message as one receive handed it out: its state at that moment and its stored data. */
export interface ReceivedMessage extends Message {
  readonly data: MessageData;
}

interface HeapEntry {
  at: number;
  seq: number;
  version: number;
}

/** A binary min-heap of visibility deadlines. */
class DeadlineHeap {
  private readonly a: HeapEntry[] = [];
  get size(): number {
    return this.a.length;
  }
  peek(): HeapEntry | undefined {
    return this.a[0];
  }
  push(e: HeapEntry): void {
    const a = this.a;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.at <= e.at) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = e;
  }
  pop(): HeapEntry | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        let mAt = last.at;
        if (l < a.length && a[l]!.at < mAt) {
          m = l;
          mAt = a[l]!.at;
        }
        if (r < a.length && a[r]!.at < mAt) m = r;
        if (m === i) break;
        a[i] = a[m]!;
        i = m;
      }
      a[i] = last;
    }
    return top;
  }
  clear(): void {
    this.a.length = 0;
  }
}

interface Group {
  /** Sequence numbers of the group's messages in send order (in flight ones at the front). */
  seqs: number[];
  inflight: number;
}

/** What a receive decided for one candidate message. */
export type Verdict = 'take' | 'expire' | 'redrive';

/**
 * The in-memory state of one queue: every message, the visible ones ready to receive, and a heap of
 * deadlines (delays and visibility timeouts). Standard queues hand out ready messages in roughly send
 * order; FIFO queues hand out the oldest messages of groups that have nothing in flight, in order.
 * Synchronous: the engine persists what changed.
 */
export class QueueState {
  readonly messages = new Map<number, Message>();
  private ready: number[] = [];
  private readyHead = 0;
  private readonly heap = new DeadlineHeap();
  private readonly groups = new Map<string, Group>();
  /** No message was sent before this (a lower bound; exact after `expired`). */
  private oldestSentAt = Infinity;

  constructor(readonly fifo: boolean) {}

  add(m: Message, now: number): void {
    this.messages.set(m.seq, m);
    if (m.sentAt < this.oldestSentAt) this.oldestSentAt = m.sentAt;
    if (this.fifo) {
      const key = m.groupId ?? '';
      let g = this.groups.get(key);
      if (!g) {
        g = { seqs: [], inflight: 0 };
        this.groups.set(key, g);
      }
      // Sends can commit out of order: keep the group sorted by seq.
      let i = g.seqs.length;
      while (i > 0 && g.seqs[i - 1]! > m.seq) i--;
      g.seqs.splice(i, 0, m.seq);
      if (m.inflight) g.inflight++;
      if (m.visibleAt > now) this.heap.push({ at: m.visibleAt, seq: m.seq, version: m.version });
      return;
    }
    if (m.visibleAt > now) this.heap.push({ at: m.visibleAt, seq: m.seq, version: m.version });
    else this.ready.push(m.seq);
  }

  remove(seq: number): Message | undefined {
    const m = this.messages.get(seq);
    if (!m) return undefined;
    this.messages.delete(seq);
    if (this.fifo) {
      const key = m.groupId ?? '';
      const g = this.groups.get(key);
      if (g) {
        const i = g.seqs.indexOf(seq);
        if (i >= 0) g.seqs.splice(i, 1);
        if (m.inflight) g.inflight--;
        if (g.seqs.length === 0) this.groups.delete(key);
      }
    }
    m.inflight = false;
    return m;
  }

  /**
   * The seqs of messages sent at or before `cutoff` (retention ended). Without looking at any message
   * while the oldest one is younger than that, so the periodic retention sweep of a large backlog
   * costs nothing until something can have expired.
   */
  expired(cutoff: number): number[] {
    if (cutoff < this.oldestSentAt) return [];
    const out: number[] = [];
    let oldest = Infinity;
    for (const m of this.messages.values()) {
      if (m.sentAt <= cutoff) out.push(m.seq);
      else if (m.sentAt < oldest) oldest = m.sentAt;
    }
    this.oldestSentAt = oldest;
    return out;
  }

  clear(): Message[] {
    const all = [...this.messages.values()];
    this.messages.clear();
    this.ready = [];
    this.readyHead = 0;
    this.heap.clear();
    this.groups.clear();
    this.oldestSentAt = Infinity;
    return all;
  }

  /** Moves messages whose delay or visibility timeout ended back to ready. */
  promote(now: number): void {
    for (let e = this.heap.peek(); e && e.at <= now; e = this.heap.peek()) {
      this.heap.pop();
      const m = this.messages.get(e.seq);
      if (!m || m.version !== e.version) continue;
      if (this.fifo) {
        if (m.inflight) {
          m.inflight = false;
          const g = this.groups.get(m.groupId ?? '');
          if (g) g.inflight--;
        }
      } else {
        m.inflight = false;
        this.ready.push(m.seq);
      }
    }
  }

  /** The next deadline (ms) at which a message may become visible, or undefined. */
  nextDeadline(): number | undefined {
    return this.heap.peek()?.at;
  }

  /**
   * Takes up to `max` visible messages, making them in flight until `now + visibilityMs`.
   * `judge` may drop a candidate (retention ended) or divert it (redrive) instead.
   */
  receive(
    max: number,
    now: number,
    visibilityMs: number,
    judge: (m: Message) => Verdict,
    dropped: Message[],
  ): Message[] {
    this.promote(now);
    const out: Message[] = [];
    // One nonce per receive: a handle also names the message (seq), so it stays unique, and the
    // store can record the whole receive with one set-based UPDATE.
    const receipt = randomNonce();
    if (this.fifo) {
      for (const [key, g] of this.groups) {
        if (out.length >= max) break;
        if (g.inflight > 0) continue;
        for (let i = 0; i < g.seqs.length && out.length < max;) {
          const m = this.messages.get(g.seqs[i]!)!;
          if (m.visibleAt > now) break;
          const verdict = judge(m);
          if (verdict !== 'take') {
            g.seqs.splice(i, 1);
            this.messages.delete(m.seq);
            dropped.push(m);
            continue;
          }
          this.take(m, now, visibilityMs, receipt);
          g.inflight++;
          out.push(m);
          i++;
        }
        if (g.seqs.length === 0) this.groups.delete(key);
      }
      return out;
    }
    while (out.length < max && this.readyHead < this.ready.length) {
      const seq = this.ready[this.readyHead++]!;
      const m = this.messages.get(seq);
      if (!m || m.inflight || m.visibleAt > now) continue;
      const verdict = judge(m);
      if (verdict !== 'take') {
        this.messages.delete(seq);
        dropped.push(m);
        continue;
      }
      this.take(m, now, visibilityMs, receipt);
      out.push(m);
    }
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead);
      this.readyHead = 0;
    }
    return out;
  }

  private take(m: Message, now: number, visibilityMs: number, receipt: string): void {
    m.receiveCount++;
    m.firstReceiveAt ??= now;
    m.inflight = true;
    m.receipt = receipt;
    this.setVisibleAt(m, now + visibilityMs, now);
  }

  /** ChangeMessageVisibility of an in-flight message. */
  setVisibleAt(m: Message, at: number, now: number): void {
    m.visibleAt = at;
    m.version++;
    if (at > now || !m.inflight) {
      this.heap.push({ at, seq: m.seq, version: m.version });
      return;
    }
    // Visible right away: make it receivable now.
    this.heap.push({ at: now, seq: m.seq, version: m.version });
  }

  counts(now: number): { visible: number; inflight: number; delayed: number } {
    let visible = 0;
    let inflight = 0;
    let delayed = 0;
    for (const m of this.messages.values()) {
      if (m.inflight && m.visibleAt > now) inflight++;
      else if (!m.inflight && m.visibleAt > now) delayed++;
      else visible++;
    }
    return { visible, inflight, delayed };
  }
}

let noncePool = Buffer.alloc(0);
let nonceOffset = 0;

function randomNonce(): string {
  if (nonceOffset + 12 > noncePool.length) {
    noncePool = crypto.getRandomValues(Buffer.alloc(12 * 1024));
    nonceOffset = 0;
  }
  const s = noncePool.toString('base64url', nonceOffset, nonceOffset + 12);
  nonceOffset += 12;
  return s;
}
