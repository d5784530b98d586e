import { AwsError, CORAL_VALIDATE } from '../../../core/errors/aws-error.js';

/** DynamoDB Streams answers in DynamoDB's own error namespace. */
const NAMESPACE = 'com.amazonaws.dynamodb.v20120810';

const streams = (code: string, message: string) => new AwsError(code, message, { namespace: NAMESPACE });

export const streamsErrors = {
  validation: (message: string) => new AwsError('ValidationException', message, { namespace: CORAL_VALIDATE }),
  streamNotFound: (arn: string) =>
    streams('ResourceNotFoundException', `Requested resource not found: Stream: ${arn} not found`),
  shardNotFound: (shardId: string, arn: string) =>
    streams('ResourceNotFoundException', `Requested resource not found: Shard: ${shardId} in Stream: ${arn} not found`),
  expiredIterator: () => streams('ExpiredIteratorException', 'The provided iterator exceeds the maximum age allowed.'),
  trimmed: () => streams('TrimmedDataAccessException', 'The data you are trying to access has been trimmed'),
};
