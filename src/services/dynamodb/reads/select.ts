import { invalid } from '../errors.js';
import type { Projection } from '../expressions/index.js';
import type { IndexInfo } from '../tables/table.js';

export type Select = 'ALL_ATTRIBUTES' | 'ALL_PROJECTED_ATTRIBUTES' | 'SPECIFIC_ATTRIBUTES' | 'COUNT';

/** Check Select against the projection and index, as Query and Scan do; returns the effective Select. */
export function checkSelect(
  select: Select | undefined,
  projection: { kind: 'AttributesToGet' | 'ProjectionExpression'; value: Projection } | undefined,
  indexName: string | undefined,
  verb: 'Querying' | 'Scanning',
): Select {
  if (select === 'SPECIFIC_ATTRIBUTES' && !projection) {
    throw invalid('Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES');
  }
  if (select === 'ALL_ATTRIBUTES' && projection) {
    throw invalid(`Cannot specify the ${projection.kind} when choosing to get ALL_ATTRIBUTES`);
  }
  if (select === 'COUNT' && projection) {
    // Query words this one as a Coral validation error; Scan does not.
    const prefix = verb === 'Querying' ? '1 validation error detected: ' : '';
    throw invalid(`${prefix}Cannot specify the ${projection.kind} when choosing to get only the Count`);
  }
  if (select === 'ALL_PROJECTED_ATTRIBUTES' && projection) {
    throw invalid(`Cannot specify the ${projection.kind} when choosing to get ALL_PROJECTED_ATTRIBUTES`);
  }
  if (select === 'ALL_PROJECTED_ATTRIBUTES' && indexName === undefined) {
    throw invalid(`ALL_PROJECTED_ATTRIBUTES can be used only when ${verb} using an IndexName`);
  }
  if (select) return select;
  if (projection) return 'SPECIFIC_ATTRIBUTES';
  return indexName === undefined ? 'ALL_ATTRIBUTES' : 'ALL_PROJECTED_ATTRIBUTES';
}

/** ALL_ATTRIBUTES from a GSI that does not project everything is an error. */
export function checkIndexSelect(index: IndexInfo | undefined, select: Select, explicit: boolean): void {
  if (!index || !explicit || select !== 'ALL_ATTRIBUTES') return;
  if (index.global && index.projects !== 'ALL') {
    throw invalid(
      `One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index ${index.name} because its projection type is not ALL`,
    );
  }
}
