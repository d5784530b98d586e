import { invalid } from '../errors.js';
import type { AttributeDefinition, KeySchemaElement, Projection } from '../types.js';
import { ON_DEMAND_WARM, checkOnDemand, checkWarm } from './capacity-settings.js';
import type { OnDemandThroughputInput, WarmThroughputInput } from './capacity-settings.js';

export interface CreateTableInput {
  TableName: string;
  AttributeDefinitions?: AttributeDefinition[];
  KeySchema?: KeySchemaElement[];
  LocalSecondaryIndexes?: { IndexName: string; KeySchema: KeySchemaElement[]; Projection: Projection }[];
  GlobalSecondaryIndexes?: {
    IndexName: string;
    KeySchema: KeySchemaElement[];
    Projection: Projection;
    ProvisionedThroughput?: { ReadCapacityUnits: number; WriteCapacityUnits: number };
    OnDemandThroughput?: OnDemandThroughputInput;
    WarmThroughput?: WarmThroughputInput;
  }[];
  BillingMode?: 'PROVISIONED' | 'PAY_PER_REQUEST';
  OnDemandThroughput?: OnDemandThroughputInput;
  WarmThroughput?: WarmThroughputInput;
  ProvisionedThroughput?: { ReadCapacityUnits: number; WriteCapacityUnits: number };
  StreamSpecification?: { StreamEnabled: boolean; StreamViewType?: string };
  SSESpecification?: unknown;
  Tags?: { Key: string; Value: string }[];
  TableClass?: string;
  DeletionProtectionEnabled?: boolean;
}

const MAX_THROUGHPUT = 40000;

export function checkThroughput(t: { ReadCapacityUnits: number; WriteCapacityUnits: number } | undefined): void {
  if (!t) return;
  for (const [name, v] of [
    ['ReadCapacityUnits', t.ReadCapacityUnits],
    ['WriteCapacityUnits', t.WriteCapacityUnits],
  ] as const) {
    if (v > MAX_THROUGHPUT) {
      throw invalid(`One or more parameter values were invalid: Given value ${v} for ${name} is out of bounds`);
    }
  }
}

/** Validate a key schema against the attribute definitions (table or index). */
export function checkKeySchema(keySchema: KeySchemaElement[], defs: AttributeDefinition[], index?: string): void {
  const names = keySchema.map((k) => k.AttributeName);
  if (new Set(names).size !== names.length) {
    // More key attributes than definitions reads as an undefined one; otherwise, as AWS words it.
    if (index === undefined && names.length > defs.length)
      throw invalid('Invalid KeySchema: Some index key attribute have no definition');
    throw invalid('Both the Hash Key and the Range Key element in the KeySchema have the same name');
  }
  if (keySchema[0]?.KeyType !== 'HASH')
    throw invalid('Invalid KeySchema: The first KeySchemaElement is not a HASH key type');
  if (keySchema[1] && keySchema[1].KeyType !== 'RANGE')
    throw invalid('Invalid KeySchema: The second KeySchemaElement is not a RANGE key type');
  const defined = new Set(defs.map((d) => d.AttributeName));
  const missing = names.filter((n) => !defined.has(n));
  if (missing.length > 0) {
    throw invalid(
      `One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [${missing.join(', ')}], AttributeDefinitions: [${[...defined].join(', ')}]`,
    );
  }
}

export function checkProjection(p: Projection, _index: string): void {
  const type = p.ProjectionType;
  if (type === 'INCLUDE') {
    if (!p.NonKeyAttributes || p.NonKeyAttributes.length === 0) {
      throw invalid(
        'One or more parameter values were invalid: ProjectionType is INCLUDE, but NonKeyAttributes is not specified',
      );
    }
  } else if (p.NonKeyAttributes && p.NonKeyAttributes.length > 0) {
    throw invalid(
      `One or more parameter values were invalid: ProjectionType is ${type ?? 'null'}, but NonKeyAttributes is specified`,
    );
  }
  if (!type) throw invalid('One or more parameter values were invalid: Unknown ProjectionType: null');
  const seen = new Set<string>();
  for (const a of p.NonKeyAttributes ?? []) {
    if (seen.has(a))
      throw invalid(`One or more parameter values were invalid: Duplicate element in NonKeyAttributes: ${a}`);
    seen.add(a);
  }
}

