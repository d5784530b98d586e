import type { EnvironmentSpec } from './types.js';
import type { RuntimeInfo } from './runtimes.js';

/** Variables Lambda reserves: a function's own value for one of these is ignored, as on AWS. */
export const RESERVED_VARIABLES: ReadonlySet<string> = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
  'TZ',
]);

/** Where things are for this environment (AWS's fixed paths, relocated). */
export interface EnvironmentPaths {
  /** host:port of this environment's Runtime API. */
  runtimeApi: string;
  /** LAMBDA_TASK_ROOT (/var/task on AWS). */
  taskRoot: string;
  /** LAMBDA_RUNTIME_DIR (/var/runtime on AWS). */
  runtimeDir: string;
  /** The merged layers (/opt on AWS). */
  optDir: string;
  /** The environment's writable temporary directory (/tmp on AWS). */
  tmpDir: string;
  /** Directory of the language binary (/var/lang/bin on AWS). */
  langBinDir?: string;
  /** A node_modules directory where the AWS SDK v3 resolves (AWS's runtime ships it). */
  sdkNodeModules?: string;
}

/**
 * The function's environment exactly as Lambda builds it: the function's variables first, then
 * the unreserved defaults (a function may set PATH, NODE_PATH… itself), then the reserved
 * variables, which always win. Nothing of Overcast's own environment leaks in.
 */
export function buildEnvironment(
  spec: EnvironmentSpec,
  info: RuntimeInfo,
  p: EnvironmentPaths,
): Record<string, string> {
  const env: Record<string, string> = {};
  const opt = p.optDir;
  const unreserved: Record<string, string> = {
    LANG: 'en_US.UTF-8',
    PATH: [p.langBinDir, '/usr/local/bin', '/usr/bin/', '/bin', `${opt}/bin`].filter(Boolean).join(':'),
    LD_LIBRARY_PATH: [
      '/lib64',
      '/usr/lib64',
      p.runtimeDir,
      `${p.runtimeDir}/lib`,
      p.taskRoot,
      `${p.taskRoot}/lib`,
      `${opt}/lib`,
    ].join(':'),
    HOME: p.tmpDir,
    TMPDIR: p.tmpDir,
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    // Overcast's endpoint: the SDKs (and CLI ≥ 2.13) send every call there.
    AWS_ENDPOINT_URL: spec.endpointUrl,
    // Where /opt is for this environment (the layers); NODE_PATH/PYTHONPATH/PATH point into it.
    OVERCAST_OPT_DIR: opt,
  };
  if (info.family === 'nodejs') {
    unreserved['NODE_PATH'] = [
      `${opt}/nodejs/node${info.major}/node_modules`,
      `${opt}/nodejs/node_modules`,
      p.sdkNodeModules ?? `${p.runtimeDir}/node_modules`,
    ].join(':');
  }
  if (info.family === 'python') {
    unreserved['PYTHONPATH'] = [
      p.taskRoot,
      `${opt}/python/lib/python3.${info.major}/site-packages`,
      `${opt}/python`,
      p.runtimeDir,
    ].join(':');
  }

  for (const [k, v] of Object.entries(spec.environment)) {
    if (!RESERVED_VARIABLES.has(k)) env[k] = v;
  }
  for (const [k, v] of Object.entries(unreserved)) {
    if (!(k in env)) env[k] = v;
  }

  env['AWS_ACCESS_KEY_ID'] = spec.credentials.accessKeyId;
  env['AWS_ACCESS_KEY'] = spec.credentials.accessKeyId;
  env['AWS_SECRET_ACCESS_KEY'] = spec.credentials.secretAccessKey;
  if (spec.credentials.sessionToken) env['AWS_SESSION_TOKEN'] = spec.credentials.sessionToken;

  env['_HANDLER'] = spec.handler;
  if (info.executionEnv) env['AWS_EXECUTION_ENV'] = info.executionEnv;
  env['AWS_LAMBDA_LOG_GROUP_NAME'] = spec.logGroup;
  env['AWS_LAMBDA_LOG_STREAM_NAME'] = spec.logStream;
  env['LAMBDA_TASK_ROOT'] = p.taskRoot;
  env['LAMBDA_RUNTIME_DIR'] = p.runtimeDir;
  env['AWS_LAMBDA_INITIALIZATION_TYPE'] = 'on-demand';

  env['AWS_REGION'] = spec.region;
  env['AWS_DEFAULT_REGION'] = spec.region;
  env['AWS_LAMBDA_FUNCTION_NAME'] = spec.functionName;
  env['AWS_LAMBDA_FUNCTION_MEMORY_SIZE'] = String(spec.memoryMb);
  env['AWS_LAMBDA_FUNCTION_VERSION'] = spec.version;
  env['AWS_LAMBDA_RUNTIME_API'] = p.runtimeApi;
  env['TZ'] = ':UTC';
  return env;
}
