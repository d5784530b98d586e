import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.js';

describe('a registry port of its own', () => {
  it('serves the OCI registry at the root of the configured port as well as at /v2/ on the main port', async () => {
    const server = await startTestServer({ registryPort: 0 });
    try {
      const port = server.overcast.registryPort;
      expect(port).toBeGreaterThan(0);
      expect(port).not.toBe(server.overcast.port);
      const own = await fetch(`http://127.0.0.1:${port}/v2/`);
      expect(own.status).toBe(200);
      expect(own.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
      const catalog = await fetch(`http://127.0.0.1:${port}/v2/_catalog`);
      expect(await catalog.json()).toEqual({ repositories: [] });
      expect((await fetch(`${server.endpoint}/v2/`)).status).toBe(200);
    } finally {
      await server.stop();
    }
    const plain = await startTestServer();
    try {
      expect(plain.overcast.registryPort).toBeUndefined();
    } finally {
      await plain.stop();
    }
  });
});
