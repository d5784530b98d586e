import { randomBytes } from 'node:crypto';
import type { AwsClient } from './client.js';

/** What a provider knows while it creates, updates or deletes one resource. */
export interface ProviderContext {
  account: string;
  region: string;
  partition: string;
  stackName: string;
  stackId: string;
  logicalId: string;
  resourceType: string;
  client: AwsClient;
  /** A physical name as CloudFormation generates one: `<stack>-<LogicalId>-<RANDOM>`. */
  physicalName(maxLength?: number, options?: { lowercase?: boolean; separator?: string }): string;
}

export interface ProvisionResult {
  physicalId: string;
  /** Fn::GetAtt attributes; `Ref` when a Ref returns something other than the physical id. */
  attributes?: Record<string, unknown>;
}

export type Props = Record<string, any>;

export interface ResourceProvider {
  create(props: Props, ctx: ProviderContext): Promise<ProvisionResult>;
  /** In-place update; absent means every change replaces the resource. */
  update?(
    physicalId: string,
    props: Props,
    old: Props,
    oldAttributes: Record<string, unknown>,
    ctx: ProviderContext,
  ): Promise<ProvisionResult>;
  delete(physicalId: string, props: Props, attributes: Record<string, unknown>, ctx: ProviderContext): Promise<void>;
  /** Properties whose change needs a new physical resource ('*': any change). */
  replaceOn?: string[] | '*';
  /** The Fn::GetAtt attributes the type documents. */
  attributes?: string[];
}

export function generateName(
  stackName: string,
  logicalId: string,
  maxLength = 64,
  options: { lowercase?: boolean; separator?: string } = {},
): string {
  const sep = options.separator ?? '-';
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const suffix = [...randomBytes(12)].map((b) => alphabet[b % 36]).join('');
  const room = Math.max(2, maxLength - suffix.length - 2 * sep.length);
  let stack = stackName;
  let logical = logicalId;
  while (stack.length + logical.length > room) {
    if (stack.length >= logical.length) stack = stack.slice(0, -1);
    else logical = logical.slice(0, -1);
  }
  const name = `${stack}${sep}${logical}${sep}${suffix}`;
  return options.lowercase ? name.toLowerCase() : name;
}

/** Coerce template values (often strings from parameters) into the numbers and booleans APIs expect. */
export function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isNaN(n) ? (v as number) : n;
}

export function bool(v: unknown): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  return String(v).toLowerCase() === 'true';
}

/** `[{Key, Value}]` tags as a map. */
export function tagMap(tags: unknown): Record<string, string> | undefined {
  if (!Array.isArray(tags)) return tags && typeof tags === 'object' ? (tags as Record<string, string>) : undefined;
  return Object.fromEntries(tags.map((t: { Key: string; Value: string }) => [t.Key, String(t.Value)]));
}

/** Drop undefined members. */
export function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Which top-level properties differ between two property sets. */
export function changedProps(a: Props, b: Props): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}
