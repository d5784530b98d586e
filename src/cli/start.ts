import { resolve } from 'node:path';
import { configFromEnv, configFromFile, onOff, resolveConfig } from '../config/load.js';
import type { OvercastConfigInput } from '../config/schema.js';
import { startOvercast } from '../platform.js';
import { VERSION } from '../version.js';
import { createSample, createSampleFunction, SAMPLE_FUNCTION, SAMPLE_TABLE } from './sample.js';

export interface StartFlags {
  port?: string;
  host?: string;
  dataDir?: string;
  ephemeral?: boolean;
  auth?: string;
  config?: string;
  logLevel?: string;
  sample?: boolean;
  json?: boolean;
  dynamodbThrottle?: string;
}

/** `overcast start`: run the server until SIGINT/SIGTERM, then stop cleanly. */
export async function start(flags: StartFlags): Promise<void> {
  const fromFlags: OvercastConfigInput = {
    ...(flags.port !== undefined ? { port: Number(flags.port) } : {}),
    ...(flags.host !== undefined ? { host: flags.host } : {}),
    ...(flags.dataDir !== undefined ? { dataDir: flags.dataDir } : {}),
    ...(flags.ephemeral ? { ephemeral: true } : {}),
    ...(flags.auth !== undefined ? { auth: flags.auth as 'accept' | 'enforce' } : {}),
    ...(flags.logLevel !== undefined ? { logLevel: flags.logLevel as 'info' } : {}),
    ...(flags.dynamodbThrottle !== undefined ? { dynamodb: { throttle: onOff(flags.dynamodbThrottle) as boolean } } : {}),
  };
  const config = resolveConfig(flags.config ? configFromFile(flags.config) : {}, configFromEnv(process.env), fromFlags);
  const overcast = await startOvercast({ config });
  // Milliseconds since the process started (performance's time origin), imports included.
  const ready = performance.now();
  const stop = async (signal: string) => {
    if (!flags.json) process.stderr.write(`\n${signal}: stopping (finishing in-flight requests)…\n`);
    await overcast.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  const endpoint = overcast.endpoint;
  let sampleUrl: string | undefined;
  if (flags.sample) {
    const key = config.credentials[0];
    const client = {
      endpoint,
      region: config.region,
      accessKeyId: key?.accessKeyId ?? 'overcast',
      secretAccessKey: key?.secretAccessKey ?? 'overcast',
    };
    await createSample(client);
    sampleUrl = await createSampleFunction(client);
  }
  if (flags.json) {
    process.stdout.write(
      JSON.stringify({
        version: VERSION,
        endpoint,
        port: overcast.port,
        readyMs: Math.round(ready),
        services: overcast.services.map((s) => s.name),
        dataDir: config.ephemeral ? null : resolve(config.dataDir),
        ...(sampleUrl ? { sampleFunctionUrl: sampleUrl } : {}),
      }) + '\n',
    );
    return;
  }
  const lines = [
    `Overcast ${VERSION} ready in ${ready.toFixed(0)} ms`,
    `  endpoint   ${endpoint}   (every service, one port)`,
    `  services   ${overcast.services.map((s) => s.name).join(', ')}`,
    `  storage    ${config.ephemeral ? 'in memory (--ephemeral)' : `${resolve(config.dataDir)} (SQLite, persistent)`}`,
    `  auth       ${config.auth === 'enforce' ? 'enforced SigV4' : 'any well-formed SigV4 signature (12-digit access key = account id)'}`,
    `  health     ${endpoint}/_overcast/health`,
    '',
    'Try it:',
    `  export AWS_REGION=${config.region} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test`,
    flags.sample
      ? `  aws --endpoint-url ${endpoint} dynamodb scan --table-name ${SAMPLE_TABLE}      # the sample table`
      : `  aws --endpoint-url ${endpoint} dynamodb list-tables`,
    ...(sampleUrl
      ? [
          `  curl ${endpoint}/_aws/lambda-url/${/^http:\/\/([a-z0-9]+)\./.exec(sampleUrl)?.[1] ?? ''}/users/1   # the sample function (its URL: ${sampleUrl})`,
          `  node bin/overcast.js invoke ${SAMPLE_FUNCTION} --payload '{"rawPath":"/users/2"}'`,
          `  node bin/overcast.js logs ${SAMPLE_FUNCTION} --follow`,
        ]
      : []),
    `  aws --endpoint-url ${endpoint} sts get-caller-identity`,
    `  (SDKs and AWS CLI >= 2.13 also read AWS_ENDPOINT_URL=${endpoint})`,
    '',
    'Press Ctrl-C to stop.',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
