import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, AWS_CLI, hasAwsCli } from '../helpers/aws-cli.js';
import { startLogsServer } from './helpers.js';
import type { LogsTestServer } from './helpers.js';

const run = promisify(execFile);

const cliEnv = () => ({
  PATH: process.env['PATH'] ?? '',
  HOME: process.env['HOME'] ?? '/tmp',
  AWS_ACCESS_KEY_ID: 'AKIDOVERCASTTEST',
  AWS_SECRET_ACCESS_KEY: 'overcast-test-secret',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_PAGER: '',
});

/** `aws logs tail` prints text, not JSON. */
async function tail(endpoint: string, args: string[]): Promise<string> {
  const { stdout } = await run(AWS_CLI, ['logs', 'tail', ...args, '--endpoint-url', endpoint], { env: cliEnv() });
  return stdout;
}

// The CLI computes `tail`'s default --since from the wall clock, so this server keeps the system clock.
describe.skipIf(!hasAwsCli)('CloudWatch Logs through the AWS CLI v2', () => {
  let t: LogsTestServer;
  const G = '/aws/lambda/cli-fn';
  const now = Date.now();

  beforeAll(async () => {
    t = await startLogsServer();
    await t.logs.send(new CreateLogGroupCommand({ logGroupName: G }));
    for (const s of ['s1', 's2']) await t.logs.send(new CreateLogStreamCommand({ logGroupName: G, logStreamName: s }));
    await t.logs.send(
      new PutLogEventsCommand({
        logGroupName: G,
        logStreamName: 's1',
        logEvents: [
          { timestamp: now - 3000, message: 'INFO cold start' },
          { timestamp: now - 1000, message: '{"level":"ERROR","msg":"boom"}' },
        ],
      }),
    );
    await t.logs.send(
      new PutLogEventsCommand({
        logGroupName: G,
        logStreamName: 's2',
        logEvents: [{ timestamp: now - 2000, message: 'ERROR plain' }],
      }),
    );
  });
  afterAll(() => t.stop());

  it('describe-log-groups and describe-log-streams', async () => {
    const out = await aws(t.server.endpoint, [
      'logs',
      'describe-log-groups',
      '--log-group-name-prefix',
      '/aws/lambda/',
    ]);
    expect(out.logGroups).toEqual([
      expect.objectContaining({ logGroupName: G, arn: `arn:aws:logs:us-east-1:000000000000:log-group:${G}:*` }),
    ]);
    const streams = await aws(t.server.endpoint, [
      'logs',
      'describe-log-streams',
      '--log-group-name',
      G,
      '--order-by',
      'LastEventTime',
      '--descending',
    ]);
    expect(streams.logStreams.map((s: { logStreamName: string }) => s.logStreamName)).toEqual(['s1', 's2']);
  });

  it('get-log-events', async () => {
    const out = await aws(t.server.endpoint, [
      'logs',
      'get-log-events',
      '--log-group-name',
      G,
      '--log-stream-name',
      's1',
      '--start-from-head',
    ]);
    expect(out.events.map((e: { message: string }) => e.message)).toEqual([
      'INFO cold start',
      '{"level":"ERROR","msg":"boom"}',
    ]);
    expect(out.nextForwardToken).toMatch(/^f\//);
  });

  it('filter-log-events with term and JSON patterns', async () => {
    const terms = await aws(t.server.endpoint, [
      'logs',
      'filter-log-events',
      '--log-group-name',
      G,
      '--filter-pattern',
      'ERROR',
    ]);
    expect(terms.events.map((e: { message: string }) => e.message)).toEqual([
      'ERROR plain',
      '{"level":"ERROR","msg":"boom"}',
    ]);
    const json = await aws(t.server.endpoint, [
      'logs',
      'filter-log-events',
      '--log-group-name',
      G,
      '--filter-pattern',
      '{ $.level = "ERROR" }',
    ]);
    expect(json.events).toHaveLength(1);
    expect(json.events[0].logStreamName).toBe('s1');
  });

  it('put-log-events and create/delete through the CLI', async () => {
    await aws(t.server.endpoint, ['logs', 'create-log-group', '--log-group-name', '/cli/made']);
    await aws(t.server.endpoint, [
      'logs',
      'create-log-stream',
      '--log-group-name',
      '/cli/made',
      '--log-stream-name',
      'x',
    ]);
    const put = await aws(t.server.endpoint, [
      'logs',
      'put-log-events',
      '--log-group-name',
      '/cli/made',
      '--log-stream-name',
      'x',
      '--log-events',
      `timestamp=${Date.now()},message=hello-cli`,
    ]);
    expect(put.nextSequenceToken).toEqual(expect.any(String));
    await aws(t.server.endpoint, ['logs', 'delete-log-group', '--log-group-name', '/cli/made']);
    await expect(aws(t.server.endpoint, ['logs', 'delete-log-group', '--log-group-name', '/cli/made'])).rejects.toThrow(
      /ResourceNotFoundException.*The specified log group does not exist/,
    );
  });

  it('tail prints the recent events of every stream', async () => {
    const out = await tail(t.server.endpoint, [G]);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/ s1 INFO cold start$/);
    expect(lines[1]).toMatch(/ s2 ERROR plain$/);
    expect(lines[2]).toMatch(/ s1 \{"level":"ERROR","msg":"boom"\}$/);
    const filtered = await tail(t.server.endpoint, [G, '--filter-pattern', 'cold', '--format', 'short']);
    expect(filtered.trim().split('\n')).toHaveLength(1);
  });

  it('tail --follow prints existing events, then new ones as they arrive', async () => {
    // Unbuffered: the CLI's Python would otherwise hold the lines while stdout is a pipe.
    const child = spawn(AWS_CLI, ['logs', 'tail', G, '--follow', '--endpoint-url', t.server.endpoint], {
      env: { ...cliEnv(), PYTHONUNBUFFERED: '1' },
    });
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
    const waitFor = async (text: string, ms: number) => {
      const deadline = Date.now() + ms;
      while (!output.includes(text) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      return output.includes(text);
    };
    try {
      expect(await waitFor('INFO cold start', 10_000), errors).toBe(true);
      await t.logs.send(
        new PutLogEventsCommand({
          logGroupName: G,
          logStreamName: 's2',
          logEvents: [{ timestamp: Date.now(), message: 'followed event' }],
        }),
      );
      // The CLI polls every 5 seconds.
      expect(await waitFor('followed event', 12_000)).toBe(true);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    expect(output.match(/INFO cold start/g)).toHaveLength(1);
  }, 45_000);
});
