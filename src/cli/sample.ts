import { callJson } from './aws-client.js';
import type { ClientOptions } from './aws-client.js';

export const SAMPLE_TABLE = 'overcast-sample';

/** Create the sample table of the quick start (idempotent) with a few items. */
export async function createSample(client: ClientOptions): Promise<void> {
  const call = (op: string, input: unknown) => callJson(client, 'dynamodb', `DynamoDB_20120810.${op}`, input);
  try {
    await call('DescribeTable', { TableName: SAMPLE_TABLE });
    return;
  } catch {
    // not there yet
  }
  await call('CreateTable', {
    TableName: SAMPLE_TABLE,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
  });
  const items = [
    { pk: { S: 'user#1' }, sk: { S: 'profile' }, name: { S: 'Ada' }, visits: { N: '3' } },
    { pk: { S: 'user#1' }, sk: { S: 'order#2026-11-01' }, total: { N: '42.50' } },
    { pk: { S: 'user#2' }, sk: { S: 'profile' }, name: { S: 'Grace' }, visits: { N: '7' } },
  ];
  for (const item of items) await call('PutItem', { TableName: SAMPLE_TABLE, Item: item });
}
