import type { InvocationResult, InvocationStatus } from './types.js';
/** The platform's own log lines (START, END, REPORT, INIT_REPORT, timeouts), in AWS's exact format. */

export const startLine = (requestId: string, version: string): string =>
  `START RequestId: ${requestId} Version: ${version}`;

export const endLine = (requestId: string): string => `END RequestId: ${requestId}`;

export interface ReportFields {
  requestId: string;
  durationMs: number;
  memoryMb: number;
  maxMemoryUsedMb: number;
  initDurationMs?: number;
  /** timeout, or error (with errorType). */
  status?: 'timeout' | 'error';
  errorType?: string;
}

/** Billed duration: whole milliseconds, rounded up; on-demand functions are billed for init too. */
export function billedDuration(durationMs: number, initDurationMs?: number): number {
  return Math.max(1, Math.ceil(durationMs + (initDurationMs ?? 0)));
}

/**
 * `REPORT RequestId: <id>\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory
 * Used: 60 MB\tInit Duration: 150.12 ms\t` — then `Status: timeout` or `Status: error\tError Type: …`.
 */
export function reportLine(f: ReportFields): string {
  let line =
    `REPORT RequestId: ${f.requestId}\tDuration: ${f.durationMs.toFixed(2)} ms\t` +
    `Billed Duration: ${billedDuration(f.durationMs, f.initDurationMs)} ms\t` +
    `Memory Size: ${f.memoryMb} MB\tMax Memory Used: ${f.maxMemoryUsedMb} MB\t`;
  if (f.initDurationMs !== undefined) line += `Init Duration: ${f.initDurationMs.toFixed(2)} ms\t`;
  if (f.status === 'timeout') line += 'Status: timeout';
  else if (f.status === 'error') line += `Status: error${f.errorType ? `\tError Type: ${f.errorType}` : ''}`;
  return line;
}

/** `INIT_REPORT Init Duration: 206.79 ms\tPhase: init\tStatus: error\tError Type: Runtime.ImportModuleError` */
export function initReportLine(initDurationMs: number, status: 'error' | 'timeout', errorType?: string): string {
  return (
    `INIT_REPORT Init Duration: ${initDurationMs.toFixed(2)} ms\tPhase: init\tStatus: ${status}` +
    (errorType ? `\tError Type: ${errorType}` : '')
  );
}

/** The log line of a timed-out invocation: `<ISO time> <request id> Task timed out after 3.00 seconds`. */
export function timeoutLogLine(nowMs: number, requestId: string, timeoutSec: number): string {
  return `${new Date(nowMs).toISOString()} ${requestId} Task timed out after ${timeoutSec.toFixed(2)} seconds`;
}

/** Splits a byte stream into lines (CloudWatch events); long lines are cut at 256 KB. */
export class LineSplitter {
  private partial = '';
  constructor(private readonly emit: (lines: string[]) => void) {}

  push(chunk: Buffer | string): void {
    const text = this.partial + chunk.toString();
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    const out: string[] = [];
    for (const p of parts) out.push(...cut(p));
    if (this.partial.length > MAX_EVENT) {
      const pieces = cut(this.partial);
      this.partial = pieces.pop() ?? '';
      out.push(...pieces);
    }
    if (out.length) this.emit(out);
  }

  flush(): void {
    if (this.partial) {
      const rest = this.partial;
      this.partial = '';
      this.emit(cut(rest));
    }
  }
}

const MAX_EVENT = 256 * 1024;

function cut(line: string): string[] {
  if (line.length <= MAX_EVENT) return [line];
  const out: string[] = [];
  for (let i = 0; i < line.length; i += MAX_EVENT) out.push(line.slice(i, i + MAX_EVENT));
  return out;
}

/** How much of an invocation's log `LogType: Tail` returns. */
const LOG_TAIL_BYTES = 4096;

/** How an invocation ended, as an environment reports it. */
export interface InvocationEnd {
  status: InvocationStatus;
  payload: Buffer;
  errorType?: string;
  durationMs: number;
  initDurationMs?: number;
  reportStatus?: 'error' | 'timeout';
  reusable: boolean;
}

/**
 * Writes END and REPORT for an invocation and shapes its InvocationResult, with the last 4 KB of
 * its log lines (START … REPORT) as the tail. Shared by every environment kind.
 */
export function endInvocation(
  requestId: string,
  r: InvocationEnd,
  env: {
    memoryMb: number;
    maxMemoryUsedMb: number;
    alive: boolean;
    emit: (line: string) => void;
    /** The invocation's lines so far (END and REPORT included once emitted); ends the tail. */
    takeTail: () => string[];
  },
): InvocationResult {
  env.emit(endLine(requestId));
  env.emit(
    reportLine({
      requestId,
      durationMs: r.durationMs,
      memoryMb: env.memoryMb,
      maxMemoryUsedMb: env.maxMemoryUsedMb,
      initDurationMs: r.initDurationMs,
      status: r.reportStatus,
      errorType: r.reportStatus === 'error' ? r.errorType : undefined,
    }),
  );
  const lines = env.takeTail();
  return {
    status: r.status,
    payload: r.payload,
    ...(r.status === 'success' ? {} : { errorType: r.errorType }),
    durationMs: r.durationMs,
    ...(r.initDurationMs !== undefined ? { initDurationMs: r.initDurationMs } : {}),
    maxMemoryUsedMb: env.maxMemoryUsedMb,
    logTail: lastBytes(lines.map((l) => l + '\n').join(''), LOG_TAIL_BYTES),
    reusable: r.reusable && env.alive,
  };
}

function lastBytes(text: string, max: number): string {
  const buf = Buffer.from(text, 'utf8');
  return buf.length <= max ? text : buf.subarray(buf.length - max).toString('utf8');
}