/** CreateTable's semantic checks, in the order DynamoDB applies them. */
export function validateCreateTable(input: CreateTableInput, region: string): void {
  const defs = input.AttributeDefinitions ?? [];
  const keySchema = input.KeySchema ?? [];
  const billing = input.BillingMode ?? 'PROVISIONED';
  if (billing === 'PAY_PER_REQUEST' && input.ProvisionedThroughput) {
    throw invalid(
      'One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST',
    );
  }
  if (billing === 'PROVISIONED' && !input.ProvisionedThroughput) {
    throw invalid(
      'One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED',
    );
  }
  checkThroughput(input.ProvisionedThroughput);
  const defNames = defs.map((d) => d.AttributeName);
  if (keySchema.length > defs.length) throw invalid('Invalid KeySchema: Some index key attribute have no definition');
  const duplicated = defNames.find((n, i) => defNames.indexOf(n) !== i);
  if (duplicated !== undefined) throw invalid(`Attribute Name is duplicated: ${duplicated}`);
  checkKeySchema(keySchema, defs);
  if (input.GlobalSecondaryIndexes?.length === 0)
    throw invalid('One or more parameter values were invalid: List of GlobalSecondaryIndexes is empty');
  if (input.LocalSecondaryIndexes?.length === 0)
    throw invalid('One or more parameter values were invalid: List of LocalSecondaryIndexes is empty');
  const lsis = input.LocalSecondaryIndexes ?? [];
  const gsis = input.GlobalSecondaryIndexes ?? [];
  if (lsis.length > 0 && !keySchema.some((k) => k.KeyType === 'RANGE')) {
    throw invalid(
      'One or more parameter values were invalid: Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex',
    );
  }
  const indexNames = new Set<string>();
  const used = new Set(keySchema.map((k) => k.AttributeName));
  const tableHash = keySchema[0]!.AttributeName;
  for (const lsi of lsis) {
    if (indexNames.has(lsi.IndexName))
      throw invalid(`One or more parameter values were invalid: Duplicate index name: ${lsi.IndexName}`);
    indexNames.add(lsi.IndexName);
    checkKeySchema(lsi.KeySchema, defs, lsi.IndexName);
    const hash = lsi.KeySchema[0]!.AttributeName;
    if (hash !== tableHash) {
      throw invalid(
        `One or more parameter values were invalid: Index KeySchema does not have the same leading hash key as table KeySchema for index: ${lsi.IndexName}. index hash key: ${hash}, table hash key: ${tableHash}`,
      );
    }
    if (lsi.KeySchema.length !== 2) {
      throw invalid(
        `One or more parameter values were invalid: Index KeySchema does not have a range key for index: ${lsi.IndexName}`,
      );
    }
    checkProjection(lsi.Projection, lsi.IndexName);
    for (const k of lsi.KeySchema) used.add(k.AttributeName);
  }
  if (lsis.length > 5) {
    throw invalid(
      'One or more parameter values were invalid: Number of LocalSecondaryIndexes exceeds per-table limit of 5',
    );
  }
  for (const gsi of gsis) {
    if (indexNames.has(gsi.IndexName))
      throw invalid(`One or more parameter values were invalid: Duplicate index name: ${gsi.IndexName}`);
    indexNames.add(gsi.IndexName);
    checkKeySchema(gsi.KeySchema, defs, gsi.IndexName);
    checkProjection(gsi.Projection, gsi.IndexName);
    if (billing === 'PROVISIONED' && !gsi.ProvisionedThroughput) {
      throw invalid(
        `One or more parameter values were invalid: ProvisionedThroughput must be specified for index: ${gsi.IndexName}`,
      );
    }
    if (billing === 'PAY_PER_REQUEST' && gsi.ProvisionedThroughput) {
      throw invalid(
        `One or more parameter values were invalid: ProvisionedThroughput should not be specified for index: ${gsi.IndexName} when BillingMode is PAY_PER_REQUEST`,
      );
    }
    checkThroughput(gsi.ProvisionedThroughput);
    for (const k of gsi.KeySchema) used.add(k.AttributeName);
  }
  if (gsis.length > 20) {
    throw invalid(
      'One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the per-table limit of 20',
    );
  }
  const unused = defNames.filter((n) => !used.has(n));
  if (unused.length > 0 || defNames.length !== used.size) {
    throw invalid(
      'One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions',
    );
  }
  checkOnDemand(input.OnDemandThroughput, billing, undefined, false, region);
  for (const g of gsis) checkOnDemand(g.OnDemandThroughput, billing, g.IndexName, false, region);
  const level = (t: { ReadCapacityUnits: number; WriteCapacityUnits: number } | undefined) =>
    billing === 'PAY_PER_REQUEST'
      ? ON_DEMAND_WARM
      : { read: t?.ReadCapacityUnits ?? 0, write: t?.WriteCapacityUnits ?? 0 };
  checkWarm(input.WarmThroughput, level(input.ProvisionedThroughput), undefined, billing);
  for (const g of gsis) checkWarm(g.WarmThroughput, level(g.ProvisionedThroughput), g.IndexName, billing);
}
