import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../../../core/clock.js';
import { pooledRandomBytes } from '../../../core/ids.js';
import { AwsError } from '../../../core/errors/aws-error.js';
import type { Logger } from '../../../core/log.js';
import type { OvercastConfig } from '../../../config/schema.js';
import type { ServerInfo } from '../../deps.js';
import type { EnvironmentSpec, InvocationResult } from '../environments/types.js';
import type { ImageEnvironmentSpec } from '../environments/runc-provider.js';
import { lambdaErrors } from '../errors.js';
import type { FunctionCatalog } from '../functions/catalog.js';
import { functionArn, parseFunctionRef } from '../functions/names.js';
import { isRunnable } from '../functions/runtimes.js';
import type { LogsWriter } from './logs-sink.js';
import { LogBuffer } from './logs-sink.js';
import type { EnvironmentPool, NewEnvironment } from './pool.js';
import { resolveTarget } from './target.js';
import type { InvokeTarget } from './target.js';

/** Synchronous payload limit (request and response): 6 MB. */
export const SYNC_PAYLOAD_LIMIT = 6_291_456;
/** Asynchronous payload limit: 1 MB. */
export const ASYNC_PAYLOAD_LIMIT = 1_048_576;

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

export interface InvokeRequest {
  account: string;
  region: string;
  functionName: string;
  qualifier?: string | undefined;
  payload: Buffer;
  invocationType?: InvocationType | undefined;
  logType?: 'None' | 'Tail' | undefined;
  /** Base64 client context, as X-Amz-Client-Context carries it. */
  clientContext?: string | undefined;
  requestId?: string | undefined;
  /** The payload is JSON.stringify's output (an event the caller built): not parsed again to check it. */
  jsonSerialized?: boolean | undefined;
}

export interface InvokeResult {
  statusCode: number;
  payload: Buffer;
  functionError?: string;
  logResult?: string;
  executedVersion?: string;
  requestId: string;
}

/** Something that queues Event invocations (the durable async queue). */
export interface EventQueue {
  enqueue(target: InvokeTarget, payload: Buffer, requestId: string): Promise<void>;
}

/**
 * Lambda's exported invoker: what the Invoke API, API Gateway, function URLs and event source
 * mappings call. Resolves the target, enforces limits and concurrency, runs it in a warm or new
 * environment, and shapes the answer as Invoke does.
 */
export class Invoker {
  queue: EventQueue | undefined;
  /** Function log lines on their way to CloudWatch Logs (batched per stream). */
  readonly logBuffer: LogBuffer;

  constructor(
    private readonly catalog: FunctionCatalog,
    private readonly pool: EnvironmentPool,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly config: OvercastConfig,
    private readonly server: ServerInfo,
    private readonly logs: () => LogsWriter | undefined,
    private readonly random: () => number = Math.random,
  ) {
    this.logBuffer = new LogBuffer(logs, (err) => this.log.warn({ err }, 'writing function logs failed'));
  }

  async invoke(req: InvokeRequest): Promise<InvokeResult> {
    const type = req.invocationType ?? 'RequestResponse';
    const ref = parseFunctionRef(req.functionName, req.qualifier, req);
    const target = await resolveTarget(this.catalog, ref, this.random);
    const requestId = req.requestId ?? randomUUID();
    if (type === 'Event' && req.payload.length > ASYNC_PAYLOAD_LIMIT) {
      throw lambdaErrors.requestTooLarge(
        `Request must be smaller than ${ASYNC_PAYLOAD_LIMIT} bytes for the InvokeAsync operation`,
      );
    }
    if (req.payload.length > SYNC_PAYLOAD_LIMIT) {
      throw lambdaErrors.requestTooLarge(
        `Request must be smaller than ${SYNC_PAYLOAD_LIMIT} bytes for the InvokeFunction operation`,
      );
    }
    if (req.payload.length > 0 && !req.jsonSerialized) checkJson(req.payload);
    this.checkReady(target);
    if (type === 'DryRun')
      return { statusCode: 204, payload: Buffer.alloc(0), requestId, executedVersion: target.executedVersion };
    if (type === 'Event') {
      if (!this.queue) throw lambdaErrors.service('The asynchronous invocation queue is not running');
      await this.queue.enqueue(target, req.payload, requestId);
      return { statusCode: 202, payload: Buffer.alloc(0), requestId };
    }
    const clientContext = req.clientContext ? decodeClientContext(req.clientContext) : undefined;
    const result = await this.run(target, req.payload, requestId, clientContext);
    const out: InvokeResult = {
      statusCode: 200,
      payload: result.payload,
      requestId,
      executedVersion: target.executedVersion,
    };
    if (result.status !== 'success') out.functionError = 'Unhandled';
    if (req.logType === 'Tail') out.logResult = tail4k(result.logTail);
    return out;
  }

  /** Resolves a function reference (for callers that run targets themselves). */
  resolve(account: string, region: string, functionName: string, qualifier?: string): Promise<InvokeTarget> {
    return resolveTarget(this.catalog, parseFunctionRef(functionName, qualifier, { account, region }), this.random);
  }

  checkReady(target: InvokeTarget): void {
    const cfg = target.record.config;
    if (this.clock.now() < target.record.readyAt && cfg.State === 'Pending') {
      throw lambdaErrors.conflict(
        'The operation cannot be performed at this time. The function is currently in the following state: Pending',
      );
    }
  }

