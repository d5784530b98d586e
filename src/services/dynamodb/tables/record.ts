import type { UpdateInFlight } from './in-use.js';
import type { OnDemandLimits, WarmLevel } from './capacity-settings.js';
import type { AttributeDefinition, KeySchemaElement, Projection, ScalarKeyType } from '../types.js';

export interface Throughput {
  read: number;
  write: number;
  lastIncrease?: number;
  lastDecrease?: number;
  decreasesToday: number;
}

export interface IndexRecord {
  name: string;
  keySchema: KeySchemaElement[];
  projection: Projection;
  /** GSIs only. */
  throughput?: Throughput;
  /** When the index finishes CREATING (GSIs added by UpdateTable). */
  activeAt: number;
  /** Set while a GSI deletion is pending. */
  deleting?: boolean;
  /** GSIs: OnDemandThroughput limits, and the warm level kept (see capacity-settings). */
  onDemand?: OnDemandLimits;
  warm?: WarmLevel;
}

/** Everything Overcast keeps about a table (persisted as JSON in ddb_tables). */
export interface TableRecord {
  id: number;
  account: string;
  region: string;
  name: string;
  arn: string;
  tableId: string;
  createdAt: number;
  /** Status CREATING until this time, then ACTIVE. */
  activeAt: number;
  /** UPDATING until this time. */
  updatingUntil?: number;
  /** What that update changes (what else is refused meanwhile: tables/in-use.ts). */
  updating?: UpdateInFlight;
  keySchema: KeySchemaElement[];
  attributeDefinitions: AttributeDefinition[];
  billingMode: 'PROVISIONED' | 'PAY_PER_REQUEST';
  lastUpdateToPayPerRequest?: number;
  throughput: Throughput;
  gsis: IndexRecord[];
  lsis: IndexRecord[];
  tableClass?: string;
  /** OnDemandThroughput limits, and the warm level kept (see capacity-settings). */
  onDemand?: OnDemandLimits;
  warm?: WarmLevel;
  /** When UpdateTable last switched the table class (TableClassSummary.LastUpdateDateTime). */
  tableClassUpdatedAt?: number;
  deletionProtection: boolean;
  /** Opaque extension settings later issues add (streams, TTL, tags, ...). */
  extra: Record<string, unknown>;
}

/** A key attribute with its declared type. */
export interface KeyAttribute {
  name: string;
  type: ScalarKeyType;
}

/** The key shape of the table or of one of its indexes. */
export interface KeyShape {
  hash: KeyAttribute;
  range?: KeyAttribute;
}

/** Every attribute a table's key or one of its indexes' keys names. */
export function keyAttributesOf(t: {
  keySchema: KeySchemaElement[];
  gsis: IndexRecord[];
  lsis: IndexRecord[];
}): Set<string> {
  return new Set(
    [t.keySchema, ...t.gsis.map((g) => g.keySchema), ...t.lsis.map((l) => l.keySchema)].flatMap((k) =>
      k.map((e) => e.AttributeName),
    ),
  );
}

export function keyShapeOf(keySchema: KeySchemaElement[], definitions: AttributeDefinition[]): KeyShape {
  const typeOf = (name: string): ScalarKeyType =>
    definitions.find((d) => d.AttributeName === name)?.AttributeType ?? 'S';
  const hash = keySchema.find((k) => k.KeyType === 'HASH')!;
  const range = keySchema.find((k) => k.KeyType === 'RANGE');
  return {
    hash: { name: hash.AttributeName, type: typeOf(hash.AttributeName) },
    ...(range ? { range: { name: range.AttributeName, type: typeOf(range.AttributeName) } } : {}),
  };
}
