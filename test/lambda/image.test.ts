import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  InvokeCommand,
  UpdateFunctionCodeCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { TestServer } from '../helpers/server.js';
import { TEST_CREDENTIALS, startTestServer } from '../helpers/server.js';
import { ROLE, decode, lambdaClient } from '../helpers/lambda.js';
import type { Layer } from '../ecr/helpers.js';
import { pushImage, sha256 } from '../ecr/helpers.js';
import { busyboxLayer, containersUnavailable, layerOf, until } from '../ecs/helpers.js';
import { CGROUP_PARENT } from '../../src/runtimes/host.js';

const why = containersUnavailable();
if (why) {
  console.warn(
    `\n*** SKIPPING container-image Lambda tests: ${why}. As root: apt-get install -y runc iproute2 busybox-static (CI's .ci/run does) ***\n`,
  );
}

/**
 * A runtime interface client in busybox sh: polls the Runtime API with wget (request id from the
 * response headers), answers with what it sees: its argv (ImageConfig.Command), environment, cwd,
 * uid, memory limit, and whether Overcast answers at AWS_ENDPOINT_URL.
 */
const BOOTSTRAP = `#!/bin/sh
API="http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
echo "init: args=$* handler=$_HANDLER"
while true; do
  EVENT=$(wget -q -S -O - "$API/invocation/next" 2>/tmp/headers)
  ID=$(grep -i 'Lambda-Runtime-Aws-Request-Id' /tmp/headers | head -n 1 | sed 's/^[^:]*: *//' | tr -d '\\r ')
  echo "handling $ID"
  case "$EVENT" in
    *ping*) wget -q -O /dev/null --post-data "$EVENT" "$API/invocation/$ID/response" || true; continue ;;
    *sleep*) sleep 30 ;;
    *crash*) echo "crashing" >&2; exit 3 ;;
  esac
  LIMIT=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max 2>/dev/null)
  if wget -q -O /dev/null "$AWS_ENDPOINT_URL/_overcast/health" 2>/dev/null; then OK=true; else OK=false; fi
  if touch /var/task/x 2>/dev/null; then RW=true; else RW=false; fi
  echo scratch > /tmp/scratch
  BODY="{\\"args\\":\\"$*\\",\\"handler\\":\\"$_HANDLER\\",\\"greeting\\":\\"$GREETING\\",\\"fromImage\\":\\"$FROM_IMAGE\\",\\"fn\\":\\"$AWS_LAMBDA_FUNCTION_NAME\\",\\"mem\\":\\"$AWS_LAMBDA_FUNCTION_MEMORY_SIZE\\",\\"region\\":\\"$AWS_REGION\\",\\"taskRoot\\":\\"$LAMBDA_TASK_ROOT\\",\\"cwd\\":\\"$(pwd)\\",\\"uid\\":\\"$(id -u)\\",\\"limit\\":\\"$LIMIT\\",\\"endpointOk\\":$OK,\\"rootWritable\\":$RW,\\"tmp\\":\\"$(cat /tmp/scratch)\\",\\"api\\":\\"$AWS_LAMBDA_RUNTIME_API\\",\\"event\\":$EVENT}"
  wget -q -O /dev/null --post-data "$BODY" "$API/invocation/$ID/response" || true
done
`;

async function appLayer(): Promise<Layer> {
  return layerOf([
    ...['sed', 'tr', 'touch', 'mkdir'].map((a) => ({
      name: `bin/${a}`,
      type: 'symlink' as const,
      linkname: 'busybox',
    })),
    { name: 'bootstrap.sh', content: BOOTSTRAP, mode: 0o755 },
    { name: 'var/', type: 'directory' },
    { name: 'var/task/', type: 'directory' },
    { name: 'var/task/app.txt', content: 'code\n' },
  ]);
}

