/**
 * The execution interface of Lambda: an environment runs one function version and serves one
 * invocation at a time through the Lambda Runtime API 2018-06-01. Local processes now; runc
 * containers (PackageType Image) and Kubernetes later implement the same interface.
 */

export interface EnvironmentCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Everything needed to start an environment for one function version. */
export interface EnvironmentSpec {
  account: string;
  region: string;
  functionName: string;
  /** Unqualified function ARN. */
  functionArn: string;
  /** `$LATEST` or a published version number. */
  version: string;
  /** e.g. nodejs20.x, python3.12, provided.al2023 */
  runtime: string;
  handler: string;
  memoryMb: number;
  timeoutSec: number;
  ephemeralStorageMb: number;
  architecture: 'x86_64' | 'arm64';
  /** The unpacked deployment package (LAMBDA_TASK_ROOT). */
  codeDir: string;
  /** Unpacked layers, in the function's order (later layers win), merged into an /opt equivalent. */
  layerDirs: string[];
  /** The function's own environment variables. */
  environment: Record<string, string>;
  logGroup: string;
  /** Log stream name of this environment, e.g. 2026/11/27/[$LATEST]<32 hex>. */
  logStream: string;
  credentials: EnvironmentCredentials;
  /** Overcast's endpoint, given to the function as AWS_ENDPOINT_URL. */
  endpointUrl: string;
}

/** One event handed to the runtime. */
export interface Invocation {
  requestId: string;
  payload: Buffer;
  /** The ARN the caller invoked (qualified when it named a version or alias). */
  invokedFunctionArn: string;
  /** X-Amzn-Trace-Id, e.g. Root=1-...;Parent=...;Sampled=0 */
  traceId: string;
  /** Client context JSON (already base64-decoded), when the caller sent one. */
  clientContext?: string;
  /** Cognito identity JSON, when there is one. */
  cognitoIdentity?: string;
}

export type InvocationStatus =
  /** The runtime posted a response. */
  | 'success'
  /** The runtime posted an error (function error: HTTP 200 + X-Amz-Function-Error: Unhandled). */
  | 'error'
  /** The deadline passed; the environment was killed (Sandbox.Timedout). */
  | 'timeout'
  /** The process exited or was killed mid-invoke (Runtime.ExitError, signal). */
  | 'crash'
  /** The environment ran out of memory (Runtime.OutOfMemory). */
  | 'oom'
  /** Init failed (init/error posted, init crashed or init timed out). */
  | 'init-error';

export interface InvocationResult {
  status: InvocationStatus;
  /** The response body, or the error document {errorType, errorMessage, trace?}. */
  payload: Buffer;
  /** errorType of the error document (status other than success). */
  errorType?: string;
  durationMs: number;
  /** Set when this invocation paid for the environment's init (a cold start). */
  initDurationMs?: number;
  /** Peak memory of the environment, as REPORT shows it. */
  maxMemoryUsedMb: number;
  /** This invocation's log lines, START … REPORT, as `LogType: Tail` returns the last 4 KB of them. */
  logTail: string;
  /** False when the environment is gone (timeout, crash, OOM, init error): do not reuse it. */
  reusable: boolean;
}

/** Where an environment's log lines go (CloudWatch Logs group/stream of the spec). */
export interface LogSink {
  write(events: { timestamp: number; message: string }[]): void;
}

export interface ExecutionEnvironment {
  readonly id: string;
  readonly spec: EnvironmentSpec;
  /** True while an invocation runs. */
  readonly busy: boolean;
  /** False once the process is gone. */
  readonly alive: boolean;
  /** Clock time the last invocation ended (for the idle reaper). */
  readonly lastUsedAt: number;
  /** Runs one invocation (the environment serves one at a time). Starts the runtime if it has not started. */
  invoke(invocation: Invocation): Promise<InvocationResult>;
  /** Kills the process and removes what it owned. Idempotent. */
  destroy(): Promise<void>;
}

export interface EnvironmentProvider {
  /** True when this provider can run the runtime (e.g. python3 present for python3.x). */
  supports(runtime: string): boolean;
  /** Prepares an environment; the runtime process starts on create (pre-warm) and inits before the first invoke completes. */
  create(spec: EnvironmentSpec, logs: LogSink): Promise<ExecutionEnvironment>;
  /** Destroys every environment it created. */
  close(): Promise<void>;
}
