import { logsErrors } from './errors.js';

/** A position in a stream: between events, identified by an event's (timestamp, sequence). */
export interface Position {
  ts: number;
  seq: number;
}

/** Before every event of a stream. */
export const START: Position = { ts: 0, seq: 0 };

/**
 * GetLogEvents tokens as AWS shapes them: `f/<56 digits>/s` (forward: events after the position)
 * and `b/<56 digits>/s` (backward: events before it). The digits are the timestamp (20) and the
 * sequence number (36) of the boundary event.
 */
export function streamToken(direction: 'f' | 'b', p: Position): string {
  return `${direction}/${String(p.ts).padStart(20, '0')}${String(p.seq).padStart(36, '0')}/s`;
}

export function parseStreamToken(token: string): { direction: 'f' | 'b'; position: Position } {
  const m = /^([fb])\/(\d{20})(\d{36})\/s$/.exec(token);
  if (!m) throw logsErrors.invalidToken();
  const ts = Number(m[2]);
  const seq = Number(m[3]);
  if (!Number.isSafeInteger(ts) || !Number.isSafeInteger(seq)) throw logsErrors.invalidToken();
  return { direction: m[1] as 'f' | 'b', position: { ts, seq } };
}

/** An opaque pagination token (DescribeLogGroups, DescribeLogStreams, FilterLogEvents). */
export function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeToken<T>(token: string, check: (value: unknown) => value is T): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw logsErrors.invalidToken();
  }
  if (!check(value)) throw logsErrors.invalidToken();
  return value;
}

export const isTuple =
  (...kinds: ('string' | 'number')[]) =>
  (v: unknown): v is any[] =>
    Array.isArray(v) && v.length === kinds.length && v.every((x, i) => typeof x === kinds[i]);