/** Pushes an image whose config has ENTRYPOINT/CMD/ENV/WORKDIR; returns its manifest digest. */
async function pushFunctionImage(endpoint: string, repo: string, tag: string, env: string[]): Promise<string> {
  const layers = [await busyboxLayer(), await appLayer()];
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: {
        Entrypoint: ['/bootstrap.sh'],
        Cmd: ['image.default'],
        Env: ['PATH=/bin', ...env],
        WorkingDir: '/var/task',
      },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    }),
  );
  const mediaType = 'application/vnd.oci.image.manifest.v1+json';
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.bytes.length })),
    }),
  );
  const image = { config, configDigest: sha256(config), layers, manifest, digest: sha256(manifest), mediaType };
  const res = await pushImage(endpoint, repo, image, tag);
  if (res.status !== 201) throw new Error(`push failed: ${res.status} ${res.body.toString()}`);
  return image.digest;
}

const pidHex = (process.pid % 0x1000000).toString(16).padStart(6, '0');
const pid36 = process.pid.toString(36);

/** What a raw HTTP GET gets back before the server closes the connection (bounded by 3 s). */
function rawGet(hostPort: string, path: string): Promise<string> {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const sock = connect({ host: host!, port: Number(port) }, () =>
      sock.write(`GET ${path} HTTP/1.1\r\nHost: ${hostPort}\r\n\r\n`),
    );
    const done = () => {
      clearTimeout(timer);
      sock.destroy();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(() => {
      chunks.push(Buffer.from('(still open)'));
      done();
    }, 3000);
    sock.on('data', (b: Buffer) => chunks.push(b));
    sock.on('close', done);
    sock.on('error', () => undefined);
  });
}

