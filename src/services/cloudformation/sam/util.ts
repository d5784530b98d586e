// Shared helpers for the SAM transform: JSON shapes, intrinsic detection, errors, hashing.
import { createHash } from 'node:crypto';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Obj = Record<string, any>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{Ref: x}`, `{"Fn::Sub": ...}`, `{Condition: x}`: a one-key object whose key is an intrinsic. */
export function isIntrinsic(v: unknown): boolean {
  if (!isObj(v)) return false;
  const keys = Object.keys(v);
  if (keys.length !== 1) return false;
  const k = keys[0]!;
  return k === 'Ref' || k === 'Condition' || k.startsWith('Fn::');
}

export const clone = <T>(v: T): T => (v === undefined ? v : (structuredClone(v) as T));

/**
 * One transform error, tied to a resource (or the document when `id` is undefined). `template`: the
 * translator's InvalidTemplateException, worded "Structure of the SAM template is invalid. …".
 */
export class SamError extends Error {
  constructor(
    public readonly id: string | undefined,
    message: string,
    public readonly kind: 'resource' | 'event' | 'document' | 'template' = 'resource',
  ) {
    super(message);
  }
}

export const invalid = (id: string, message: string): SamError => new SamError(id, message);

export function sha1(data: string): string {
  return createHash('sha1').update(data, 'utf8').digest('hex');
}

/** Python's `json.dumps(v, separators=(",", ":"), sort_keys=True)` (ASCII escapes included). */
export function pyJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === 'string')
    return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  if (Array.isArray(v)) return '[' + v.map(pyJson).join(',') + ']';
  const o = v as Obj;
  return (
    '{' +
    Object.keys(o)
      .sort()
      .map((k) => pyJson(k) + ':' + pyJson(o[k]))
      .join(',') +
    '}'
  );
}

/** A logical id generator as the translator's: prefix + first 10 hex of sha1(data). */
export function hashedId(prefix: string, data: unknown): string {
  const s = typeof data === 'string' ? data : pyJson(data);
  return prefix + (s ? sha1(s).slice(0, 10) : '');
}

export const ref = (id: string): Obj => ({ Ref: id });
export const getAtt = (id: string, attr: string): Obj => ({ 'Fn::GetAtt': [id, attr] });

/** Logical id of `{Ref: X}` or a plain string id, else undefined. */
export function refId(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (isObj(v) && typeof v.Ref === 'string' && Object.keys(v).length === 1) return v.Ref;
  return undefined;
}

/** Tags map → CloudFormation list, SAM's own tag first. */
export function tagList(tags: unknown, samTag?: [string, string]): Obj[] {
  const out: Obj[] = [];
  if (samTag) out.push({ Key: samTag[0], Value: samTag[1] });
  if (isObj(tags)) for (const [k, v] of Object.entries(tags)) out.push({ Key: k, Value: v });
  return out;
}

export const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Drop undefined values (not null) from an object, shallowly. */
export function compact(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

export const isAlnum = (s: string): boolean => /^[A-Za-z0-9]+$/.test(s);
