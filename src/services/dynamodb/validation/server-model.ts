import type { ServiceModel } from '../../../core/model/types.js';

/**
 * Where DynamoDB's server-side validation differs from the published (botocore) model: enum
 * values are listed in the server's order, and a table key schema has at most two elements.
 */
export function serverModel(published: ServiceModel): ServiceModel {
  const model: ServiceModel = structuredClone(published);
  const set = (shape: string, patch: Record<string, unknown>) => {
    if (model.shapes[shape]) Object.assign(model.shapes[shape]!, patch);
  };
  set('ScalarAttributeType', { enum: ['B', 'N', 'S'] });
  set('Select', { enum: ['SPECIFIC_ATTRIBUTES', 'COUNT', 'ALL_ATTRIBUTES', 'ALL_PROJECTED_ATTRIBUTES'] });
  set('ReturnConsumedCapacity', { enum: ['INDEXES', 'TOTAL', 'NONE'] });
  set('KeySchema', { min: 1, max: 2 });
  // Tags are checked by the tag operations with DynamoDB's own messages ('The Tag Key provided is
  // invalid, Key: …'), not by Coral: no length constraints, and a Tag without Value is accepted.
  set('TagKeyString', { min: undefined, max: undefined });
  set('TagValueString', { min: undefined, max: undefined });
  set('Tag', { required: ['Key'] });
  // The published model made a table's key optional (ImportTable-era sharing); the server still
  // requires it: `Value null at 'keySchema' failed to satisfy constraint: Member must not be null`.
  set('CreateTableInput', { required: ['AttributeDefinitions', 'TableName', 'KeySchema'] });
  return model;
}
