// The activity log: a DynamoDB Streams consumer that records item creations and deletions (the event
// source mapping's filter drops MODIFY records before they reach the function), and GET /activity.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const TableName = process.env.ACTIVITY_TABLE;

/** The DynamoDB event source: INSERT and REMOVE records of the items table. */
export const record = async (event) => {
  const entries = event.Records.map((r) => {
    const image = r.eventName === 'REMOVE' ? r.dynamodb.OldImage : r.dynamodb.NewImage;
    const item = image ? unmarshall(image) : {};
    return {
      id: `${r.dynamodb.SequenceNumber}`,
      action: r.eventName === 'INSERT' ? 'created' : r.eventName === 'REMOVE' ? 'deleted' : r.eventName,
      itemId: item.id ?? r.dynamodb.Keys?.id?.S,
      name: item.name,
      at: new Date((r.dynamodb.ApproximateCreationDateTime ?? Date.now() / 1000) * 1000).toISOString(),
    };
  });
  for (let i = 0; i < entries.length; i += 25) {
    const batch = entries.slice(i, i + 25);
    await db.send(
      new BatchWriteCommand({ RequestItems: { [TableName]: batch.map((Item) => ({ PutRequest: { Item } })) } }),
    );
  }
  console.log(`recorded ${entries.length} change(s): ${entries.map((e) => `${e.action} ${e.itemId}`).join(', ')}`);
  return { batchItemFailures: [] };
};

/** GET /activity */
export const list = async () => {
  const out = await db.send(new ScanCommand({ TableName }));
  const activity = (out.Items ?? []).sort((a, b) =>
    a.at === b.at ? a.id.localeCompare(b.id) : a.at.localeCompare(b.at),
  );
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ activity, count: activity.length }),
  };
};
