import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, hasAwsCli } from '../helpers/aws-cli.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

const T = 'cli-table';
const json = (v: unknown) => JSON.stringify(v);

/**
 * The AWS CLI v2 (botocore) against a real server. botocore verifies the x-amz-crc32 header of
 * every DynamoDB response and retries/fails on a mismatch, so each call also checks that header.
 */
// Each CLI call starts a Python process (~0.5 s, several seconds on a loaded machine).
describe.skipIf(!hasAwsCli)('DynamoDB through the AWS CLI v2', { timeout: 90_000 }, () => {
  let server: TestServer;
  let run: (args: string[]) => Promise<any>;
  beforeAll(async () => {
    server = await startTestServer();
    // No retries: a checksum mismatch must fail the test rather than be retried away.
    run = (args) => aws(server.endpoint, ['dynamodb', ...args], { AWS_MAX_ATTEMPTS: '1' });
  });
  afterAll(() => server.stop());

  it('create-table, then wait table-exists', async () => {
    const out = await run([
      'create-table',
      '--table-name',
      T,
      '--attribute-definitions',
      'AttributeName=pk,AttributeType=S',
      'AttributeName=sk,AttributeType=N',
      '--key-schema',
      'AttributeName=pk,KeyType=HASH',
      'AttributeName=sk,KeyType=RANGE',
      '--billing-mode',
      'PAY_PER_REQUEST',
    ]);
    expect(out.TableDescription.TableName).toBe(T);
    expect(out.TableDescription.TableArn).toBe(`arn:aws:dynamodb:us-east-1:000000000000:table/${T}`);
    await run(['wait', 'table-exists', '--table-name', T]);
    const desc = await run(['describe-table', '--table-name', T]);
    expect(desc.Table.TableStatus).toBe('ACTIVE');
    const list = await run(['list-tables']);
    expect(list.TableNames).toContain(T);
  });

  it('put-item and get-item, including non-ASCII data (checksummed bytes)', async () => {
    const item = {
      pk: { S: 'user#1' },
      sk: { N: '1' },
      name: { S: 'Zoë 🌍 中文' },
      tags: { SS: ['a', 'b'] },
      m: { M: { n: { N: '12345678901234567890123456789012345678' } } },
    };
    await run(['put-item', '--table-name', T, '--item', json(item)]);
    const got = await run([
      'get-item',
      '--table-name',
      T,
      '--key',
      json({ pk: { S: 'user#1' }, sk: { N: '1' } }),
      '--consistent-read',
    ]);
    expect(got.Item.name).toEqual({ S: 'Zoë 🌍 中文' });
    expect(got.Item.m).toEqual(item.m);
    expect([...got.Item.tags.SS].sort()).toEqual(['a', 'b']);
  });

  it('update-item with an update expression and ReturnValues', async () => {
    const out = await run([
      'update-item',
      '--table-name',
      T,
      '--key',
      json({ pk: { S: 'user#1' }, sk: { N: '1' } }),
      '--update-expression',
      'SET visits = if_not_exists(visits, :zero) + :one REMOVE tags',
      '--expression-attribute-values',
      json({ ':zero': { N: '0' }, ':one': { N: '1' } }),
      '--return-values',
      'UPDATED_NEW',
    ]);
    expect(out.Attributes).toEqual({ visits: { N: '1' } });
  });

  it('batch-write-item, then query with --key-condition-expression', async () => {
    const requests = Array.from({ length: 12 }, (_, i) => ({
      PutRequest: { Item: { pk: { S: 'batch' }, sk: { N: String(i) }, v: { S: `v${i}` } } },
    }));
    const out = await run(['batch-write-item', '--request-items', json({ [T]: requests })]);
    expect(out.UnprocessedItems).toEqual({});
    const q = await run([
      'query',
      '--table-name',
      T,
      '--key-condition-expression',
      'pk = :p AND sk BETWEEN :a AND :b',
      '--expression-attribute-values',
      json({ ':p': { S: 'batch' }, ':a': { N: '3' }, ':b': { N: '6' } }),
      '--no-scan-index-forward',
    ]);
    expect(q.Items.map((i: any) => i.sk.N)).toEqual(['6', '5', '4', '3']);
    expect(q.Count).toBe(4);
  });

  it('scan paginates through several LastEvaluatedKey pages', async () => {
    // --page-size makes every underlying Scan return LastEvaluatedKey after 2 items; the CLI follows them all.
    const all = await run(['scan', '--table-name', T, '--page-size', '2']);
    expect(all.Items).toHaveLength(13);
    expect(all.Count).toBe(13);
    // --max-items hands back a NextToken; --starting-token resumes from it.
    const seen: string[] = [];
    let token: string | undefined;
    let rounds = 0;
    do {
      const page = await run([
        'scan',
        '--table-name',
        T,
        '--page-size',
        '2',
        '--max-items',
        '5',
        ...(token ? ['--starting-token', token] : []),
      ]);
      for (const i of page.Items) seen.push(`${i.pk.S}/${i.sk.N}`);
      token = page.NextToken;
      rounds++;
    } while (token && rounds < 10);
    expect(rounds).toBe(3);
    expect(seen).toHaveLength(13);
    expect(new Set(seen).size).toBe(13);
  });

  it('errors: the CLI exits non-zero and prints the AWS error code and message', async () => {
    const failure = await run(['get-item', '--table-name', 'cli-missing', '--key', json({ pk: { S: 'x' } })]).then(
      () => undefined,
      (e: { code?: number; stderr?: string }) => e,
    );
    expect(failure).toBeDefined();
    expect(failure!.code).not.toBe(0);
    expect(failure!.stderr).toMatch(
      /An error occurred \(ResourceNotFoundException\) when calling the GetItem operation( \(reached max retries: \d+\))?: Requested resource not found/,
    );

    const cond = await run([
      'put-item',
      '--table-name',
      T,
      '--item',
      json({ pk: { S: 'user#1' }, sk: { N: '1' } }),
      '--condition-expression',
      'attribute_not_exists(pk)',
    ]).then(
      () => undefined,
      (e: { code?: number; stderr?: string }) => e,
    );
    expect(cond!.code).not.toBe(0);
    expect(cond!.stderr).toMatch(
      /An error occurred \(ConditionalCheckFailedException\) when calling the PutItem operation( \(reached max retries: \d+\))?: The conditional request failed/,
    );
  });

  it('delete-table, then wait table-not-exists', async () => {
    const out = await run(['delete-table', '--table-name', T]);
    expect(out.TableDescription.TableStatus).toBe('DELETING');
    await run(['wait', 'table-not-exists', '--table-name', T]);
    const list = await run(['list-tables']);
    expect(list.TableNames).not.toContain(T);
  });
});
