// A minimal signed CloudFormation (query protocol) client for the developer CLI.
import { signRequest } from '../core/auth/sign.js';
import type { ClientOptions } from './aws-client.js';
import { CliError } from './output/cli-error.js';

export type Params = Record<string, string | number | boolean | undefined>;

/** Flatten `{Parameters: [{ParameterKey, ParameterValue}]}` style input into query parameters. */
export function flatten(prefix: string, v: unknown, out: Params = {}): Params {
  if (v === undefined) return out;
  if (Array.isArray(v)) v.forEach((x, i) => flatten(`${prefix}.member.${i + 1}`, x, out));
  else if (typeof v === 'object' && v !== null)
    for (const [k, x] of Object.entries(v)) flatten(prefix ? `${prefix}.${k}` : k, x, out);
  else out[prefix] = v as string;
  return out;
}

export async function cfn(client: ClientOptions, action: string, input: Record<string, unknown> = {}): Promise<string> {
  const params = new URLSearchParams({ Action: action, Version: '2010-05-15' });
  for (const [k, v] of Object.entries(flatten('', input))) if (v !== undefined) params.set(k, String(v));
  const url = new URL('/', client.endpoint);
  const body = params.toString();
  const headers = signRequest({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
    region: client.region,
    service: 'cloudformation',
    accessKeyId: client.accessKeyId,
    secretAccessKey: client.secretAccessKey,
    now: Date.now(),
  });
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  if (!res.ok) {
    const code = tag(text, 'Code') ?? 'Error';
    const message = unescapeXml(tag(text, 'Message') ?? text);
    const err = new CliError(`${code}: ${message}`, hintFor(code, message));
    (err as CliError & { code: string }).code = code;
    throw err;
  }
  return text;
}

function hintFor(code: string, message: string): string | undefined {
  if (/does not exist/.test(message)) return 'deploy it first with `overcast deploy`';
  const missing = /^Parameters: \[([^\]]+)\] must have values/.exec(message);
  if (missing) {
    const names = missing[1]!.split(', ');
    return `give them values: --parameter-overrides ${names.map((n) => `${n}=<value>`).join(' ')} (or parameter_overrides in samconfig.toml)`;
  }
  if (code === 'InvalidAction' || code === 'UnknownOperation' || /UnknownOperation/.test(message))
    return 'this Overcast server has no CloudFormation service yet';
  if (/Fn::Transform/.test(message))
    return 'Overcast runs the AWS::Serverless transform, and `overcast deploy` inlines AWS::Include of local files; other macros are not run';
  if (/Transform/.test(message)) return 'run `overcast sam translate` to see the transform errors';
  return undefined;
}

export const unescapeXml = (s: string): string =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&');

export function tag(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return m ? m[1] : undefined;
}

/** The `<member>` blocks directly inside `<name>`. */
export function members(xml: string, name: string): string[] {
  const inner = tag(xml, name);
  if (inner === undefined) return [];
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  const re = /<(\/?)member>/g;
  for (let m = re.exec(inner); m; m = re.exec(inner)) {
    if (!m[1]) {
      if (depth === 0) start = m.index + 8;
      depth++;
    } else {
      depth--;
      if (depth === 0) out.push(inner.slice(start, m.index));
    }
  }
  return out;
}

export const field = (xml: string, name: string): string | undefined => {
  const v = tag(xml, name);
  return v === undefined ? undefined : unescapeXml(v);
};
