import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

describe('health endpoints', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('GET / answers DynamoDB-style with the Host header and a trailing space', async () => {
    const res = await fetch(`${server.endpoint}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(`healthy: ${new URL(server.endpoint).host} `);
  });

  it('GET /_overcast/health answers JSON with version, uptime and services', async () => {
    const res = await fetch(`${server.endpoint}/_overcast/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; version: string; uptimeMs: number; services: string[] };
    expect(body.status).toBe('running');
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.uptimeMs).toBeGreaterThanOrEqual(0);
    expect(body.services).toEqual(expect.arrayContaining(['dynamodb', 'sts']));
  });

  it('every AWS response carries x-amzn-RequestId', async () => {
    const res = await fetch(`${server.endpoint}/`, {
      method: 'POST',
      headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables', 'content-type': 'application/x-amz-json-1.0' },
      body: '{}',
    });
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9A-Z]{52}$/);
  });
});
