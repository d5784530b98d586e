import type { OperationContext } from '../../../core/service.js';
import { AwsError } from '../../../core/errors/aws-error.js';
import { addRead, consumedCapacity, newConsumption } from '../capacity.js';
import type { Consumption, ReturnConsumedCapacity } from '../capacity.js';
import type { DynamoDb } from '../context.js';
import { invalid } from '../errors.js';
import { msg } from '../partiql/errors.js';
import { planGet, projectSelect, visibleItem } from '../partiql/execute-select.js';
import type { GetPlan } from '../partiql/execute-select.js';
import { executeWrite, hasDuplicateTargets, writeCapacity } from '../partiql/execute-write.js';
import { planWrite } from '../partiql/write-plan.js';
import type { WritePlan } from '../partiql/write-plan.js';
import { batchError, prepareStatement } from '../partiql/statement.js';
import type { PreparedStatement } from '../partiql/statement.js';
import { itemsSql } from '../storage/items.js';
import type { Table } from '../tables/table.js';
import type { AttributeValue } from '../types.js';

export interface BatchStatementRequest {
  Statement: string;
  Parameters?: AttributeValue[];
  ConsistentRead?: boolean;
  ReturnValuesOnConditionCheckFailure?: string;
}

export interface BatchExecuteStatementInput {
  Statements: BatchStatementRequest[];
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
}

type Slot =
  | { kind: 'failed'; response: Record<string, unknown> }
  | { kind: 'read'; request: BatchStatementRequest; plan: GetPlan }
  | { kind: 'write'; plan: WritePlan };

/**
 * BatchExecuteStatement: up to 25 SELECTs (each naming one item by its key) or up to 25 writes,
 * never both. Each statement succeeds or fails on its own; there is no atomicity across them.
 */
export async function batchExecuteStatement(ddb: DynamoDb, input: BatchExecuteStatementInput, ctx: OperationContext) {
  const prepared: (PreparedStatement | AwsError)[] = input.Statements.map((s) => {
    try {
      const p = prepareStatement(s);
      if (p.parsed.statement.kind === 'exists') throw invalid(msg.existsOutsideTransaction);
      return p;
    } catch (err) {
      if (err instanceof AwsError) return err;
      throw err;
    }
  });
  const parsed = prepared.filter((p): p is PreparedStatement => !(p instanceof AwsError));
  const reads = parsed.filter((p) => p.parsed.statement.kind === 'select').length;
  if (reads > 0 && reads < parsed.length) throw invalid(msg.batchMixed);

  const slots: Slot[] = prepared.map((p, i) => {
    if (p instanceof AwsError) return { kind: 'failed', response: batchError(p, undefined) };
    const request = input.Statements[i]!;
    const statement = p.parsed.statement;
    const tableName = 'source' in statement ? statement.source.table : undefined;
    try {
      if (statement.kind === 'select') {
        if (statement.source.index !== undefined) throw invalid(msg.batchSelectKey);
        return {
          kind: 'read',
          request,
          plan: planGet(ddb, ctx, statement, p.parsed.text, p.params, msg.batchSelectKey),
        };
      }
      if (statement.kind === 'exists') throw invalid(msg.existsOutsideTransaction);
      return {
        kind: 'write',
        plan: planWrite(ddb, ctx, statement, p.params, request.ReturnValuesOnConditionCheckFailure),
      };
    } catch (err) {
      return { kind: 'failed', response: batchError(err, tableName) };
    }
  });
  const targets = slots.flatMap((s) => (s.kind === 'failed' ? [] : [s.plan]));
  if (hasDuplicateTargets(targets)) throw invalid(msg.batchDuplicates);

  const capacities = new Map<Table, Consumption>();
  const capacity = (table: Table, kind: 'read' | 'write') => {
    let c = capacities.get(table);
    if (!c) capacities.set(table, (c = newConsumption(kind)));
    return c;
  };
  const responses: Record<string, unknown>[] = [];
  for (const slot of slots) {
    if (slot.kind === 'failed') {
      responses.push(slot.response);
    } else if (slot.kind === 'read') {
      const { table, key, projection } = slot.plan;
      const row = await itemsSql.get(ddb.store, table.id, key);
      addRead(capacity(table, 'read'), row?.size ?? 0, slot.request.ConsistentRead === true);
      const out: Record<string, unknown> = { TableName: table.name };
      const item = visibleItem(ddb, table, row);
      if (item) out['Item'] = projectSelect(item, projection);
      responses.push(out);
    } else {
      const plan = slot.plan;
      try {
        const result = await executeWrite(ddb, plan);
        writeCapacity(plan, result, capacity(plan.table, 'write'));
        responses.push({ TableName: plan.table.name });
      } catch (err) {
        responses.push(batchError(err, plan.table.name));
      }
    }
  }
  const out: Record<string, unknown> = { Responses: responses };
  const consumed = [...capacities]
    .map(([table, c]) => consumedCapacity(table, input.ReturnConsumedCapacity, c))
    .filter(Boolean);
  if (consumed.length) out['ConsumedCapacity'] = consumed;
  return out;
}