  /** Runs one invocation of a resolved target in an environment (sync semantics, no retries). */
  async run(
    target: InvokeTarget,
    payload: Buffer,
    requestId: string,
    clientContext?: string,
  ): Promise<InvocationResult> {
    const cfg = target.record.config;
    const runtime = cfg.Runtime ?? '';
    // Container images run their own entrypoint (the runc provider), whatever the runtime.
    if (cfg.PackageType !== 'Image' && !isRunnable(runtime)) {
      throw new AwsError(
        'InvalidRuntimeException',
        `The runtime parameter of ${runtime} is not supported by Overcast on this machine (it runs nodejs*, python3.* and provided* functions).`,
        {
          status: 502,
          fields: {
            Type: 'User',
            Message: `The runtime parameter of ${runtime} is not supported by Overcast on this machine.`,
          },
        },
      );
    }
    const { functionKey, envKey, open } = this.placement(target);
    return this.pool.run(functionKey, target.meta.reserved, envKey, open, {
      requestId,
      payload,
      invokedFunctionArn: target.invokedArn,
      traceId: traceId(this.clock.now()),
      ...(clientContext !== undefined ? { clientContext } : {}),
    });
  }

  /** Starts `count` environments of a target ahead of traffic (provisioned concurrency). */
  async prewarm(target: InvokeTarget, count: number): Promise<void> {
    const { envKey, open } = this.placement(target);
    await this.pool.prewarm(envKey, count, open);
  }

  /** Where a target runs: its pool keys, and how to open a new environment (log stream, spec). */
  private placement(target: InvokeTarget): { functionKey: string; envKey: string; open: () => NewEnvironment } {
    const meta = target.meta;
    const functionKey = `${meta.account}:${meta.region}:${meta.name}`;
    return {
      functionKey,
      envKey: environmentKey(functionKey, target),
      open: () => {
        const stream = logStreamName(this.clock.now(), target.executedVersion);
        const logs = this.logBuffer.sink(
          meta.account,
          meta.region,
          target.record.config.LoggingConfig.LogGroup,
          stream,
        );
        return { spec: this.spec(target, stream), logs };
      },
    };
  }

  private spec(target: InvokeTarget, logStream: string): EnvironmentSpec {
    const cfg = target.record.config;
    const meta = target.meta;
    const cred = this.config.credentials.find((c) => c.account === meta.account);
    const image = target.record.code.image;
    const spec: EnvironmentSpec = {
      account: meta.account,
      region: meta.region,
      functionName: meta.name,
      functionArn: functionArn(meta),
      version: target.executedVersion,
      runtime: cfg.Runtime ?? 'provided.al2023',
      handler: cfg.Handler ?? '',
      memoryMb: cfg.MemorySize,
      timeoutSec: cfg.Timeout,
      ephemeralStorageMb: cfg.EphemeralStorage.Size,
      architecture: cfg.Architectures[0] === 'arm64' ? 'arm64' : 'x86_64',
      codeDir: target.record.code.dir,
      layerDirs: target.record.code.layerDirs,
      environment: cfg.Environment?.Variables ?? {},
      logGroup: cfg.LoggingConfig.LogGroup,
      logStream,
      // A 12-digit access key names the account in Overcast's default auth mode.
      credentials: cred
        ? { accessKeyId: cred.accessKeyId, secretAccessKey: cred.secretAccessKey }
        : { accessKeyId: meta.account, secretAccessKey: 'overcast' },
      endpointUrl: this.server.endpoint,
    };
    if (!image) return spec;
    const imageSpec: ImageEnvironmentSpec = {
      ...spec,
      image: {
        imageUri: image.imageUri,
        resolvedDigest: image.resolvedDigest,
        imageConfig: cfg.ImageConfigResponse?.ImageConfig,
      },
    };
    return imageSpec;
  }
}

function checkJson(payload: Buffer): void {
  try {
    JSON.parse(payload.toString('utf8'));
  } catch (err) {
    throw lambdaErrors.invalidRequestContent(
      `Could not parse request body into json: Could not parse payload into json: ${(err as Error).message}`,
    );
  }
}

function decodeClientContext(b64: string): string {
  const text = Buffer.from(b64, 'base64').toString('utf8');
  try {
    JSON.parse(text);
  } catch {
    throw lambdaErrors.invalidRequestContent('Client context must be a valid Base64-encoded JSON object.');
  }
  return text;
}

/** X-Amz-Log-Result: base64 of the last 4 KB of the invocation's log. */
export function tail4k(log: string): string {
  const buf = Buffer.from(log, 'utf8');
  return (buf.length > 4096 ? buf.subarray(buf.length - 4096) : buf).toString('base64');
}

export function logStreamName(now: number, version: string): string {
  const d = new Date(now);
  const date = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
  return `${date}/[${version}]${randomBytes(16).toString('hex')}`;
}

function traceId(now: number): string {
  // One draw of 24 random bytes (12 root, 8 parent, 4 lineage): this runs on every invoke.
  const hex = pooledRandomBytes(24).toString('hex');
  return `Root=1-${Math.floor(now / 1000).toString(16)}-${hex.slice(0, 24)};Parent=${hex.slice(24, 40)};Sampled=0;Lineage=1:${hex.slice(40, 48)}:0`;
}

/**
 * Environments are shared by invocations of the same code and configuration: a new deployment
 * or configuration (LastModified changes) starts fresh ones; a policy change (RevisionId only) does not.
 */
function environmentKey(functionKey: string, target: InvokeTarget): string {
  const cfg = target.record.config;
  return `${functionKey}:${target.executedVersion}:${cfg.LastModified}:${cfg.CodeSha256}`;
}
