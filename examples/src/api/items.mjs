// The items API: one exported handler per route (HTTP API, payload format 2.0).
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

// The SDK finds the endpoint (AWS_ENDPOINT_URL) and credentials in the function's environment.
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const TableName = process.env.ITEMS_TABLE;

const json = (statusCode, body) => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

function parseBody(event) {
  if (!event.body) return {};
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const body = JSON.parse(text);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('body must be a JSON object');
  return body;
}

function fields(body) {
  const out = {};
  if (typeof body.name === 'string') out.name = body.name;
  if (typeof body.price === 'number') out.price = body.price;
  if (typeof body.done === 'boolean') out.done = body.done;
  return out;
}

/** GET /items */
export const list = async () => {
  const out = await db.send(new ScanCommand({ TableName }));
  const items = (out.Items ?? []).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return json(200, { items, count: items.length });
};

/** GET /items/{id} */
export const get = async (event) => {
  const { id } = event.pathParameters;
  const out = await db.send(new GetCommand({ TableName, Key: { id } }));
  return out.Item ? json(200, out.Item) : json(404, { message: `item ${id} not found` });
};

/** POST /items  {"name": "...", "price": 1.5} */
export const create = async (event) => {
  let body;
  try {
    body = parseBody(event);
  } catch (e) {
    return json(400, { message: e.message });
  }
  if (typeof body.name !== 'string' || !body.name) return json(400, { message: 'name is required' });
  const item = { id: randomUUID(), done: false, ...fields(body), createdAt: new Date().toISOString() };
  await db.send(new PutCommand({ TableName, Item: item }));
  console.log('created item', item.id);
  return json(201, item);
};

/** PUT /items/{id}  {"name"?, "price"?, "done"?} */
export const update = async (event) => {
  const { id } = event.pathParameters;
  let changes;
  try {
    changes = fields(parseBody(event));
  } catch (e) {
    return json(400, { message: e.message });
  }
  const names = Object.keys(changes);
  if (!names.length) return json(400, { message: 'nothing to update (name, price or done)' });
  try {
    const out = await db.send(
      new UpdateCommand({
        TableName,
        Key: { id },
        UpdateExpression: `SET ${names.map((n) => `#${n} = :${n}`).join(', ')}, updatedAt = :now`,
        ConditionExpression: 'attribute_exists(id)',
        ExpressionAttributeNames: Object.fromEntries(names.map((n) => [`#${n}`, n])),
        ExpressionAttributeValues: {
          ...Object.fromEntries(names.map((n) => [`:${n}`, changes[n]])),
          ':now': new Date().toISOString(),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return json(200, out.Attributes);
  } catch (e) {
    if (e.name === 'ConditionalCheckFailedException') return json(404, { message: `item ${id} not found` });
    throw e;
  }
};

/** DELETE /items/{id} */
export const remove = async (event) => {
  const { id } = event.pathParameters;
  const out = await db.send(new DeleteCommand({ TableName, Key: { id }, ReturnValues: 'ALL_OLD' }));
  if (!out.Attributes) return json(404, { message: `item ${id} not found` });
  console.log('deleted item', id);
  return { statusCode: 204 };
};
