import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { Clock } from '../../src/core/clock.js';
import { startTestServer, TEST_CREDENTIALS } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

export interface LogsTestServer {
  server: TestServer;
  logs: CloudWatchLogsClient;
  /** A client for another region (or account, with a 12-digit access key id). */
  client(region: string, accessKeyId?: string): CloudWatchLogsClient;
  stop(): Promise<void>;
}

/** A real server with a CloudWatch Logs client (us-east-1) pointed at it. */
export async function startLogsServer(clock?: Clock): Promise<LogsTestServer> {
  const server = await startTestServer({}, clock ? { clock } : {});
  const clients: CloudWatchLogsClient[] = [];
  const client = (region: string, accessKeyId?: string) => {
    const c = new CloudWatchLogsClient({
      endpoint: server.endpoint,
      region,
      credentials: accessKeyId ? { ...TEST_CREDENTIALS, accessKeyId } : TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    clients.push(c);
    return c;
  };
  const logs = client('us-east-1');
  return {
    server,
    logs,
    client,
    async stop() {
      for (const c of clients) c.destroy();
      await server.stop();
    },
  };
}

/** `n` events one millisecond apart from `t0`, messages `<prefix><i>`. */
export const eventsAt = (t0: number, n: number, prefix = 'event-') =>
  Array.from({ length: n }, (_, i) => ({ timestamp: t0 + i, message: `${prefix}${i}` }));
