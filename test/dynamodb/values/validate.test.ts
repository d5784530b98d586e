import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../src/core/errors/aws-error.js';
import {
  checkNestingDepth,
  validateAttributeValue,
  validateItem,
} from '../../../src/services/dynamodb/values/validate.js';

function failure(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AwsError);
    return e as AwsError;
  }
  throw new Error('expected an AwsError');
}

const validationMessage = (fn: () => unknown) => {
  const e = failure(fn);
  expect(e.code).toBe('ValidationException');
  expect(e.namespace).toBe('com.amazon.coral.validate');
  return e.message;
};

const PREFIX = 'One or more parameter values were invalid: ';

/** `levels` nested maps around a string: levels 0 is the string itself. */
function deepMap(levels: number): unknown {
  let v: unknown = { S: 'leaf' };
  for (let i = 0; i < levels; i++) v = { M: { n: v } };
  return v;
}

describe('validateAttributeValue: valid values', () => {
  it.each([
    [{ S: '' }, { S: '' }],
    [{ S: 'x' }, { S: 'x' }],
    [{ N: '1.50' }, { N: '1.5' }],
    [{ N: '+1e3' }, { N: '1000' }],
    [{ B: '' }, { B: '' }],
    [{ B: 'Yg==' }, { B: 'Yg==' }],
    [{ BOOL: false }, { BOOL: false }],
    [{ NULL: true }, { NULL: true }],
    [{ SS: ['a', 'b'] }, { SS: ['a', 'b'] }],
    [{ NS: ['1.0', '-0.50', '1e2'] }, { NS: ['1', '-0.5', '100'] }],
    [{ BS: ['Yg==', 'YQ=='] }, { BS: ['Yg==', 'YQ=='] }],
    [{ L: [] }, { L: [] }],
    [{ M: {} }, { M: {} }],
    [
      { L: [{ N: '01' }, { M: { a: { NS: ['2.0'] }, b: { L: [{ N: '3e0' }] } } }] },
      { L: [{ N: '1' }, { M: { a: { NS: ['2'] }, b: { L: [{ N: '3' }] } } }] },
    ],
    // null and unknown members are dropped by the JSON layer
    [{ S: 'a', N: null }, { S: 'a' }],
    [{ S: 'a', X: 'y' }, { S: 'a' }],
    // booleans accept AWS's string spellings
    [{ BOOL: 'true' }, { BOOL: true }],
    [{ BOOL: 'no' }, { BOOL: false }],
    [{ NULL: 'YES' }, { NULL: true }],
  ])('%j → %j', (input, expected) => {
    expect(validateAttributeValue(input)).toEqual(expected);
  });

  it('does not modify its input', () => {
    const input = { NS: ['1.0'] };
    validateAttributeValue(input);
    expect(input).toEqual({ NS: ['1.0'] });
  });
});

