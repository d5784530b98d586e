import type { Clock } from '../../core/clock.js';
import type { Store } from '../../storage/store.js';
import type { LogEvent } from './ingest.js';
import { appendToStreams, type StreamAppend } from './ingest.js';
import { ensureLogsSchema } from './storage/migrations.js';
import { logsSql } from './storage/sql.js';
import type { GroupRow, StreamRow } from './storage/sql.js';
import type { Db } from '../../storage/store.js';

export type { LogEvent } from './ingest.js';

/**
 * How other services (Lambda) write CloudWatch Logs without going through the API. Groups and
 * streams are created when missing (as Lambda does); everything is scoped by account and region.
 */
export interface LogsPort {
  /** Create the log group unless it exists. */
  ensureGroup(account: string, region: string, group: string): Promise<void>;
  /** Create the log group and the log stream unless they exist. */
  ensureStream(account: string, region: string, group: string, stream: string): Promise<void>;
  /**
   * Append events to a stream (group and stream created when missing) in one store transaction:
   * durable when the promise resolves. Events are stored in timestamp order; no PutLogEvents
   * limits apply. An empty list only ensures the stream.
   */
  append(account: string, region: string, group: string, stream: string, events: readonly LogEvent[]): Promise<void>;
  /** Several streams' appends (as `append`) in one store transaction: durable when it resolves. */
  appendMany(batches: readonly LogAppend[]): Promise<void>;
}

/** One stream's events, for LogsPort.appendMany. */
export interface LogAppend {
  account: string;
  region: string;
  group: string;
  stream: string;
  events: readonly LogEvent[];
}

/** The batches with one entry per stream (a stream named twice gets its events together). */
function byStream(batches: readonly LogAppend[]): LogAppend[] {
  const out = new Map<string, LogAppend>();
  for (const b of batches) {
    const key = `${b.account}\u0000${b.region}\u0000${b.group}\u0000${b.stream}`;
    const seen = out.get(key);
    out.set(key, seen ? { ...seen, events: [...seen.events, ...b.events] } : b);
  }
  return [...out.values()];
}

const inOrder = (events: readonly LogEvent[]): readonly LogEvent[] =>
  events.every((e, i) => i === 0 || events[i - 1]!.timestamp <= e.timestamp)
    ? events
    : [...events].sort((a, b) => a.timestamp - b.timestamp);

/** The name the logs service registers its port under in `ServiceDeps.ports`. */
export const LOGS_PORT = 'logs';

/** What the port needs: the platform's store and clock (a ServiceDeps fits). */
export interface LogsPortDeps {
  store: Store;
  clock: Clock;
}

/** A LogsPort over the store the logs service reads (the tables are created idempotently). */
export function logsPort(deps: LogsPortDeps): LogsPort {
  const { store, clock } = deps;
  const group = async (tx: Db, account: string, region: string, name: string): Promise<GroupRow> => {
    const existing = await logsSql.group(tx, account, region, name);
    if (existing) return existing;
    await logsSql.insertGroup(tx, { account, region, name, createdAt: clock.now() });
    return (await logsSql.group(tx, account, region, name))!;
  };
  const stream = async (tx: Db, g: GroupRow, name: string): Promise<StreamRow> => {
    let s = await logsSql.stream(tx, g.id, name);
    if (!s) {
      await logsSql.insertStream(tx, g.id, name, clock.now());
      s = (await logsSql.stream(tx, g.id, name))!;
    }
    return s;
  };
  const appendMany = async (batches: readonly LogAppend[]): Promise<void> => {
    await ensureLogsSchema(store);
    await store.transaction(async (tx) => {
      const groups = new Map<string, GroupRow>();
      const appends: StreamAppend[] = [];
      for (const b of byStream(batches)) {
        const key = `${b.account}\u0000${b.region}\u0000${b.group}`;
        let g = groups.get(key);
        if (!g) {
          g = await group(tx, b.account, b.region, b.group);
          groups.set(key, g);
        }
        appends.push({ group: g, stream: await stream(tx, g, b.stream), events: inOrder(b.events) });
      }
      await appendToStreams(tx, appends, clock.now());
    });
  };
  return {
    async ensureGroup(account, region, name) {
      await ensureLogsSchema(store);
      await store.transaction(async (tx) => {
        await group(tx, account, region, name);
      });
    },
    async ensureStream(account, region, groupName, streamName) {
      await ensureLogsSchema(store);
      await store.transaction(async (tx) => {
        await stream(tx, await group(tx, account, region, groupName), streamName);
      });
    },
    append: (account, region, groupName, streamName, events) =>
      appendMany([{ account, region, group: groupName, stream: streamName, events }]),
    appendMany,
  };
}
