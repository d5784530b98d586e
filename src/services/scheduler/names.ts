/** `arn:aws:scheduler:<region>:<account>:schedule/<group>/<name>` */
export function scheduleArn(region: string, account: string, group: string, name: string): string {
  return `arn:aws:scheduler:${region}:${account}:schedule/${group}/${name}`;
}

/** `arn:aws:scheduler:<region>:<account>:schedule-group/<name>` */
export function groupArn(region: string, account: string, name: string): string {
  return `arn:aws:scheduler:${region}:${account}:schedule-group/${name}`;
}

/** The account, region and name of a schedule group ARN (the model's pattern already matched). */
export function parseGroupArn(arn: string): { region: string; account: string; name: string } | undefined {
  const m = /^arn:aws(?:-[a-z]+)?:scheduler:([a-z0-9-]+):(\d{12}):schedule-group\/([0-9a-zA-Z-_.]+)$/.exec(arn);
  return m ? { region: m[1]!, account: m[2]!, name: m[3]! } : undefined;
}

/** Timestamps travel as epoch seconds (restJson1's default); stored as epoch milliseconds. */
export const toEpochSeconds = (ms: number): number => ms / 1000;

export function fromTimestamp(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return Math.round(value * 1000);
  const n = Number(value);
  if (!Number.isNaN(n)) return Math.round(n * 1000);
  const t = Date.parse(String(value));
  return Number.isNaN(t) ? undefined : t;
}
