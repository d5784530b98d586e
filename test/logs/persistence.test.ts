import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it } from 'vitest';
import { startTestServer, tempDir, TEST_CREDENTIALS } from '../helpers/server.js';

describe('CloudWatch Logs persistence', () => {
  it('keeps groups, streams and events across a restart on the same data directory', async () => {
    const dir = tempDir();
    try {
      const now = Date.now();
      const first = await startTestServer({ ephemeral: false, dataDir: dir.path });
      const client = (endpoint: string) =>
        new CloudWatchLogsClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
      const a = client(first.endpoint);
      await a.send(new CreateLogGroupCommand({ logGroupName: '/durable' }));
      await a.send(new CreateLogStreamCommand({ logGroupName: '/durable', logStreamName: 's' }));
      await a.send(
        new PutLogEventsCommand({
          logGroupName: '/durable',
          logStreamName: 's',
          logEvents: [{ timestamp: now, message: 'kept' }],
        }),
      );
      a.destroy();
      await first.stop();

      const second = await startTestServer({ ephemeral: false, dataDir: dir.path });
      const b = client(second.endpoint);
      const out = await b.send(
        new GetLogEventsCommand({ logGroupName: '/durable', logStreamName: 's', startFromHead: true }),
      );
      expect(out.events!.map((e) => e.message)).toEqual(['kept']);
      b.destroy();
      await second.stop();
    } finally {
      dir.cleanup();
    }
  });
});
