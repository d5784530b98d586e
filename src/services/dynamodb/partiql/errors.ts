/** PartiQL errors, worded as DynamoDB words them. */
import { AwsError } from '../../../core/errors/aws-error.js';
import { DYNAMODB_NAMESPACE, invalid } from '../errors.js';

/** A source position as DynamoDB prints it: `line:column:length`, 1-based. */
export function position(text: string, start: number, end: number): string {
  let line = 1;
  let col = 1;
  for (let i = 0; i < start && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return `${line}:${col}:${end - start}`;
}

export const PartiqlError = {
  /** A syntax error: `Statement wasn't well formed, can't be processed: <detail>`. */
  malformed: (detail: string): AwsError => invalid(`Statement wasn't well formed, can't be processed: ${detail}`),
  /** `Unsupported operation: <what>`. */
  unsupported: (what: string): AwsError => invalid(`Unsupported operation: ${what}`),
  unsupportedClause: (clause: string): AwsError => invalid(`Unsupported clause: ${clause}`),
  duplicateItem: (): AwsError =>
    new AwsError('DuplicateItemException', msg.duplicateItem, { namespace: DYNAMODB_NAMESPACE }),
};

/** DynamoDB's PartiQL validation messages. */
export const msg = {
  duplicateItem: 'Duplicate primary key exists in table',
  incompleteKey: 'Where clause does not contain a mandatory equality on all key attributes',
  parameterCount: "Number of parameters in request and statement don't match.",
  onIndex: 'This operation is not supported on an index',
  dmlFrom: 'FROM clause may only contain a single table name in data manipulation statements',
  fromPathTooLong: 'A path may contain at most 2 components in the FROM clause',
  emptyPathComponent: 'Path component cannot be an empty string',
  singleSource: 'Only select from a single table or index is supported.',
  invalidTableName:
    "Table name should be within the length [3, 255] and only contain 'a-z', 'A-Z', '0-9', '-', '_', '.'.",
  aliasing: 'Aliasing is not supported',
  selectValue: "Select projection doesn't support value or pivot keywords",
  unexpectedPathComponent: 'Unexpected path component',
  consistentReadOnGsi: 'Strongly consistent read is not supported on Global Secondary Indexes',
  noSuchIndex: 'The table does not have the specified index',
  invalidNextToken: 'Invalid NextToken',
  nextTokenMismatch: 'NextToken does not match request',
  nextTokenOnlyForSelect: 'NextToken is only valid on a SELECT statement',
  emptyBag: 'Empty bags are not supported',
  bagType: 'Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags',
  missingCompare: 'MISSING must be compared using IS operator',
  updateActions: 'Only SET and REMOVE are supported in update expressions at this time',
  insertFormat:
    'Unsupported format in item expression. Please use struct format {...} to express item values for insert statement.',
  insertMultiple:
    'Unsupported operation: Inserting multiple items in a single statement is not supported, use "INSERT INTO tableName VALUE item" instead',
  insertFromWhere: 'Unsupported FROM ... WHERE ... clause in INSERT statement.',
  insertAt: 'AT is not supported in insert statements.',
  returningInsert: 'RETURNING is not supported in INSERT',
  returningDelete: (variant: string) =>
    `Invalid returning clause: RETURNING ${variant}. Only RETURNING ALL OLD * is allowed in DELETE statements.`,
  returningStar: "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause",
  returningMultiple: 'Invalid syntax with multiple returning elements in RETURNING clause',
  keyAbsent: (key: string) => `Key attribute should be present in the item: Key ${key}`,
  keyType: (key: string) => `Key attribute's data type should match its data type in table's schema: Key ${key}`,
  keyScalar: (key: string, type: string) => `Key value must be of type S, N, or B. Key name: ${key}, Key type: ${type}`,
  keyNested: (key: string) =>
    `Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key ${key}`,
  multipleKeyConditions: (key: string) =>
    `Multiple conditions on same key ${key}. Only single item Update/Insert/Delete are supported`,
  duplicateTupleKey: (key: string) => `Duplicate keys in tuple. Key: ${key} under item`,
  tupleKeyType: (type: string) => `Tuple keys must be of type String. Actual type: ${type} under item`,
  duplicateSelectName: (name: string) => `Duplicate identifiers in select clause: ${name}`,
  unrecognizedFunction: (name: string) => `Unrecognized function: ${name}`,
  conditionOperator: (op: string) => `Unsupported operator in Condition Expression. Operator: ${op}`,
  updateOperator: (op: string) => `Unsupported operator in Update Expression. Operator: ${op}`,
  setOperationArgs: (op: string) => `SET_${op} must have exactly two arguments`,
  setOperationFirst: (op: string) => `The first argument to SET_${op} must equal the assignment value`,
  setOperationSecond: (op: string) => `The second argument to SET_${op} must be a value with type SET`,
  pathStartsWithIndex: 'A path cannot start with a list index',
  isType: (type: string) =>
    `Unsupported data type for IS operator: ${type}. Supported data types are [MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]`,
  isInUpdate: 'IS operator is not supported in update expressions',
  inOperator:
    'IN operator must have a left hand argument of type Variable Reference and right hand argument of type Seq with at least one member',
  orderByWhere: 'Must have WHERE clause in the statement when using ORDER BY clause.',
  orderByHash: 'Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause.',
  orderByKey: (name: string) => `Variable reference ${name} in ORDER BY clause must be part of the primary key`,
  existsOutsideTransaction: 'EXISTS can only be used in ExecuteTransaction write requests.',
  existsKey: 'EXISTS() must contain a single item read with additional condition',
  batchMixed: 'Read and write requests together in the same batch is not supported.',
  batchSelectKey: 'Select statements within BatchExecuteStatement must specify the primary key in the where clause.',
  batchDuplicates: 'Provided list of item keys contains duplicates',
  transactionMixed: 'ExecuteTransaction API does not support both read and write operations in the same request.',
  transactionSelectKey: 'Select statements within ExecuteTransaction must specify the primary key in the where clause.',
  transactionIndexRead: 'Reads on indices are not supported within transactions.',
  transactionReturning: 'RETURNING clause is not supported in ExecuteTransaction.',
  transactionUnsupported: 'Unsupported operation in transaction.',
  transactionStatement: (index: number, message: string) =>
    `Validation failed in TransactStatements[${index}]: ${message}`,
  operandType: (op: string, type: string) =>
    `Incorrect operand type for operator or function; operator or function: ${op}, operand type: ${type}`,
};
