/**
 * NODE_EXTRA_CA_CERTS through the launcher, which hands it over so that Node does not parse it at
 * start-up (src/core/tls/extra-ca-certs.ts): Overcast's outbound TLS must still trust it. An HTTP
 * API proxies to an HTTPS backend whose certificate only the extra file vouches for (a self-signed
 * test certificate, test/fixtures/tls): with the variable the call goes through, without it the
 * backend is not trusted. Also the variable's way back into process.env for child processes.
 */
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateApiCommand } from '@aws-sdk/client-apigatewayv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDOVER_VARIABLE, adoptExtraCaCerts, pemCertificates } from '../../src/core/tls/extra-ca-certs.js';
import { invokeUrl, v2Client } from '../apigatewayv2/helpers.js';
import { ROOT, startOvercastProcess } from '../helpers/process.js';

const CERT = join(ROOT, 'test/fixtures/tls/localhost.crt');

let backend: Server;
let backendUrl: string;

beforeAll(async () => {
  backend = createServer(
    { key: readFileSync(join(ROOT, 'test/fixtures/tls/localhost.key')), cert: readFileSync(CERT) },
    (req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ secure: true, url: req.url }));
    },
  );
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  backendUrl = `https://127.0.0.1:${(backend.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => backend.close(r));
});

/** Starts Overcast through the launcher, proxies an HTTP API to the backend, calls it once. */
async function proxiedCall(extraCaCerts: string | undefined): Promise<{ status: number; body: string }> {
  const env = { ...process.env };
  if (extraCaCerts === undefined) delete env['NODE_EXTRA_CA_CERTS'];
  else env['NODE_EXTRA_CA_CERTS'] = extraCaCerts;
  const server = await startOvercastProcess(['--ephemeral'], 15_000, { launcher: true, env });
  try {
    const api = await v2Client(server.endpoint).send(
      new CreateApiCommand({ Name: 'tls', ProtocolType: 'HTTP', Target: `${backendUrl}/backend` }),
    );
    const res = await fetch(invokeUrl(server.endpoint, api.ApiId!, '/hello'));
    return { status: res.status, body: await res.text() };
  } finally {
    await server.stop();
  }
}

describe('NODE_EXTRA_CA_CERTS through the launcher', () => {
  it('trusts the extra certificates for outbound TLS (an HTTP_PROXY integration)', async () => {
    const res = await proxiedCall(CERT);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ secure: true });
  });

  it('does not trust that backend without them', async () => {
    const res = await proxiedCall(undefined);
    expect(res.status).toBeGreaterThanOrEqual(500);
  });

  it('finds every certificate of a bundle file and ignores other text', () => {
    // The extra file may hold other text and many certificates (Debian's bundle: ~140).
    const bundle = `# a comment\n${readFileSync(CERT, 'latin1')}\n${readFileSync(CERT, 'latin1')}`;
    expect(pemCertificates(bundle)).toHaveLength(2);
    expect(pemCertificates('no certificates here')).toEqual([]);
  });
});

describe('adoptExtraCaCerts (the variable goes back for child processes)', () => {
  it('leaves an environment without the hand-over alone', () => {
    const env: NodeJS.ProcessEnv = { NODE_EXTRA_CA_CERTS: '/x.pem' };
    adoptExtraCaCerts(env);
    expect(env).toEqual({ NODE_EXTRA_CA_CERTS: '/x.pem' });
  });

  it('removes the empty variable when the caller had none', () => {
    const env: NodeJS.ProcessEnv = { NODE_EXTRA_CA_CERTS: '', [HANDOVER_VARIABLE]: '' };
    adoptExtraCaCerts(env);
    expect(env).toEqual({});
  });
});
