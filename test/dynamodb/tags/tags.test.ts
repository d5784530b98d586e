import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ListTagsOfResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-dynamodb';
import type { Tag } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, hasAwsCli } from '../../helpers/aws-cli.js';
import { ACCOUNT, createTable, expectError, keyedTable, tableArn } from '../../helpers/ddb.js';
import { startTestServer } from '../../helpers/server.js';
import type { TestServer } from '../../helpers/server.js';

const tags = (n: number, prefix = 'k'): Tag[] =>
  Array.from({ length: n }, (_, i) => ({ Key: `${prefix}${i}`, Value: `v${i}` }));

describe('DynamoDB tags', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  const list = async (name: string) =>
    (await server.ddb.send(new ListTagsOfResourceCommand({ ResourceArn: tableArn(name) }))).Tags;
  const tag = (name: string, Tags: Tag[]) =>
    server.ddb.send(new TagResourceCommand({ ResourceArn: tableArn(name), Tags }));
  const untag = (name: string, TagKeys: string[]) =>
    server.ddb.send(new UntagResourceCommand({ ResourceArn: tableArn(name), TagKeys }));

  describe('TagResource, UntagResource, ListTagsOfResource', () => {
    beforeAll(() => createTable(server.ddb, keyedTable('tags-basic')));

    it('a new table has no tags; tags come back in the order they were added', async () => {
      expect(await list('tags-basic')).toEqual([]);
      await tag('tags-basic', [
        { Key: 'env', Value: 'test' },
        { Key: 'team', Value: 'data' },
      ]);
      await tag('tags-basic', [{ Key: 'cost-center', Value: '' }]);
      expect(await list('tags-basic')).toEqual([
        { Key: 'env', Value: 'test' },
        { Key: 'team', Value: 'data' },
        { Key: 'cost-center', Value: '' },
      ]);
    });

    it('tagging an existing key replaces its value; untagging absent keys is not an error', async () => {
      await tag('tags-basic', [{ Key: 'env', Value: 'prod' }]);
      await untag('tags-basic', ['team', 'never-there']);
      expect(await list('tags-basic')).toEqual([
        { Key: 'env', Value: 'prod' },
        { Key: 'cost-center', Value: '' },
      ]);
    });

    it('returns every tag in one page (no NextToken), even with 50 tags; a NextToken is ignored', async () => {
      await createTable(server.ddb, keyedTable('tags-fifty'));
      await tag('tags-fifty', tags(50));
      const out = await server.ddb.send(
        new ListTagsOfResourceCommand({ ResourceArn: tableArn('tags-fifty'), NextToken: 'anything' }),
      );
      expect(out.Tags).toHaveLength(50);
      expect(out.NextToken).toBeUndefined();
    });

    it('accepts Unicode letters, digits, spaces and + - = . _ : / @ in keys and values', async () => {
      await tag('tags-basic', [{ Key: 'Ünïcødé key_1:+-=./@', Value: 'värde 42 /a=b@c' }]);
      expect(await list('tags-basic')).toContainEqual({ Key: 'Ünïcødé key_1:+-=./@', Value: 'värde 42 /a=b@c' });
      await untag('tags-basic', ['Ünïcødé key_1:+-=./@']);
    });
  });

  describe('CreateTable Tags', () => {
    it('stores the tags given at creation', async () => {
      await createTable(server.ddb, { ...keyedTable('tags-created'), Tags: [{ Key: 'owner', Value: 'me' }] });
      expect(await list('tags-created')).toEqual([{ Key: 'owner', Value: 'me' }]);
    });

    it('accepts an empty Tags list', async () => {
      await createTable(server.ddb, { ...keyedTable('tags-created-empty'), Tags: [] });
      expect(await list('tags-created-empty')).toEqual([]);
    });

    it('more than 50 tags fail the CreateTable, and no table is created', async () => {
      await expectError(
        server.ddb.send(new CreateTableCommand({ ...keyedTable('tags-too-many'), Tags: tags(51) })),
        'ValidationException',
        'Number of Tags exceed the current limit for the provided ResourceArn',
      );
      await expectError(
        server.ddb.send(new DescribeTableCommand({ TableName: 'tags-too-many' })),
        'ResourceNotFoundException',
      );
    });

    it('tags belong to one incarnation of a table name: a re-created table starts untagged', async () => {
      await createTable(server.ddb, { ...keyedTable('tags-recreated'), Tags: [{ Key: 'a', Value: 'b' }] });
      await server.ddb.send(new DeleteTableCommand({ TableName: 'tags-recreated' }));
      await createTable(server.ddb, keyedTable('tags-recreated'));
      expect(await list('tags-recreated')).toEqual([]);
    });
  });

  describe('limits and validation (AWS messages)', () => {
    beforeAll(() => createTable(server.ddb, keyedTable('tags-limits')));

    it('at most 50 tags per table, counting the ones it has', async () => {
      await tag('tags-limits', tags(40));
      await expectError(
        tag('tags-limits', tags(11, 'x')),
        'ValidationException',
        'Number of Tags exceed the current limit for the provided ResourceArn',
      );
      await tag('tags-limits', [...tags(10), ...tags(10, 'x')]);
      expect(await list('tags-limits')).toHaveLength(50);
      await expectError(
        untag(
          'tags-limits',
          tags(51).map((t) => t.Key!),
        ),
        'ValidationException',
        'Number of Tags exceed the current limit for the provided ResourceArn',
      );
    });

    it('keys are 1-128 characters and values 0-256', async () => {
      const k129 = 'k'.repeat(129);
      await expectError(
        tag('tags-limits', [{ Key: k129, Value: 'v' }]),
        'ValidationException',
        `The Tag Key provided is invalid, Key: ${k129}`,
      );
      await expectError(
        tag('tags-limits', [{ Key: '', Value: 'v' }]),
        'ValidationException',
        'The Tag Key provided is invalid, Key: ',
      );
      const v257 = 'v'.repeat(257);
      await expectError(
        tag('tags-limits', [{ Key: 'k0', Value: v257 }]),
        'ValidationException',
        `The Tag Value provided is invalid, Value: ${v257}`,
      );
      await expectError(
        untag('tags-limits', [k129]),
        'ValidationException',
        `The Tag Key provided is invalid, Key: ${k129}`,
      );
      await untag('tags-limits', ['k0']);
      await tag('tags-limits', [{ Key: 'k'.repeat(128), Value: 'v'.repeat(256) }]);
      expect(await list('tags-limits')).toContainEqual({ Key: 'k'.repeat(128), Value: 'v'.repeat(256) });
    });

    it('characters outside the allowed set are invalid', async () => {
      await expectError(
        tag('tags-limits', [{ Key: 'ok', Value: '#!%' }]),
        'ValidationException',
        'The Tag Value provided is invalid, Value: #!%',
      );
      await expectError(
        tag('tags-limits', [{ Key: 'a<b', Value: 'ok' }]),
        'ValidationException',
        'The Tag Key provided is invalid, Key: a<b',
      );
    });

    it('the aws: prefix is reserved', async () => {
      await expectError(
        tag('tags-limits', [{ Key: 'aws:cloudformation:stack-name', Value: 'x' }]),
        'ValidationException',
        'Tag Key cannot be prefixed with aws:, Key: aws:cloudformation:stack-name',
      );
      // Nor can such a tag be removed.
      await expectError(
        server.ddb.send(new UntagResourceCommand({ ResourceArn: tableArn('tags-limits'), TagKeys: ['AWS:foo'] })),
        'ValidationException',
        'Tag Key cannot be prefixed with aws:, Key: AWS:foo',
      );
    });

    it('duplicate keys in one request, empty Tags and empty TagKeys are rejected', async () => {
      await expectError(
        tag('tags-limits', [
          { Key: 'dup', Value: '1' },
          { Key: 'dup', Value: '2' },
        ]),
        'ValidationException',
        'Duplicate Tag Keys provided as input: Duplicate Tag Key found dup',
      );
      await expectError(
        tag('tags-limits', []),
        'ValidationException',
        'Atleast one Tag needs to be provided as Input.',
      );
      await expectError(
        untag('tags-limits', []),
        'ValidationException',
        'Atleast one Tag Key needs to be provided as Input.',
      );
    });
  });

  describe('ResourceArn', () => {
    beforeAll(() => createTable(server.ddb, keyedTable('tags-arn', 'S', 'S')));

    it('a value that is not an ARN is a ValidationException', async () => {
      await expectError(
        server.ddb.send(new TagResourceCommand({ ResourceArn: 'not-a-valid-arn', Tags: [{ Key: 'a', Value: 'b' }] })),
        'ValidationException',
        "One or more parameter values were invalid: ARNs must start with 'arn:': not-a-valid-arn",
      );
    });

    it("a table ARN of the caller's account naming no table is AccessDeniedException, as AWS answers", async () => {
      const arn = tableArn('nonexistent_table_xyz');
      for (const [op, send] of [
        ['ListTagsOfResource', () => server.ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }))],
        [
          'TagResource',
          () => server.ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'a', Value: 'b' }] })),
        ],
        ['UntagResource', () => server.ddb.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['a'] }))],
      ] as const) {
        await expectError(
          send(),
          'AccessDeniedException',
          new RegExp(
            `is not authorized to perform: dynamodb:${op} on resource: ${arn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
          ),
        );
      }
    });

    it("another account's table or another service's ARN is AccessDeniedException", async () => {
      await expectError(
        server.ddb.send(
          new ListTagsOfResourceCommand({ ResourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/tags-arn' }),
        ),
        'AccessDeniedException',
      );
      await expectError(
        server.ddb.send(new ListTagsOfResourceCommand({ ResourceArn: 'arn:aws:s3:::bucket/tags-arn' })),
        'AccessDeniedException',
      );
    });

    it('another region, an index ARN and a non-table resource are ValidationExceptions', async () => {
      const otherRegion = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/tags-arn`;
      await expectError(
        server.ddb.send(new ListTagsOfResourceCommand({ ResourceArn: otherRegion })),
        'ValidationException',
        `Invalid TableArn: Invalid ResourceArn provided as input ${otherRegion}`,
      );
      const index = `${tableArn('tags-arn')}/index/gsi`;
      await expectError(
        server.ddb.send(new ListTagsOfResourceCommand({ ResourceArn: index })),
        'ValidationException',
        `One or more parameter values were invalid: Invalid resource arn provided, only table or stream is accepted. Provided resource arn: ${index}`,
      );
      const backup = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:backup/x`;
      await expectError(
        server.ddb.send(new ListTagsOfResourceCommand({ ResourceArn: backup })),
        'ValidationException',
        `One or more parameter values were invalid: Provided Arn is not a DynamoDB resource arn: ${backup}`,
      );
      // A table's backup is not taggable either.
      const tableBackup = `${tableArn('tags-arn')}/backup/01764000000000-abcdef12`;
      await expectError(
        server.ddb.send(new ListTagsOfResourceCommand({ ResourceArn: tableBackup })),
        'ValidationException',
        `One or more parameter values were invalid: Provided Arn is not a DynamoDB resource arn: ${tableBackup}`,
      );
    });
  });

  describe('a table still CREATING', () => {
    let slow: TestServer;
    beforeAll(async () => {
      slow = await startTestServer({ dynamodb: { tableStatusDelayMs: 60_000 } });
    });
    afterAll(() => slow.stop());

    it('is not found by the tag operations (ResourceNotFoundException)', async () => {
      await slow.ddb.send(new CreateTableCommand(keyedTable('tags-creating')));
      await expectError(
        slow.ddb.send(
          new TagResourceCommand({ ResourceArn: tableArn('tags-creating'), Tags: [{ Key: 'a', Value: 'b' }] }),
        ),
        'ResourceNotFoundException',
        'Requested resource not found: Table: tags-creating not found',
      );
    });
  });

  describe.runIf(hasAwsCli)('AWS CLI v2', () => {
    it('tag-resource, list-tags-of-resource, untag-resource', async () => {
      await createTable(server.ddb, keyedTable('tags-cli'));
      const arn = tableArn('tags-cli');
      await aws(server.endpoint, [
        'dynamodb',
        'tag-resource',
        '--resource-arn',
        arn,
        '--tags',
        'Key=stage,Value=dev',
        'Key=app,Value=shop',
      ]);
      expect((await aws(server.endpoint, ['dynamodb', 'list-tags-of-resource', '--resource-arn', arn])).Tags).toEqual([
        { Key: 'stage', Value: 'dev' },
        { Key: 'app', Value: 'shop' },
      ]);
      await aws(server.endpoint, ['dynamodb', 'untag-resource', '--resource-arn', arn, '--tag-keys', 'stage']);
      expect((await aws(server.endpoint, ['dynamodb', 'list-tags-of-resource', '--resource-arn', arn])).Tags).toEqual([
        { Key: 'app', Value: 'shop' },
      ]);
    });
  });
});
