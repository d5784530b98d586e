// examples/ (the app `npm start` deploys) deployed through `overcast deploy`'s code path against a real
// server: the HTTP API's CRUD routes, and the DynamoDB Streams consumer behind its event filter.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy } from '../../src/cli/deploy.js';
import { ROOT } from '../helpers/process.js';
import { rawSend } from '../helpers/raw-http.js';
import { startTestServer, TEST_CREDENTIALS } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

let server: TestServer;
let result: Awaited<ReturnType<typeof deploy>>;
beforeAll(async () => {
  server = await startTestServer();
  result = await deploy({
    template: join(ROOT, 'examples', 'template.yaml'),
    client: { endpoint: server.endpoint, region: 'us-east-1', ...TEST_CREDENTIALS },
    quiet: true,
  });
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

/** A call through `/_aws/execute-api/<id>/…` or, with `host`, the `<id>.execute-api.localhost` Host form. */
async function call(
  method: string,
  path: string,
  body?: unknown,
  host = false,
): Promise<{ status: number; json: any }> {
  const apiId = result.outputs['ApiId']!;
  const res = await rawSend(server.endpoint, {
    method,
    path: host ? path : `/_aws/execute-api/${apiId}${path}`,
    headers: {
      'content-type': 'application/json',
      ...(host ? { host: `${apiId}.execute-api.localhost:${server.overcast.port}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = res.body.toString();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 25_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('examples/ (the npm start app)', { timeout: 90_000 }, () => {
  it('deploys with the stack name from samconfig.toml and prints the API URL outputs', () => {
    expect(result.stackName).toBe('overcast-example');
    expect(result.status).toBe('CREATE_COMPLETE');
    expect(result.outputs['ApiUrl']).toBe(`https://${result.outputs['ApiId']}.execute-api.us-east-1.amazonaws.com/`);
    expect(result.outputs['ItemsTableName']).toBe('overcast-example-items');
    expect(result.apis['ServerlessHttpApi']).toEqual([
      `http://${result.outputs['ApiId']}.execute-api.localhost:${server.overcast.port}/`,
      `http://localhost:${server.overcast.port}/_aws/execute-api/${result.outputs['ApiId']}/`,
    ]);
  });

  it('serves CRUD on items through the HTTP API, and the Streams consumer records creations and deletions only', async () => {
    const created = await call('POST', '/items', { name: 'apple', price: 1.5 });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    expect(created.json).toMatchObject({ name: 'apple', price: 1.5, done: false });

    expect(await call('POST', '/items', { price: 2 })).toMatchObject({ status: 400 });
    expect(await call('GET', `/items/${id}`, undefined, true)).toMatchObject({
      status: 200,
      json: { id, name: 'apple' },
    });
    const listed = await call('GET', '/items', undefined, true);
    expect(listed.json.items.map((i: { id: string }) => i.id)).toEqual([id]);

    const updated = await call('PUT', `/items/${id}`, { done: true, price: 2.25 });
    expect(updated).toMatchObject({ status: 200, json: { id, done: true, price: 2.25, name: 'apple' } });
    expect(await call('PUT', '/items/nope', { done: true })).toMatchObject({ status: 404 });

    expect((await call('DELETE', `/items/${id}`)).status).toBe(204);
    expect(await call('GET', `/items/${id}`)).toMatchObject({ status: 404 });

    // INSERT and REMOVE reach the consumer; the MODIFY record is dropped by the mapping's FilterCriteria.
    const activity = await until(
      () => call('GET', '/activity'),
      (r) => r.json?.count >= 2,
    );
    expect(activity.json.activity.map((a: { action: string; itemId: string }) => [a.action, a.itemId])).toEqual([
      ['created', id],
      ['deleted', id],
    ]);
  }, 60_000);

  it('redeploys unchanged as a no-op', async () => {
    const again = await deploy({
      template: join(ROOT, 'examples', 'template.yaml'),
      client: { endpoint: server.endpoint, region: 'us-east-1', ...TEST_CREDENTIALS },
      quiet: true,
    });
    expect(again.status).toBe('CREATE_COMPLETE');
    expect(again.outputs['ApiId']).toBe(result.outputs['ApiId']);
  });
});
