import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  UpdateServiceCommand,
  waitUntilServicesStable,
} from '@aws-sdk/client-ecs';
import type { ECSClient, Service } from '@aws-sdk/client-ecs';
import { ManualClock } from '../../src/core/clock.js';
import type { EcsFixture } from './helpers.js';
import {
  NET,
  containersUnavailable,
  startEcsFixture,
  until,
  warnNoContainers,
  wgetCheck,
  webTaskDefinition,
} from './helpers.js';

const skip = containersUnavailable() !== undefined;
warnNoContainers();

/** One GET on a fresh connection (no keep-alive: every request is a new TCP connection to the balancer). */
function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * A slow client: connects, waits before sending its request, then reads the whole answer. The
 * connection is open (to one task) the whole time, as a request in flight would be.
 */
function slowGet(port: number, path: string, waitMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port });
    let data = '';
    sock.setEncoding('utf8');
    sock.setTimeout(5_000, () => sock.destroy(new Error('timeout')));
    sock.on('connect', () => setTimeout(() => sock.write(`GET ${path} HTTP/1.0\r\nHost: lb\r\n\r\n`), waitMs));
    sock.on('data', (d: string) => (data += d));
    sock.on('error', reject);
    sock.on('close', () => {
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(data);
      if (!m) return reject(new Error(`no HTTP answer (${JSON.stringify(data.slice(0, 80))})`));
      resolve({ status: Number(m[1]), body: data.slice(data.indexOf('\r\n\r\n') + 4) });
    });
  });
}

const lbPort = (s: Service): number =>
  Number(/^127\.0\.0\.1:(\d+)$/.exec(s.loadBalancers?.[0]?.loadBalancerName ?? '')?.[1]);

