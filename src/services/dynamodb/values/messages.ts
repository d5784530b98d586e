/** AWS's exact wording for attribute value errors (ValidationException unless noted). */
export const messages = {
  notNumeric: (input: string) =>
    input === ''
      ? 'The parameter cannot be converted to a numeric value'
      : `The parameter cannot be converted to a numeric value: ${input}`,
  tooManyDigits: 'Attempting to store more than 38 significant digits in a Number',
  overflow: 'Number overflow. Attempting to store a number with magnitude larger than supported range',
  underflow: 'Number underflow. Attempting to store a number with magnitude smaller than supported range',

  emptyValue: 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes',
  multipleTypes:
    'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
  nullNotTrue: 'One or more parameter values were invalid: Null attribute value types must have the value of true',
  emptyStringSet: 'One or more parameter values were invalid: An string set  may not be empty',
  emptyNumberSet: 'One or more parameter values were invalid: An number set  may not be empty',
  emptyBinarySet: 'One or more parameter values were invalid: Binary sets should not be empty',
  stringSetDuplicates: (values: readonly string[]) =>
    `One or more parameter values were invalid: Input collection [${values.join(', ')}] contains duplicates.`,
  numberSetDuplicates: 'Input collection contains duplicates',
  binarySetDuplicates: (values: readonly string[]) =>
    `One or more parameter values were invalid: Input collection [${values.join(', ')}]of type BS contains duplicates.`,
  emptyAttributeName: 'Empty attribute name',
  nestingTooDeep:
    'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit',

  /** Wrappers AWS puts around the messages above, depending on where the value came from. */
  expressionValue: (message: string, key: string) =>
    `ExpressionAttributeValues contains invalid value: ${message} for key ${key}`,
  startKey: (message: string) => `The provided starting key is invalid: ${message}`,
} as const;

/** Messages that AWS leaves unwrapped inside ExclusiveStartKey (as observed by dynalite). */
export const START_KEY_BARE = /contains duplicates|number set|numeric value|significant digits|number with magnitude/;
