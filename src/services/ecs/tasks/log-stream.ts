import type { Clock } from '../../../core/clock.js';
import type { LogsPort } from '../../logs/port.js';

const FLUSH_MS = 200;
const MAX_LINE = 256 * 1024;

/**
 * A container's stdout/stderr as CloudWatch Logs events, the way the awslogs driver sends them:
 * one event per line, timestamped when read, batched a few times a second.
 */
export class LogStream {
  private partial = '';
  private pending: { timestamp: number; message: string }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly logs: LogsPort,
    private readonly clock: Clock,
    readonly account: string,
    readonly region: string,
    readonly group: string,
    readonly stream: string,
  ) {
    void logs.ensureStream(account, region, group, stream).catch(() => undefined);
  }

  write(b: Buffer): void {
    if (this.closed) return;
    const text = this.partial + b.toString('utf8');
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    if (this.partial.length > MAX_LINE) {
      lines.push(this.partial);
      this.partial = '';
    }
    const now = this.clock.now();
    for (const l of lines) this.pending.push({ timestamp: now, message: l });
    if (this.pending.length && !this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return this.writing;
    this.writing = this.writing
      .then(() => this.logs.append(this.account, this.region, this.group, this.stream, batch))
      .catch(() => undefined);
    return this.writing;
  }

  async close(): Promise<void> {
    if (this.closed) return this.writing;
    if (this.partial) this.pending.push({ timestamp: this.clock.now(), message: this.partial });
    this.partial = '';
    this.closed = true;
    return this.flush();
  }
}