describe.skipIf(skip)('ECS service load balancer', { timeout: 180_000 }, () => {
  let f: EcsFixture;
  let ecs: ECSClient;
  let image: string;
  // A range of its own, away from other test servers (allocation skips busy ports anyway).
  const base = 20_000 + Math.floor(Math.random() * 10_000);
  beforeAll(async () => {
    f = await startEcsFixture('lbimg', {
      clock: new ManualClock(Date.now()),
      config: { ecs: { loadBalancerPortBase: base, loadBalancerPortRange: 50 } },
    });
    ({ ecs, image } = f);
  });
  afterAll(() => f?.stop());

  const web = (family: string, version: string) =>
    webTaskDefinition(family, image, {
      // Exits at once on SIGTERM (as a well-behaved server does), dropping what it serves.
      command: [
        'sh',
        '-c',
        'echo "$VERSION $(cat /etc/hostname)" > /www/v.txt; trap "exit 0" TERM; httpd -f -p 8080 -h /www & wait $!',
      ],
      environment: [{ name: 'VERSION', value: version }],
      stopTimeout: 2,
      healthCheck: wgetCheck('/v.txt'),
    });

  const describeSvc = async (name: string) =>
    (await ecs.send(new DescribeServicesCommand({ services: [name] }))).services![0]!;

  it('balances round-robin on a stable port, and a rolling deployment fails no connection', async () => {
    await ecs.send(web('lbweb', 'v1'));
    await ecs.send(web('lbweb', 'v2'));
    await ecs.send(
      new CreateServiceCommand({
        serviceName: 'lbsvc',
        taskDefinition: 'lbweb:1',
        desiredCount: 2,
        networkConfiguration: NET,
      }),
    );
    const stable = await waitUntilServicesStable(
      { client: ecs, maxWaitTime: 90, minDelay: 1 },
      { services: ['lbsvc'] },
    );
    expect(stable.state).toBe('SUCCESS');
    const svc = await describeSvc('lbsvc');
    expect(svc.loadBalancers).toEqual([
      { loadBalancerName: expect.stringMatching(/^127\.0\.0\.1:\d+$/), containerName: 'web', containerPort: 8080 },
    ]);
    const port = lbPort(svc);
    expect(port).toBeGreaterThanOrEqual(base);
    expect(port).toBeLessThan(base + 50);

    // Round robin: consecutive connections alternate between the two tasks.
    const hosts: string[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await get(port, '/v.txt');
      expect(r.status).toBe(200);
      expect(r.body).toMatch(/^v1 ip-/);
      hosts.push(r.body.trim().split(' ')[1]!);
    }
    expect(new Set(hosts).size).toBe(2);
    for (let i = 1; i < hosts.length; i++) expect(hosts[i]).not.toBe(hosts[i - 1]);

    // Clients loop on the balancer (four at a time, each connection held open 300 ms before its
    // request) while the service rolls to v2.
    let looping = true;
    let failures = 0;
    let ok = 0;
    const errors: string[] = [];
    const seen: string[] = [];
    const loop = async () => {
      while (looping) {
        try {
          const r = await slowGet(port, '/v.txt', 300);
          if (r.status === 200) {
            ok++;
            seen.push(r.body.trim());
          } else {
            failures++;
            errors.push(`status ${r.status}`);
          }
        } catch (err) {
          failures++;
          errors.push(String(err));
        }
      }
    };
    const loops = Promise.all([loop(), loop(), loop(), loop()]);
    await ecs.send(new UpdateServiceCommand({ service: 'lbsvc', taskDefinition: 'lbweb:2' }));
    const rolled = await until(
      async () => {
        const s = await describeSvc('lbsvc');
        return s.deployments!.length === 1 && s.deployments![0]!.rolloutState === 'COMPLETED' ? s : undefined;
      },
      120_000,
      200,
    );
    // Let the last old task finish stopping, then a few more rounds on the new tasks.
    const after = ok;
    await until(async () => (ok >= after + 40 ? true : undefined), 30_000);
    looping = false;
    await loops;
    expect(errors).toEqual([]);
    expect(failures).toBe(0);
    expect(seen.some((b) => b.startsWith('v1 '))).toBe(true);
    expect(seen.some((b) => b.startsWith('v2 '))).toBe(true);
    // Once the deployment completed, only v2 answers, from both new tasks.
    const last = seen.slice(-10);
    expect(last.every((b) => b.startsWith('v2 '))).toBe(true);
    expect(new Set(last.map((b) => b.split(' ')[1])).size).toBe(2);
    // The port did not move with the deployment.
    expect(lbPort(rolled)).toBe(port);
  });

  it('honours loadBalancers[].containerPort, keeps the entry as given, and closes the port when the service goes', async () => {
    const tg = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0123456789abcdef';
    await ecs.send(
      new CreateServiceCommand({
        serviceName: 'given',
        taskDefinition: 'lbweb:2',
        desiredCount: 1,
        networkConfiguration: NET,
        loadBalancers: [{ targetGroupArn: tg, containerName: 'web', containerPort: 8080 }],
      }),
    );
    const svc = await until(async () => {
      const s = await describeSvc('given');
      return s.loadBalancers?.[0]?.loadBalancerName ? s : undefined;
    });
    expect(svc.loadBalancers).toEqual([
      {
        targetGroupArn: tg,
        containerName: 'web',
        containerPort: 8080,
        loadBalancerName: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      },
    ]);
    const port = lbPort(svc);
    expect(port).not.toBe(lbPort(await describeSvc('lbsvc')));
    const r = await until(async () => {
      const x = await get(port, '/v.txt').catch(() => undefined);
      return x?.status === 200 ? x : undefined;
    }, 60_000);
    expect(r.body).toMatch(/^v2 ip-/);

    await ecs.send(new DeleteServiceCommand({ service: 'given', force: true }));
    await until(async () => ((await describeSvc('given')).status === 'INACTIVE' ? true : undefined), 60_000);
    await until(async () => {
      const refused = await get(port, '/v.txt').then(
        () => false,
        (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED',
      );
      return refused || undefined;
    }, 10_000);
  });
});
