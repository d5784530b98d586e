import type { LogSink } from '../environments/types.js';

/** The part of the Logs service's port Lambda writes through. */
export interface LogsWriter {
  append(
    account: string,
    region: string,
    group: string,
    stream: string,
    events: { timestamp: number; message: string }[],
  ): void | Promise<void>;
}

/** A sink for one environment's log stream; without a Logs service the lines go nowhere. */
export function logSink(
  writer: LogsWriter | undefined,
  account: string,
  region: string,
  group: string,
  stream: string,
  onError: (err: unknown) => void,
): LogSink {
  return {
    write(events) {
      if (!writer || events.length === 0) return;
      try {
        const r = writer.append(account, region, group, stream, events);
        if (r && typeof (r as Promise<void>).catch === 'function') (r as Promise<void>).catch(onError);
      } catch (err) {
        onError(err);
      }
    },
  };
}
