import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configFromEnv, configFromFile, onOff, resolveConfig } from '../config/load.js';
import type { OvercastConfigInput } from '../config/schema.js';
import { startOvercast } from '../platform.js';
import { trustAdoptedCaCerts } from '../core/tls/extra-ca-certs.js';
import { VERSION } from '../version.js';
import { createSample, createSampleFunction, SAMPLE_FUNCTION, SAMPLE_TABLE } from './sample.js';

/** examples/template.yaml of the Overcast package (found from this module, in src/ or the dist/ bundle). */
export function exampleTemplate(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const t = join(dir, 'examples', 'template.yaml');
    if (existsSync(join(dir, 'package.json')) && existsSync(t)) return t;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

interface Example {
  stackName: string;
  apiId?: string;
  ms: number;
  error?: string;
}

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
  registryPort?: string;
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
    ...(flags.registryPort !== undefined ? { registryPort: Number(flags.registryPort) } : {}),
    ...(flags.dynamodbThrottle !== undefined
      ? { dynamodb: { throttle: onOff(flags.dynamodbThrottle) as boolean } }
      : {}),
  };
  const config = resolveConfig(flags.config ? configFromFile(flags.config) : {}, configFromEnv(process.env), fromFlags);
  // TLS contexts trust NODE_EXTRA_CA_CERTS's file before any service that may open a TLS connection.
  const overcast = await startOvercast({ config, listening: trustAdoptedCaCerts });
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
  let example: Example | undefined;
  if (flags.sample) {
    const key = config.credentials[0];
    const client = {
      endpoint,
      region: config.region,
      accessKeyId: key?.accessKeyId ?? 'overcast',
      secretAccessKey: key?.secretAccessKey ?? 'overcast',
    };
    // Loaded only here: a plain start does without the deploy command's modules (SAM, zip, YAML).
    const { deploy } = await import('./deploy.js');
    await createSample(client);
    sampleUrl = await createSampleFunction(client);
    // The example app (examples/), deployed exactly as `overcast deploy --template examples/template.yaml`.
    const template = exampleTemplate();
    if (template) {
      const t0 = Date.now();
      try {
        const r = await deploy({ template, client, quiet: true });
        example = { stackName: r.stackName, apiId: r.outputs['ApiId'], ms: r.ms };
      } catch (e) {
        example = { stackName: 'overcast-example', ms: Date.now() - t0, error: (e as Error).message };
        process.stderr.write(`overcast: the example app (${template}) did not deploy: ${example.error}\n`);
      }
    }
  }
  const port = overcast.port;
  const apiBase = example?.apiId ? `http://${example.apiId}.execute-api.localhost:${port}` : undefined;
  const apiPathBase = example?.apiId ? `http://localhost:${port}/_aws/execute-api/${example.apiId}` : undefined;
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
        ...(example
          ? {
              example: {
                stackName: example.stackName,
                deployMs: example.ms,
                ...(example.apiId ? { apiId: example.apiId, apiUrls: [`${apiBase}/`, `${apiPathBase}/`] } : {}),
                ...(example.error ? { error: example.error } : {}),
              },
            }
          : {}),
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
    ...(overcast.registryPort !== undefined
      ? [
          `  registry   ${host(endpoint)}:${overcast.registryPort}   (OCI registry at the root, also at ${endpoint}/v2/)`,
        ]
      : []),
    '',
    ...(apiBase
      ? [
          `Example app (examples/template.yaml, stack ${example!.stackName}, deployed in ${example!.ms} ms):`,
          `  curl -X POST ${apiBase}/items -d '{"name":"apple","price":1.5}'`,
          `  curl ${apiBase}/items`,
          `  curl ${apiPathBase}/items          # the same API without *.localhost DNS`,
          `  curl ${apiBase}/activity       # written by the DynamoDB Streams consumer`,
          `  node bin/overcast.js status${port === 4566 ? '' : ` --endpoint ${endpoint}`}   # its resources, URLs and outputs`,
          '',
        ]
      : []),
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

function host(endpoint: string): string {
  return endpoint.replace(/^http:\/\//, '').replace(/:\d+$/, '');
}
