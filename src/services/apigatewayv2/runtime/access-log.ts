import type { Logger } from '../../../core/log.js';
import type { LogsPort } from '../../logs/port.js';

/** Renders `$context.x.y` variables of an access log format ("-" when unknown). */
export function renderAccessLog(format: string, vars: Record<string, unknown>): string {
  return format.replace(/\$context\.([A-Za-z0-9_.-]*[A-Za-z0-9_])/g, (_m, name: string) => {
    const v = vars[name];
    if (v === undefined || v === null || v === '') return '-';
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
}

/** `arn:aws:logs:<region>:<account>:log-group:<name>[:*]` → where to write. */
export function logGroupOf(arn: string): { region: string; account: string; group: string } | undefined {
  const m = /^arn:aws[a-z-]*:logs:([^:]+):(\d{12}):log-group:([^:]+)(:\*)?$/.exec(arn);
  return m ? { region: m[1]!, account: m[2]!, group: m[3]! } : undefined;
}

export function writeAccessLog(
  logs: LogsPort,
  log: Logger,
  arn: string,
  stream: string,
  message: string,
  timestamp: number,
): void {
  const dest = logGroupOf(arn);
  if (!dest) return;
  logs
    .append(dest.account, dest.region, dest.group, stream, [{ timestamp, message }])
    .catch((err: unknown) => log.warn({ err }, 'access log write failed'));
}
