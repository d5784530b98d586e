import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { AwsCallError, callJson, callRest, clientOptions } from './aws-client.js';
import type { ClientOptions } from './aws-client.js';
import { zipDirectory } from '../core/zip.js';

interface ClientFlags {
  endpoint?: string;
  region?: string;
  json?: boolean;
}

const clientOf = (flags: ClientFlags): ClientOptions => clientOptions(flags);

const fnPath = (name: string, rest = '') => `/2015-03-31/functions/${encodeURIComponent(name)}${rest}`;
const progress = (flags: ClientFlags, line: string) => {
  if (!flags.json) process.stderr.write(`${line}\n`);
};

export interface DeployFlags extends ClientFlags {
  name: string;
  runtime: string;
  handler: string;
  memory?: string;
  timeout?: string;
  env?: string[];
  role?: string;
  url?: boolean;
}

/** `overcast functions deploy <dir>`: zip a directory and create or update a function from it. */
export async function deployFunction(dir: string, flags: DeployFlags): Promise<void> {
  const client = clientOf(flags);
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`${dir} is not a directory`);
  const started = Date.now();
  const zip = await zipDirectory(root);
  progress(flags, `zipped ${root} (${(zip.length / 1024).toFixed(1)} KiB)`);
  const env = Object.fromEntries(
    (flags.env ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  const settings = {
    Runtime: flags.runtime,
    Handler: flags.handler,
    ...(flags.memory ? { MemorySize: Number(flags.memory) } : {}),
    ...(flags.timeout ? { Timeout: Number(flags.timeout) } : {}),
    ...(Object.keys(env).length > 0 ? { Environment: { Variables: env } } : {}),
  };
  let config: any;
  let exists = true;
  try {
    await callRest(client, 'lambda', 'GET', fnPath(flags.name));
  } catch (err) {
    if (!(err instanceof AwsCallError && err.code === 'ResourceNotFoundException')) throw err;
    exists = false;
  }
  if (exists) {
    await callRest(client, 'lambda', 'PUT', fnPath(flags.name, '/code'), { ZipFile: zip.toString('base64') });
    config = (await callRest(client, 'lambda', 'PUT', fnPath(flags.name, '/configuration'), settings)).body;
    progress(flags, `updated ${flags.name}`);
  } else {
    config = (
      await callRest(client, 'lambda', 'POST', '/2015-03-31/functions', {
        FunctionName: flags.name,
        Role: flags.role ?? 'arn:aws:iam::000000000000:role/overcast-function',
        Code: { ZipFile: zip.toString('base64') },
        ...settings,
      })
    ).body;
    progress(flags, `created ${flags.name}`);
  }
  let url: string | undefined;
  if (flags.url) {
    try {
      url = (await callRest(client, 'lambda', 'GET', `/2021-10-31/functions/${encodeURIComponent(flags.name)}/url`))
        .body.FunctionUrl;
    } catch {
      url = (
        await callRest(client, 'lambda', 'POST', `/2021-10-31/functions/${encodeURIComponent(flags.name)}/url`, {
          AuthType: 'NONE',
        })
      ).body.FunctionUrl;
    }
  }
  const result = {
    FunctionName: flags.name,
    FunctionArn: config.FunctionArn,
    CodeSha256: config.CodeSha256,
    ...(url ? { FunctionUrl: url } : {}),
    ms: Date.now() - started,
  };
  if (flags.json) process.stdout.write(JSON.stringify(result) + '\n');
  else process.stdout.write(`${result.FunctionArn}${url ? `\n  url  ${url}` : ''}\n  deployed in ${result.ms} ms\n`);
}

/** `overcast invoke <name>`: invoke synchronously, print the response, the log tail on stderr. */
export async function invokeFunction(
  name: string,
  flags: ClientFlags & { payload?: string; qualifier?: string; event?: string },
): Promise<void> {
  const client = clientOf(flags);
  if (flags.event) flags.payload = readFileSync(flags.event === '-' ? 0 : flags.event, 'utf8');
  const q = flags.qualifier ? `?Qualifier=${encodeURIComponent(flags.qualifier)}` : '';
  const out = await callRest(client, 'lambda', 'POST', fnPath(name, `/invocations${q}`), flags.payload ?? '{}', {
    'x-amz-log-type': 'Tail',
  });
  const functionError = out.headers.get('x-amz-function-error');
  const log = Buffer.from(out.headers.get('x-amz-log-result') ?? '', 'base64').toString('utf8');
  if (flags.json) {
    process.stdout.write(
      JSON.stringify({
        StatusCode: out.status,
        FunctionError: functionError ?? undefined,
        ExecutedVersion: out.headers.get('x-amz-executed-version'),
        Payload: out.body,
      }) + '\n',
    );
    return;
  }
  if (log) process.stderr.write(log.endsWith('\n') ? log : `${log}\n`);
  process.stdout.write(`${out.raw}\n`);
  if (functionError) process.exitCode = 1;
}

/** `overcast logs <name>`: print a function's log events; --follow keeps polling (as `aws logs tail --follow`). */
export async function functionLogs(
  name: string,
  flags: ClientFlags & { follow?: boolean; since?: string },
): Promise<void> {
  const client = clientOf(flags);
  const group = name.startsWith('/') ? name : `/aws/lambda/${name}`;
  let start = Date.now() - Number(flags.since ?? 600) * 1000;
  const seen = new Set<string>();
  for (;;) {
    let next: string | undefined;
    do {
      const out = await callJson(
        client,
        'logs',
        'Logs_20140328.FilterLogEvents',
        { logGroupName: group, startTime: start, ...(next ? { nextToken: next } : {}) },
        '1.1',
      );
      for (const e of out.events ?? []) {
        if (seen.has(e.eventId)) continue;
        seen.add(e.eventId);
        start = Math.max(start, e.timestamp);
        if (flags.json) process.stdout.write(JSON.stringify(e) + '\n');
        else
          process.stdout.write(
            `${new Date(e.timestamp).toISOString()} ${e.logStreamName} ${String(e.message).replace(/\n$/, '')}\n`,
          );
      }
      next = out.nextToken;
    } while (next);
    if (!flags.follow) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