function p50(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

describe.skipIf(why !== undefined)('container-image functions (PackageType Image) on runc', { timeout: 90_000 }, () => {
  let server: TestServer;
  let lambda: LambdaClient;
  let logs: CloudWatchLogsClient;
  let port: string;
  let uri: string;
  let digest: string;

  beforeAll(async () => {
    server = await startTestServer();
    lambda = lambdaClient(server.endpoint);
    logs = new CloudWatchLogsClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    port = new URL(server.endpoint).port;
    digest = await pushFunctionImage(server.endpoint, 'fn-image', 'v1', ['FROM_IMAGE=yes', 'GREETING=image']);
    uri = `000000000000.dkr.ecr.us-east-1.localhost:${port}/fn-image:v1`;
  });

  afterAll(async () => {
    lambda?.destroy();
    logs?.destroy();
    await server?.stop();
    // Every container, mount, network namespace and cgroup the environments created is gone.
    const mounts = readFileSync('/proc/mounts', 'utf8');
    expect(mounts.split('\n').filter((l) => l.includes(`/containers/envs/${pid36}-`))).toEqual([]);
    expect(readdirSync('/var/run/netns').filter((n) => n.startsWith(`ovc-${pidHex}`))).toEqual([]);
    for (const ctl of ['memory', 'pids', 'cpu', '']) {
      const dir = `/sys/fs/cgroup/${ctl}/${CGROUP_PARENT}`.replace('//', '/');
      if (existsSync(dir)) {
        expect(readdirSync(dir).filter((d) => d.startsWith(`ovl-${process.pid.toString(16)}-`))).toEqual([]);
      }
    }
  });

  it('creates an image function and answers Invoke through the image entrypoint (cold and warm)', async () => {
    const created = await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'img',
        PackageType: 'Image',
        Role: ROLE,
        Code: { ImageUri: uri },
        ImageConfig: { Command: ['app.handler', 'extra'] },
        Environment: { Variables: { GREETING: 'from-function' } },
        MemorySize: 256,
        Timeout: 5,
      }),
    );
    expect(created.PackageType).toBe('Image');
    expect(created.Runtime).toBeUndefined();
    expect(created.Handler).toBeUndefined();
    expect(created.CodeSha256).toBe(digest.slice('sha256:'.length));
    expect(created.ImageConfigResponse).toEqual({ ImageConfig: { Command: ['app.handler', 'extra'] } });
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'img' }));
    expect(got.Code).toEqual({
      RepositoryType: 'ECR',
      ImageUri: uri,
      ResolvedImageUri: `000000000000.dkr.ecr.us-east-1.localhost:${port}/fn-image@${digest}`,
    });

    const t0 = performance.now();
    const cold = await lambda.send(
      new InvokeCommand({ FunctionName: 'img', Payload: Buffer.from('{"n":1}'), LogType: 'Tail' }),
    );
    const coldMs = performance.now() - t0;
    expect(cold.FunctionError).toBeUndefined();
    expect(decode(cold.Payload)).toEqual({
      args: 'app.handler extra',
      handler: 'app.handler extra',
      greeting: 'from-function',
      fromImage: 'yes',
      fn: 'img',
      mem: '256',
      region: 'us-east-1',
      taskRoot: '/var/task',
      cwd: '/var/task',
      uid: '993',
      limit: String(256 * 1024 * 1024),
      endpointOk: true,
      rootWritable: false,
      tmp: 'scratch',
      api: expect.stringMatching(/^\d+\.\d+\.\d+\.1:\d+$/),
      event: { n: 1 },
    });
    // The Runtime API answers only the environment's own address (not the host, not other functions).
    const api = (decode(cold.Payload) as { api: string }).api;
    expect(await rawGet(api, '/2018-06-01/runtime/invocation/next')).toBe('');
    const tail = Buffer.from(cold.LogResult ?? '', 'base64').toString('utf8');
    expect(tail).toMatch(/^START RequestId: \S+ Version: \$LATEST$/m);
    expect(tail).toMatch(/^handling \S+$/m);
    expect(tail).toMatch(/^END RequestId: /m);
    const report =
      /^REPORT RequestId: .*Memory Size: 256 MB\tMax Memory Used: (\d+) MB\tInit Duration: ([\d.]+) ms/m.exec(tail);
    expect(report).not.toBeNull();
    expect(Number(report![1])).toBeGreaterThan(0);

    const warm: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      // The bootstrap echoes a ping at once: this measures the platform, not the shell script.
      const out = await lambda.send(new InvokeCommand({ FunctionName: 'img', Payload: Buffer.from(`{"ping":${i}}`) }));
      warm.push(performance.now() - t);
      expect(decode(out.Payload)).toEqual({ ping: i });
    }
    // Cold starts once the image is unpacked and the bridge exists (what every later cold start pays).
    const colds: number[] = [];
    for (let i = 0; i < 3; i++) {
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: `img-c${i}`,
          PackageType: 'Image',
          Role: ROLE,
          Code: { ImageUri: uri },
        }),
      );
      const t = performance.now();
      const out = await lambda.send(
        new InvokeCommand({ FunctionName: `img-c${i}`, Payload: Buffer.from('{"ping":0}') }),
      );
      colds.push(performance.now() - t);
      expect(decode(out.Payload)).toEqual({ ping: 0 });
    }
    console.log(
      `image function: first cold invoke ${coldMs.toFixed(0)} ms (unpacks the image; Init Duration ${report![2]} ms), ` +
        `cold invoke with the image cached p50 ${p50(colds).toFixed(0)} ms (${colds.map((c) => c.toFixed(0)).join(', ')}), ` +
        `warm invoke p50 ${p50(warm).toFixed(1)} ms, max ${Math.max(...warm).toFixed(1)} ms (20 invokes)`,
    );
  });

  it('writes the container output and START/END/REPORT to /aws/lambda/<name>', async () => {
    const messages = await until(async () => {
      const r = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/img' }));
      const m = (r.events ?? []).map((e) => e.message ?? '');
      return m.some((l) => l.startsWith('REPORT')) && m.some((l) => l.startsWith('init: ')) ? m : undefined;
    }, 25_000);
    expect(messages).toContain('init: args=app.handler extra handler=app.handler extra');
    expect(messages.some((l) => l.startsWith('START RequestId: '))).toBe(true);
    expect(messages.some((l) => l.startsWith('END RequestId: '))).toBe(true);
  });

  it('kills the container at the deadline (Sandbox.Timedout) and starts a fresh one after', async () => {
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'img-slow',
        PackageType: 'Image',
        Role: ROLE,
        Code: { ImageUri: uri },
        Timeout: 1,
      }),
    );
    const t0 = performance.now();
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: 'img-slow', Payload: Buffer.from('{"sleep":true}'), LogType: 'Tail' }),
    );
    const timedOutMs = performance.now() - t0;
    console.log(`image function: a 1 s timeout answered after ${timedOutMs.toFixed(0)} ms (incl. cold start)`);
    expect(timedOutMs).toBeLessThan(5000);
    expect(out.FunctionError).toBe('Unhandled');
    expect(decode(out.Payload)).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: expect.stringMatching(/^RequestId: \S+ Error: Task timed out after 1\.00 seconds$/),
    });
    expect(Buffer.from(out.LogResult ?? '', 'base64').toString()).toMatch(/Status: timeout/);
    const again = await lambda.send(new InvokeCommand({ FunctionName: 'img-slow', Payload: Buffer.from('{"ok":1}') }));
    expect(again.FunctionError).toBeUndefined();
    expect(decode(again.Payload)).toMatchObject({ handler: 'image.default', greeting: 'image', event: { ok: 1 } });
  });

  it('a runtime that exits mid-invoke is Runtime.ExitError', async () => {
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: 'img-slow', Payload: Buffer.from('{"crash":true}'), LogType: 'Tail' }),
    );
    expect(out.FunctionError).toBe('Unhandled');
    expect(decode(out.Payload)).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: expect.stringMatching(/^RequestId: \S+ Error: Runtime exited with error: exit status 3$/),
    });
    expect(Buffer.from(out.LogResult ?? '', 'base64').toString()).toContain('crashing');
  });

  it('UpdateFunctionCode moves the function to another image', async () => {
    const d2 = await pushFunctionImage(server.endpoint, 'fn-image', 'v2', ['FROM_IMAGE=v2']);
    const updated = await lambda.send(
      new UpdateFunctionCodeCommand({ FunctionName: 'img', ImageUri: `localhost:${port}/fn-image@${d2}` }),
    );
    expect(updated.CodeSha256).toBe(d2.slice('sha256:'.length));
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'img', Payload: Buffer.from('{}') }));
    expect(decode(out.Payload)).toMatchObject({ fromImage: 'v2', greeting: 'from-function' });
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'img' }));
    expect(got.Code?.ResolvedImageUri).toBe(`localhost:${port}/fn-image@${d2}`);
  });

  it('rejects missing images and zip-only parameters as AWS does', async () => {
    const missing = `000000000000.dkr.ecr.us-east-1.localhost:${port}/fn-image:nope`;
    const err = await lambda
      .send(
        new CreateFunctionCommand({
          FunctionName: 'img-missing',
          PackageType: 'Image',
          Role: ROLE,
          Code: { ImageUri: missing },
        }),
      )
      .catch((e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode: number } });
    expect(err).toMatchObject({
      name: 'InvalidParameterValueException',
      message: `Source image ${missing} does not exist. Provide a valid source image.`,
      $metadata: { httpStatusCode: 400 },
    });
    const noRepo = `localhost:${port}/no-such-repo:latest`;
    await expect(
      lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'img', ImageUri: noRepo })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    await expect(
      lambda.send(
        new CreateFunctionCommand({
          FunctionName: 'img-runtime',
          PackageType: 'Image',
          Role: ROLE,
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Code: { ImageUri: uri },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
  });
});
