import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../src/core/errors/aws-error.js';
import { parseAttributeMap, parseAttributeValue } from '../../../src/services/dynamodb/values/serialization.js';

function serializationMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AwsError);
    expect((e as AwsError).code).toBe('SerializationException');
    expect((e as AwsError).namespace).toBe('com.amazon.coral.service');
    return (e as AwsError).message;
  }
  throw new Error('expected a SerializationException');
}

describe('parseAttributeValue', () => {
  it.each([
    ['a string', 'Unexpected value type in payload'],
    [5, 'Unexpected value type in payload'],
    [true, 'Unexpected value type in payload'],
    [[], 'Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue'],
    [{ S: true }, 'TRUE_VALUE cannot be converted to String'],
    [{ S: false }, 'FALSE_VALUE cannot be converted to String'],
    [{ S: 5 }, 'NUMBER_VALUE cannot be converted to String'],
    [{ N: 1.5 }, 'DECIMAL_VALUE cannot be converted to String'],
    [{ S: {} }, 'Start of structure or map found where not expected'],
    [{ S: [] }, 'Unrecognized collection type class java.lang.String'],
    [{ BOOL: 1 }, 'NUMBER_VALUE cannot be converted to Boolean'],
    [{ BOOL: 'maybe' }, 'Unexpected token received from parser'],
    [{ NULL: {} }, 'Start of structure or map found where not expected'],
    [{ NULL: [] }, 'Unrecognized collection type class java.lang.Boolean'],
    [{ B: 5 }, 'only base-64-encoded strings are convertible to bytes'],
    [{ B: true }, 'only base-64-encoded strings are convertible to bytes'],
    [{ B: [] }, 'Unrecognized collection type class java.nio.ByteBuffer'],
    [{ B: {} }, 'Start of structure or map found where not expected'],
    [{ B: 'abc' }, 'Base64 encoded length is expected a multiple of 4 bytes but found: 3'],
    [{ B: 'ab!=' }, 'Invalid last non-pad Base64 character dectected'],
    [{ B: 'Yh==' }, 'Invalid last non-pad Base64 character dectected'],
    [{ SS: 'a' }, 'Unexpected field type'],
    [{ SS: {} }, 'Start of structure or map found where not expected'],
    [{ SS: [1] }, 'NUMBER_VALUE cannot be converted to String'],
    [{ BS: ['abc'] }, 'Base64 encoded length is expected a multiple of 4 bytes but found: 3'],
    [{ L: {} }, 'Start of structure or map found where not expected'],
    [{ L: ['x'] }, 'Unexpected value type in payload'],
    [{ M: 'x' }, 'Unexpected field type'],
    [
      { M: [] },
      'Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>',
    ],
    [{ M: { a: { S: 1 } } }, 'NUMBER_VALUE cannot be converted to String'],
  ])('%j → %s', (input, message) => {
    expect(serializationMessage(() => parseAttributeValue(input))).toBe(message);
  });

  it('keeps members in AWS check order, dropping nulls and unknown members', () => {
    expect(Object.keys(parseAttributeValue({ M: {}, X: 1, S: 'a', N: null, BOOL: false }))).toEqual(['S', 'BOOL', 'M']);
  });
});

describe('parseAttributeMap', () => {
  it('rejects non-maps', () => {
    expect(serializationMessage(() => parseAttributeMap('x'))).toBe('Unexpected field type');
    expect(serializationMessage(() => parseAttributeMap([]))).toBe(
      'Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>',
    );
  });
});
