import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { CreateClusterCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import type { ContainerDefinition, HealthCheck } from '@aws-sdk/client-ecs';
import type { ManualClock } from '../../src/core/clock.js';
import type { OvercastConfigInput } from '../../src/config/schema.js';
import type { Layer } from '../ecr/helpers.js';
import { imageOf, pushImage, sha256 } from '../ecr/helpers.js';
import { startTestServer, TEST_CREDENTIALS } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { runtimeUnavailable } from '../../src/runtimes/runc/runc.js';

export const BUSYBOX = '/bin/busybox';

/** Why the container tests cannot run here (with the install hint), or undefined. */
export function containersUnavailable(): string | undefined {
  const why = runtimeUnavailable();
  if (why) return why;
  try {
    readFileSync(BUSYBOX);
  } catch {
    return `${BUSYBOX} missing: apt-get install -y busybox-static`;
  }
  return undefined;
}

export function warnNoContainers(): void {
  const why = containersUnavailable();
  if (why)
    console.warn(
      `\n*** SKIPPING ECS container tests: ${why}. As root: apt-get install -y runc iproute2 busybox-static (CI's .ci/run does) ***\n`,
    );
}

export interface TarEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  content?: Buffer | string;
  linkname?: string;
  mode?: number;
}

export async function tarEntries(entries: TarEntry[]): Promise<Buffer> {
  const p = pack();
  for (const e of entries) {
    const type = e.type ?? 'file';
    if (type === 'file') {
      const buf = Buffer.isBuffer(e.content) ? e.content : Buffer.from(e.content ?? '');
      p.entry({ name: e.name, size: buf.length, mode: e.mode ?? 0o644, mtime: new Date(0) }, buf);
    } else {
      p.entry({ name: e.name, type, linkname: e.linkname, mode: e.mode ?? 0o755, mtime: new Date(0) });
    }
  }
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function layerOf(entries: TarEntry[]): Promise<Layer> {
  const tar = await tarEntries(entries);
  const bytes = gzipSync(tar);
  return {
    bytes,
    digest: sha256(bytes),
    diffId: sha256(tar),
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
  };
}

const APPLETS = [
  'sh',
  'httpd',
  'echo',
  'id',
  'dd',
  'cat',
  'sleep',
  'ls',
  'env',
  'wget',
  'true',
  'false',
  'ps',
  'pwd',
  'nc',
  'head',
  'test',
  'kill',
  'timeout',
  'wc',
  'grep',
];

/** A busybox-static image: /bin with applet links, /etc/passwd with root and app (1000), a www root. */
export async function busyboxLayer(): Promise<Layer> {
  return layerOf([
    { name: 'bin/', type: 'directory' },
    { name: 'bin/busybox', content: readFileSync(BUSYBOX), mode: 0o755 },
    ...APPLETS.map((a) => ({ name: `bin/${a}`, type: 'symlink' as const, linkname: 'busybox' })),
    { name: 'etc/', type: 'directory' },
    { name: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n' },
    { name: 'etc/group', content: 'root:x:0:\napp:x:1000:\n' },
    { name: 'www/', type: 'directory' },
    { name: 'www/index.html', content: 'hello from overcast\n' },
    { name: 'home/app/', type: 'directory' },
    { name: 'root/', type: 'directory', mode: 0o700 },
  ]);
}

/** Push a busybox image (plus extra layers) to Overcast's registry; returns the image URI. */
export async function pushBusybox(
  endpoint: string,
  repo: string,
  tag = 'latest',
  opts: { extra?: Layer[]; cmd?: string[]; env?: string[] } = {},
): Promise<string> {
  const layers = [await busyboxLayer(), ...(opts.extra ?? [])];
  const image = imageOf(layers, { cmd: opts.cmd ?? ['/bin/sh'] });
  if (opts.env) {
    const cfg = JSON.parse(image.config.toString()) as { config: Record<string, unknown> };
    cfg.config['Env'] = opts.env;
    const config = Buffer.from(JSON.stringify(cfg));
    const rebuilt = imageOf(layers, { cmd: opts.cmd ?? ['/bin/sh'] });
    const manifest = JSON.parse(rebuilt.manifest.toString()) as { config: { digest: string; size: number } };
    manifest.config.digest = sha256(config);
    manifest.config.size = config.length;
    const mbytes = Buffer.from(JSON.stringify(manifest));
    Object.assign(image, { config, configDigest: sha256(config), manifest: mbytes, digest: sha256(mbytes) });
  }
  const res = await pushImage(endpoint, repo, image, tag);
  if (res.status !== 201) throw new Error(`push failed: ${res.status} ${res.body.toString()}`);
  const port = new URL(endpoint).port;
  return `localhost:${port}/${repo}:${tag}`;
}

export function ecsClient(endpoint: string): ECSClient {
  return new ECSClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
}

export const NET = { awsvpcConfiguration: { subnets: ['subnet-1'], assignPublicIp: 'DISABLED' as const } };

export async function httpGet(port: number, path = '/'): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
}

export async function until<T>(fn: () => Promise<T | undefined>, timeoutMs = 20_000, stepMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** A health check as the ECS tests use it: `wget` of a path on the container's port 8080. */
export const wgetCheck = (path = '/'): HealthCheck => ({
  command: ['CMD-SHELL', `wget -q -O /dev/null http://127.0.0.1:8080${path} || exit 1`],
  interval: 5,
  timeout: 2,
  retries: 2,
});

/** A Fargate task definition of one `web` container (busybox httpd on 8080), with overrides. */
export function webTaskDefinition(
  family: string,
  image: string,
  container: Partial<ContainerDefinition> = {},
): RegisterTaskDefinitionCommand {
  return new RegisterTaskDefinitionCommand({
    family,
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    containerDefinitions: [
      {
        name: 'web',
        image,
        command: ['httpd', '-f', '-p', '8080', '-h', '/www'],
        portMappings: [{ containerPort: 8080 }],
        stopTimeout: 1,
        ...container,
      },
    ],
  });
}

export interface EcsFixture {
  server: TestServer;
  ecs: ECSClient;
  /** The busybox image pushed for the test. */
  image: string;
  stop(): Promise<void>;
}

/**
 * A test server with an ECS client, a busybox image in `repo` and the default cluster. With a
 * clock, the clock runs 20× faster than real time (health-check intervals, grace periods and
 * replacement backoff read it) until stop().
 */
export async function startEcsFixture(
  repo: string,
  options: { clock?: ManualClock; config?: OvercastConfigInput } = {},
): Promise<EcsFixture> {
  const clock = options.clock;
  const warp = clock ? setInterval(() => clock.advance(1000), 50) : undefined;
  const server = await startTestServer(options.config ?? {}, clock ? { clock } : {});
  const ecs = ecsClient(server.endpoint);
  const image = await pushBusybox(server.endpoint, repo, 'v1');
  await ecs.send(new CreateClusterCommand({}));
  return {
    server,
    ecs,
    image,
    async stop() {
      if (warp) clearInterval(warp);
      ecs.destroy();
      await server.stop();
    },
  };
}
