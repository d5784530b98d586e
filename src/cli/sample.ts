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

export const SAMPLE_FUNCTION = 'overcast-sample-hello';

const SAMPLE_HANDLER = `import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
const ddb = new DynamoDBClient({});
// A function URL handler (payload 2.0): GET /users/<n> reads the sample table.
export const handler = async (event) => {
  const user = (event.rawPath || '/').split('/')[2] || '1';
  const out = await ddb.send(new QueryCommand({
    TableName: '${SAMPLE_TABLE}',
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': { S: 'user#' + user } },
  }));
  console.log('user', user, 'items', out.Count);
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, items: out.Items }) };
};
`;

/** Deploy the sample function (idempotent) with a function URL; returns the URL. */
export async function createSampleFunction(client: ClientOptions): Promise<string> {
  const { callRest, AwsCallError } = await import('./aws-client.js');
  const { zipFiles } = await import('../core/zip.js');
  const path = `/2015-03-31/functions/${SAMPLE_FUNCTION}`;
  try {
    await callRest(client, 'lambda', 'GET', path);
  } catch (err) {
    if (!(err instanceof AwsCallError && err.code === 'ResourceNotFoundException')) throw err;
    const zip = await zipFiles({ 'index.mjs': SAMPLE_HANDLER });
    await callRest(client, 'lambda', 'POST', '/2015-03-31/functions', {
      FunctionName: SAMPLE_FUNCTION,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: 'arn:aws:iam::000000000000:role/overcast-sample',
      Code: { ZipFile: zip.toString('base64') },
    });
  }
  const urlPath = `/2021-10-31/functions/${SAMPLE_FUNCTION}/url`;
  try {
    return (await callRest(client, 'lambda', 'GET', urlPath)).body.FunctionUrl as string;
  } catch {
    return (await callRest(client, 'lambda', 'POST', urlPath, { AuthType: 'NONE' })).body.FunctionUrl as string;
  }
}
