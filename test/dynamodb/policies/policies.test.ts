import {
  CreateTableCommand,
  DeleteResourcePolicyCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  GetResourcePolicyCommand,
  PutResourcePolicyCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { ACCOUNT, createTable, expectError, keyedTable, tableArn } from '../../helpers/ddb.js';
import { startTestServer } from '../../helpers/server.js';
import type { TestServer } from '../../helpers/server.js';

const T0 = Date.UTC(2026, 5, 1, 10, 0, 0);
const policy = (table: string, action = 'dynamodb:GetItem') =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'read',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: action,
        Resource: tableArn(table),
      },
    ],
  });

describe('DynamoDB resource-based policies', () => {
  let server: TestServer;
  const clock = new ManualClock(T0);
  beforeAll(async () => {
    server = await startTestServer({}, { clock });
  });
  afterAll(() => server.stop());

  const put = (name: string, Policy: string, extra: object = {}) =>
    server.ddb.send(new PutResourcePolicyCommand({ ResourceArn: tableArn(name), Policy, ...extra }));
  const get = (name: string) => server.ddb.send(new GetResourcePolicyCommand({ ResourceArn: tableArn(name) }));
  const del = (name: string, extra: object = {}) =>
    server.ddb.send(new DeleteResourcePolicyCommand({ ResourceArn: tableArn(name), ...extra }));

  describe('Put, Get, Delete', () => {
    beforeAll(() => createTable(server.ddb, keyedTable('rp-table')));

    it('a table without a policy: Get is PolicyNotFoundException, Delete an empty success', async () => {
      await expectError(
        get('rp-table'),
        'PolicyNotFoundException',
        `Resource-based policy not found for the provided ResourceArn: ${tableArn('rp-table')}`,
      );
      const out = await del('rp-table');
      expect(out.RevisionId).toBeUndefined();
    });

    it('Put answers a RevisionId (the change time in ms); Get returns the minified document', async () => {
      const { RevisionId } = await put('rp-table', JSON.stringify(JSON.parse(policy('rp-table')), null, 2));
      expect(RevisionId).toBe(String(T0));
      expect(await get('rp-table')).toMatchObject({ Policy: policy('rp-table'), RevisionId });
    });

    it('re-putting an equivalent document keeps the RevisionId; a new one gets a new revision', async () => {
      clock.advance(1000);
      expect((await put('rp-table', policy('rp-table'))).RevisionId).toBe(String(T0));
      const changed = await put('rp-table', policy('rp-table', 'dynamodb:Query'));
      expect(changed.RevisionId).toBe(String(T0 + 1000));
    });

    it('ExpectedRevisionId must match (NO_POLICY: only when there is none)', async () => {
      await expectError(
        put('rp-table', policy('rp-table'), { ExpectedRevisionId: '123' }),
        'PolicyNotFoundException',
        `Resource-based policy not found for the provided ResourceArn: Requested update for policy with revision id 123, but the policy associated to target table rp-table has revision id ${T0 + 1000}.`,
      );
      await expectError(
        put('rp-table', policy('rp-table'), { ExpectedRevisionId: 'NO_POLICY' }),
        'PolicyNotFoundException',
      );
      clock.advance(1000);
      expect((await put('rp-table', policy('rp-table'), { ExpectedRevisionId: String(T0 + 1000) })).RevisionId).toBe(
        String(T0 + 2000),
      );
      await expectError(del('rp-table', { ExpectedRevisionId: 'stale' }), 'PolicyNotFoundException');
    });

    it('Delete removes the policy and echoes its RevisionId', async () => {
      expect((await del('rp-table', { ExpectedRevisionId: String(T0 + 2000) })).RevisionId).toBe(String(T0 + 2000));
      await expectError(get('rp-table'), 'PolicyNotFoundException');
      await expectError(del('rp-table', { ExpectedRevisionId: String(T0 + 2000) }), 'PolicyNotFoundException');
      expect((await put('rp-table', policy('rp-table'), { ExpectedRevisionId: 'NO_POLICY' })).RevisionId).toBeDefined();
    });
  });

  describe('documents and ARNs', () => {
    beforeAll(() => createTable(server.ddb, keyedTable('rp-checks')));

    it('keeps the canonical form AWS reads back, and equivalent documents keep their RevisionId', async () => {
      await createTable(server.ddb, keyedTable('rp-canon'));
      clock.advance(1000);
      const loose = {
        Statement: {
          Resource: [tableArn('rp-canon')],
          Action: ['dynamodb:GetItem'],
          Principal: { AWS: [ACCOUNT, `arn:aws:iam::${ACCOUNT}:root`] },
          Effect: 'allow',
          Sid: 'read',
        },
        Version: '2012-10-17',
      };
      const first = await put('rp-canon', JSON.stringify(loose, null, 2));
      expect((await get('rp-canon')).Policy).toBe(policy('rp-canon'));
      // The canonical document, sent again: the same revision.
      clock.advance(1000);
      expect((await put('rp-canon', policy('rp-canon'))).RevisionId).toBe(first.RevisionId);
      // Without a Version it reads back as 2008-10-17, and is not the same document as one that says so.
      const { Version: _v, ...versionless } = JSON.parse(policy('rp-canon'));
      clock.advance(1000);
      const bare = await put('rp-canon', JSON.stringify(versionless));
      expect(bare.RevisionId).not.toBe(first.RevisionId);
      expect(JSON.parse((await get('rp-canon')).Policy!).Version).toBe('2008-10-17');
      clock.advance(1000);
      expect((await put('rp-canon', JSON.stringify(versionless))).RevisionId).toBe(bare.RevisionId);
    });

    it("refuses what AWS's policy checks refuse", async () => {
      const statement = JSON.parse(policy('rp-checks')).Statement[0];
      const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
      const refused: [string, string][] = [
        [doc(statement, statement), 'Invalid policy document: The Statement Ids in the policy are not unique'],
        [doc({ ...statement, Resource: undefined }), 'Invalid policy document: Missing required field Resource'],
        [doc({}), 'Invalid policy document: Missing required field Effect'],
        ['null', 'Invalid policy document: This text appears not to be a policy'],
      ];
      for (const [document, message] of refused)
        await expectError(
          put('rp-checks', document),
          'ValidationException',
          `One or more parameter values were invalid: ${message}`,
        );
      for (const Principal of ['*', { AWS: '*' }]) {
        await expectError(
          put('rp-checks', doc({ ...statement, Principal })),
          'ValidationException',
          'Resource-based policy grants unbounded access in one or more elements. Please revise the policy to ensure least-privilege form of access',
        );
      }
    });

    it('invalid documents', async () => {
      await expectError(
        put('rp-checks', '{not json'),
        'ValidationException',
        'One or more parameter values were invalid: Invalid policy document: This policy contains invalid Json',
      );
      await expectError(
        put('rp-checks', JSON.stringify({ Version: '2012-10-17', Statement: [] })),
        'ValidationException',
        'One or more parameter values were invalid: Invalid policy document: Could not parse the policy: Statement is empty!',
      );
      const big = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'x'.repeat(20_500), Effect: 'Allow', Action: '*', Resource: '*' }],
      });
      await expectError(
        put('rp-checks', big),
        'ValidationException',
        'One or more parameter values were invalid: Maximum policy size of 20480 bytes exceeded',
      );
    });

    it('ResourceArn forms', async () => {
      const send = (ResourceArn: string) => server.ddb.send(new GetResourcePolicyCommand({ ResourceArn }));
      await expectError(
        send('rp-checks'),
        'ValidationException',
        "One or more parameter values were invalid: ARNs must start with 'arn:': rp-checks",
      );
      await expectError(
        send(tableArn('rp-missing')),
        'ResourceNotFoundException',
        'Requested resource not found: Table: rp-missing not found',
      );
      await expectError(
        send('arn:aws:dynamodb:us-east-1:123456789012:table/rp-checks'),
        'ValidationException',
        'This action is only supported by accounts that match the resource owner’s account.',
      );
      const otherRegion = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/rp-checks`;
      await expectError(
        send(otherRegion),
        'ValidationException',
        `One or more parameter values were invalid: Invalid resource Arn: ${otherRegion}`,
      );
      const index = `${tableArn('rp-checks')}/index/by-x`;
      await expectError(
        send(index),
        'ValidationException',
        `One or more parameter values were invalid: Invalid resource arn provided, only table or stream is accepted. Provided resource arn: ${index}`,
      );
      await expectError(
        send(`${tableArn('rp-checks')}/stream/2000-01-01T00:00:00.000`),
        'ResourceNotFoundException',
        'Requested resource not found: Stream: 2000-01-01T00:00:00.000 not found for Table: rp-checks',
      );
    });

    it('a stream ARN has its own policy slot', async () => {
      await createTable(server.ddb, {
        ...keyedTable('rp-stream'),
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
      });
      const streamArn = (await server.ddb.send(new DescribeTableCommand({ TableName: 'rp-stream' }))).Table!
        .LatestStreamArn!;
      await server.ddb.send(
        new PutResourcePolicyCommand({ ResourceArn: streamArn, Policy: policy('rp-stream', 'dynamodb:GetRecords') }),
      );
      expect((await server.ddb.send(new GetResourcePolicyCommand({ ResourceArn: streamArn }))).Policy).toBe(
        policy('rp-stream', 'dynamodb:GetRecords'),
      );
      await expectError(get('rp-stream'), 'PolicyNotFoundException');
    });
  });

  describe('CreateTable ResourcePolicy', () => {
    it('attaches the policy at creation; a deleted table takes it along', async () => {
      await createTable(server.ddb, { ...keyedTable('rp-created'), ResourcePolicy: policy('rp-created') });
      expect((await get('rp-created')).Policy).toBe(policy('rp-created'));
      await server.ddb.send(new DeleteTableCommand({ TableName: 'rp-created' }));
      await createTable(server.ddb, keyedTable('rp-created'));
      await expectError(get('rp-created'), 'PolicyNotFoundException');
    });

    it('an invalid policy fails the CreateTable', async () => {
      await expectError(
        server.ddb.send(new CreateTableCommand({ ...keyedTable('rp-bad'), ResourcePolicy: 'nope' })),
        'ValidationException',
        'One or more parameter values were invalid: Invalid policy document: This policy contains invalid Json',
      );
      await expectError(
        server.ddb.send(new DescribeTableCommand({ TableName: 'rp-bad' })),
        'ResourceNotFoundException',
      );
    });
  });
});
