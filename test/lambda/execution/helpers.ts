import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll } from 'vitest';
import {
  ProcessEnvironmentProvider,
  type ProcessProviderOptions,
} from '../../../src/services/lambda/environments/process-provider.js';
import type {
  EnvironmentSpec,
  ExecutionEnvironment,
  Invocation,
  InvocationResult,
  LogSink,
} from '../../../src/services/lambda/environments/types.js';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const isRoot = process.getuid?.() === 0;

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** A temporary directory with these files (path → content; mode 0755 for names ending in `bootstrap` or `.sh`). */
export async function codeDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'overcast-fn-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    if (/(^|\/)bootstrap$|\.sh$/.test(name)) await chmod(path, 0o755);
  }
  return dir;
}

export class MemorySink implements LogSink {
  readonly events: { timestamp: number; message: string }[] = [];
  write(events: { timestamp: number; message: string }[]): void {
    this.events.push(...events);
  }
  get lines(): string[] {
    return this.events.map((e) => e.message);
  }
}

export function spec(over: Partial<EnvironmentSpec> & { codeDir: string }): EnvironmentSpec {
  const functionName = over.functionName ?? `fn-${randomUUID().slice(0, 8)}`;
  return {
    account: ACCOUNT,
    region: REGION,
    functionName,
    functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`,
    version: '$LATEST',
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    memoryMb: 128,
    timeoutSec: 3,
    ephemeralStorageMb: 512,
    architecture: 'x86_64',
    layerDirs: [],
    environment: {},
    logGroup: `/aws/lambda/${functionName}`,
    logStream: `2026/01/01/[$LATEST]${randomUUID().replace(/-/g, '')}`,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret', sessionToken: 'token' },
    endpointUrl: 'http://127.0.0.1:4566',
    ...over,
  };
}

export function invocation(event: unknown, over: Partial<Invocation> = {}): Invocation {
  return {
    requestId: randomUUID(),
    payload: Buffer.from(JSON.stringify(event)),
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:f`,
    traceId: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0',
    ...over,
  };
}

export const json = (r: InvocationResult): any => JSON.parse(r.payload.toString('utf8'));

/** A provider per test file, closed after it. */
export function useProvider(options: ProcessProviderOptions = {}): ProcessEnvironmentProvider {
  const provider = new ProcessEnvironmentProvider(options);
  afterAll(() => provider.close(), 30_000);
  return provider;
}

/** Creates an environment for `files` and returns it with its log sink. */
export async function environment(
  provider: ProcessEnvironmentProvider,
  files: Record<string, string>,
  over: Partial<EnvironmentSpec> = {},
): Promise<{ env: ExecutionEnvironment; logs: MemorySink }> {
  const logs = new MemorySink();
  const env = await provider.create(spec({ codeDir: await codeDir(files), ...over }), logs);
  return { env, logs };
}
