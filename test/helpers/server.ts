import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { STSClient } from '@aws-sdk/client-sts';
import { startOvercast } from '../../src/platform.js';
import type { Overcast, PlatformOptions } from '../../src/platform.js';
import { silentLogger } from '../../src/core/log.js';
import type { OvercastConfigInput } from '../../src/config/schema.js';

export interface TestServer {
  overcast: Overcast;
  endpoint: string;
  ddb: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  sts: STSClient;
  stop(): Promise<void>;
}

export const TEST_CREDENTIALS = { accessKeyId: 'AKIDOVERCASTTEST', secretAccessKey: 'overcast-test-secret' };

/** Start a real Overcast server on a random port with real AWS SDK v3 clients pointed at it. */
export async function startTestServer(
  config: OvercastConfigInput = {},
  options: Omit<PlatformOptions, 'config'> = {},
): Promise<TestServer> {
  const overcast = await startOvercast({
    config: { port: 0, ephemeral: true, logLevel: 'silent', ...config },
    log: silentLogger,
    ...options,
  });
  const clientConfig = {
    endpoint: overcast.endpoint,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  };
  const ddb = new DynamoDBClient(clientConfig);
  return {
    overcast,
    endpoint: overcast.endpoint,
    ddb,
    doc: DynamoDBDocumentClient.from(ddb),
    sts: new STSClient(clientConfig),
    async stop() {
      ddb.destroy();
      await overcast.stop();
    },
  };
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'overcast-test-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}
