import type { CapacityThrottle } from '../throttle.js';
import type { IndexRecord, KeyShape, TableRecord } from './record.js';
import { keyShapeOf } from './record.js';

/** A resolved secondary index: its key shape and what it projects. */
export interface IndexInfo {
  name: string;
  global: boolean;
  key: KeyShape;
  record: IndexRecord;
  /** Non-key attributes projected for INCLUDE; undefined for ALL. */
  projects: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  include: Set<string>;
}

/** A table loaded into memory with its derived key shapes. */
export class Table {
  /** Capacity enforcement of the server this table belongs to (set by the catalog). */
  throttle: CapacityThrottle | undefined;
  readonly key: KeyShape;
  readonly indexes: IndexInfo[];
  readonly indexByName = new Map<string, IndexInfo>();

  constructor(readonly record: TableRecord) {
    this.key = keyShapeOf(record.keySchema, record.attributeDefinitions);
    this.indexes = [
      ...record.gsis.map((g) => this.indexInfo(g, true)),
      ...record.lsis.map((l) => this.indexInfo(l, false)),
    ];
    for (const i of this.indexes) this.indexByName.set(i.name, i);
    this.keyNames = this.key.range ? [this.key.hash.name, this.key.range.name] : [this.key.hash.name];
  }

  get id(): number {
    return this.record.id;
  }

  get name(): string {
    return this.record.name;
  }

  /** Names of the table's key attributes. */
  readonly keyNames: readonly string[];

  private indexInfo(record: IndexRecord, global: boolean): IndexInfo {
    const projects = record.projection.ProjectionType ?? 'ALL';
    return {
      name: record.name,
      global,
      key: keyShapeOf(record.keySchema, this.record.attributeDefinitions),
      record,
      projects,
      include: new Set(record.projection.NonKeyAttributes ?? []),
    };
  }
}