describe('validateAttributeValue: AWS messages', () => {
  it.each([
    [{}, 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes'],
    [null, 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes'],
    [{ a: '' }, 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes'],
    [{ M: { a: {} } }, 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes'],
    [{ L: [{}] }, 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes'],
    [{ L: [{ a: {} }] }, 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes'],
    [
      { S: 'a', N: '1' },
      'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
    ],
    [
      { S: 'a', BOOL: true },
      'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
    ],
    [{ NULL: false }, PREFIX + 'Null attribute value types must have the value of true'],
    [{ NULL: 'no' }, PREFIX + 'Null attribute value types must have the value of true'],
    [{ SS: [] }, PREFIX + 'An string set  may not be empty'],
    [{ NS: [] }, PREFIX + 'An number set  may not be empty'],
    [{ BS: [] }, PREFIX + 'Binary sets should not be empty'],
    [{ M: { inner: { SS: [] } } }, PREFIX + 'An string set  may not be empty'],
    [{ L: [{ SS: [] }] }, PREFIX + 'An string set  may not be empty'],
    [{ SS: ['a', 'a'] }, PREFIX + 'Input collection [a, a] contains duplicates.'],
    [{ SS: ['a', 'b', 'a'] }, PREFIX + 'Input collection [a, b, a] contains duplicates.'],
    [{ BS: ['Yg==', 'Yg=='] }, PREFIX + 'Input collection [Yg==, Yg==]of type BS contains duplicates.'],
    [{ NS: ['1', '1'] }, 'Input collection contains duplicates'],
    [{ NS: ['1', '1.0'] }, 'Input collection contains duplicates'],
    [{ NS: ['100', '1e2'] }, 'Input collection contains duplicates'],
    [{ S: '', N: '' }, 'The parameter cannot be converted to a numeric value'],
    [{ S: 'a', N: '' }, 'The parameter cannot be converted to a numeric value'],
    [{ S: 'a', N: 'b' }, 'The parameter cannot be converted to a numeric value: b'],
    [{ NS: ['1', ''] }, 'The parameter cannot be converted to a numeric value'],
    [{ NS: ['1', null] }, 'The parameter cannot be converted to a numeric value'],
    [{ NS: ['1', 'b'] }, 'The parameter cannot be converted to a numeric value: b'],
    [
      { N: '123456789012345678901234567890123456789' },
      'Attempting to store more than 38 significant digits in a Number',
    ],
    [
      { N: '-1.23456789012345678901234567890123456789' },
      'Attempting to store more than 38 significant digits in a Number',
    ],
    [{ N: '1e126' }, 'Number overflow. Attempting to store a number with magnitude larger than supported range'],
    [{ N: '-1e126' }, 'Number overflow. Attempting to store a number with magnitude larger than supported range'],
    [{ N: '1e-131' }, 'Number underflow. Attempting to store a number with magnitude smaller than supported range'],
    [{ NS: ['1e-131'] }, 'Number underflow. Attempting to store a number with magnitude smaller than supported range'],
    [{ L: [{ N: 'x' }] }, 'The parameter cannot be converted to a numeric value: x'],
  ])('%j → %s', (input, message) => {
    expect(validationMessage(() => validateAttributeValue(input))).toBe(message);
  });

  it('wraps messages for an ExpressionAttributeValues key', () => {
    expect(validationMessage(() => validateAttributeValue({ SS: [] }, { context: ':v' }))).toBe(
      'ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :v',
    );
    expect(validationMessage(() => validateAttributeValue({ N: 'x' }, { context: ':n' }))).toBe(
      'ExpressionAttributeValues contains invalid value: The parameter cannot be converted to a numeric value: x for key :n',
    );
  });

  it('wraps messages for ExclusiveStartKey except number and duplicate messages', () => {
    expect(validationMessage(() => validateAttributeValue({}, { context: 'ExclusiveStartKey' }))).toBe(
      'The provided starting key is invalid: Supplied AttributeValue is empty, must contain exactly one of the supported datatypes',
    );
    expect(validationMessage(() => validateAttributeValue({ N: 'x' }, { context: 'ExclusiveStartKey' }))).toBe(
      'The parameter cannot be converted to a numeric value: x',
    );
    expect(validationMessage(() => validateAttributeValue({ NS: [] }, { context: 'ExclusiveStartKey' }))).toBe(
      PREFIX + 'An number set  may not be empty',
    );
    expect(validationMessage(() => validateAttributeValue({ SS: ['a', 'a'] }, { context: 'ExclusiveStartKey' }))).toBe(
      PREFIX + 'Input collection [a, a] contains duplicates.',
    );
  });

  it('leaves the message bare for other contexts', () => {
    expect(validationMessage(() => validateAttributeValue({ SS: [] }, { context: 'Item' }))).toBe(
      PREFIX + 'An string set  may not be empty',
    );
  });
});

describe('nesting limit', () => {
  const NESTING =
    'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit';

  it('accepts 31 map levels around a value and rejects 32 in an item', () => {
    expect(() => validateItem({ pk: { S: 'a' }, data: deepMap(31) })).not.toThrow();
    expect(validationMessage(() => validateItem({ pk: { S: 'a' }, data: deepMap(32) }))).toBe(NESTING);
  });

  it('counts lists like maps', () => {
    let v: unknown = { N: '1' };
    for (let i = 0; i < 32; i++) v = i % 2 ? { L: [v] } : { M: { k: v } };
    expect(validationMessage(() => validateItem({ v }))).toBe(NESTING);
  });

  it('is opt-in for single values', () => {
    expect(() => validateAttributeValue(deepMap(40))).not.toThrow();
    expect(validationMessage(() => validateAttributeValue(deepMap(32), { checkNesting: true }))).toBe(NESTING);
    expect(() => checkNestingDepth(validateAttributeValue(deepMap(31)))).not.toThrow();
  });
});

describe('validateItem', () => {
  it('returns a normalised copy', () => {
    expect(validateItem({ pk: { S: 'a' }, n: { N: '1.10' }, m: { M: { x: { NS: ['2.0'] } } } })).toEqual({
      pk: { S: 'a' },
      n: { N: '1.1' },
      m: { M: { x: { NS: ['2'] } } },
    });
  });

  it('reports AWS messages', () => {
    expect(validationMessage(() => validateItem({ pk: { S: 'a' }, bad: { SS: [] } }))).toBe(
      PREFIX + 'An string set  may not be empty',
    );
    expect(validationMessage(() => validateItem({ a: { NULL: false } }))).toBe(
      PREFIX + 'Null attribute value types must have the value of true',
    );
  });

  it('reports serialization problems anywhere in the item before validation problems', () => {
    const e = failure(() => validateItem({ a: { SS: [] }, b: { S: 5 } }));
    expect(e.code).toBe('SerializationException');
    expect(e.message).toBe('NUMBER_VALUE cannot be converted to String');
  });

  it('wraps ExclusiveStartKey messages', () => {
    expect(validationMessage(() => validateItem({ pk: {} }, { context: 'ExclusiveStartKey' }))).toBe(
      'The provided starting key is invalid: Supplied AttributeValue is empty, must contain exactly one of the supported datatypes',
    );
  });
});
