import { crc32 } from 'node:zlib';
import { requestId52 } from '../../../core/ids.js';
import { checkTypes, collectViolations, violationsError } from '../../../core/model/validate.js';
import { lazyModel } from '../../../core/model/lazy.js';
import type { ServiceModel } from '../../../core/model/types.js';
import type { OperationHandler, ServiceDefinition } from '../../../core/service.js';
import type { ServiceDeps } from '../../deps.js';
import { describeStream } from './operations/describe-stream.js';
import { getRecords } from './operations/get-records.js';
import { getShardIterator } from './operations/get-shard-iterator.js';
import { listStreams } from './operations/list-streams.js';
import { streamsFor } from './streams.js';
import modelJson from './model.json' with { type: 'json' };

const model = modelJson as unknown as ServiceModel;

/** The server's limits the published model leaves out: GetRecords takes up to 1000, the lists 100. */
function serverModel(published: ServiceModel): ServiceModel {
  const m: ServiceModel = structuredClone(published);
  m.shapes['GetRecordsLimit'] = { type: 'integer', min: 1, max: 1000 };
  m.shapes['PageLimit'] = { type: 'integer', min: 1, max: 100 };
  m.shapes['GetRecordsInput']!.members!['Limit'] = { shape: 'GetRecordsLimit' };
  m.shapes['ListStreamsInput']!.members!['Limit'] = { shape: 'PageLimit' };
  m.shapes['DescribeStreamInput']!.members!['Limit'] = { shape: 'PageLimit' };
  return m;
}

const validationModel = lazyModel(model.metadata, () => serverModel(model));

/**
 * DynamoDB Streams (awsJson1.0, `DynamoDBStreams_20120810`, signed as `dynamodb`) over the
 * streams DynamoDB keeps; registered after DynamoDB, which attaches the Streams runtime.
 */
export function createDynamoDbStreams(deps: ServiceDeps): ServiceDefinition {
  const streams = streamsFor(deps.store);
  if (!streams) throw new Error('DynamoDB Streams needs DynamoDB registered before it');
  const operations: Record<string, OperationHandler> = {
    ListStreams: (input, ctx) => listStreams(streams, input, ctx),
    DescribeStream: (input, ctx) => describeStream(streams, input, ctx),
    GetShardIterator: (input, ctx) => getShardIterator(streams, input, ctx),
    GetRecords: (input, ctx) => getRecords(streams, input, ctx),
  };
  return {
    name: 'dynamodbstreams',
    signingName: 'dynamodb',
    protocol: 'awsJson1.0',
    model,
    operations,
    requestId: requestId52,
    validate: (operation, input) => {
      const shape = validationModel.operations[operation]?.input;
      if (!shape) return;
      checkTypes(validationModel, shape, input);
      const violations = collectViolations(validationModel, shape, input);
      if (violations.length > 0) throw violationsError(violations);
    },
    responseHeaders: (body) => ({ 'x-amz-crc32': String(crc32(body)) }),
  };
}
