import type { OperationContext } from '../../../core/service.js';
import { AwsError } from '../../../core/errors/aws-error.js';
import { addRead, consumedCapacity, newConsumption } from '../capacity.js';
import type { Consumption, ReturnConsumedCapacity } from '../capacity.js';
import type { DynamoDb } from '../context.js';
import { invalid, transactionCanceled } from '../errors.js';
import { msg } from '../partiql/errors.js';
import { planGet, projectSelect, visibleItem } from '../partiql/execute-select.js';
import type { GetPlan } from '../partiql/execute-select.js';
import { executeWriteTransaction, hasDuplicateTargets } from '../partiql/execute-write.js';
import { planWrite } from '../partiql/write-plan.js';
import type { WritePlan } from '../partiql/write-plan.js';
import { prepareStatement } from '../partiql/statement.js';
import { itemsSql } from '../storage/items.js';
import type { Table } from '../tables/table.js';
import type { AttributeValue } from '../types.js';

export interface ParameterizedStatement {
  Statement: string;
  Parameters?: AttributeValue[];
  ReturnValuesOnConditionCheckFailure?: string;
}

export interface ExecuteTransactionInput {
  TransactStatements: ParameterizedStatement[];
  ClientRequestToken?: string;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
}

/** Run `fn`, prefixing its ValidationException with the statement's position as AWS does. */
function atStatement<T>(index: number, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (
      err instanceof AwsError &&
      err.code === 'ValidationException' &&
      !err.message.startsWith('Validation failed in')
    ) {
      throw invalid(msg.transactionStatement(index, err.message));
    }
    throw err;
  }
}

/**
 * ExecuteTransaction: up to 100 statements, all SELECTs (a consistent multi-item read, as
 * TransactGetItems) or all writes (INSERT, UPDATE, DELETE, EXISTS checks, applied all or nothing
 * as TransactWriteItems, with ClientRequestToken idempotency).
 */
export async function executeTransaction(ddb: DynamoDb, input: ExecuteTransactionInput, ctx: OperationContext) {
  const prepared = input.TransactStatements.map((s) => prepareStatement(s));
  const reads = prepared.filter((p) => p.parsed.statement.kind === 'select').length;
  if (reads > 0 && reads < prepared.length) throw invalid(msg.transactionMixed);
  prepared.forEach((p, i) => {
    const s = p.parsed.statement;
    if ((s.kind === 'update' || s.kind === 'delete') && s.returning)
      throw invalid(msg.transactionStatement(i, msg.transactionReturning));
  });

  if (reads > 0) {
    const plans: GetPlan[] = prepared.map((p, i) =>
      atStatement(i, () => {
        const s = p.parsed.statement;
        if (s.kind !== 'select') throw invalid(msg.transactionUnsupported);
        if (s.source.index !== undefined) throw invalid(msg.transactionIndexRead);
        return planGet(ddb, ctx, s, p.parsed.text, p.params, msg.transactionSelectKey);
      }),
    );
    if (hasDuplicateTargets(plans)) throw invalid('Transaction request cannot include multiple operations on one item');
    const capacities = new Map<Table, Consumption>();
    const responses = await ddb.store.transaction(async (tx) => {
      const out: Record<string, unknown>[] = [];
      for (const p of plans) {
        const row = await itemsSql.get(tx, p.table.id, p.key);
        let c = capacities.get(p.table);
        if (!c) capacities.set(p.table, (c = newConsumption('read')));
        addRead(c, row?.size ?? 0, true);
        const item = visibleItem(ddb, p.table, row);
        out.push(item ? { Item: projectSelect(item, p.projection) } : {});
      }
      return out;
    });
    for (const c of capacities.values()) c.table *= 2;
    const result: Record<string, unknown> = { Responses: responses };
    const consumed = [...capacities]
      .map(([table, c]) => consumedCapacity(table, input.ReturnConsumedCapacity, c))
      .filter(Boolean);
    if (consumed.length) result['ConsumedCapacity'] = consumed;
    return result;
  }

  const plans: WritePlan[] = prepared.map((p, i) => {
    const s = p.parsed.statement;
    if (s.kind === 'select') throw invalid(msg.transactionMixed);
    try {
      return atStatement(i, () =>
        planWrite(ddb, ctx, s, p.params, input.TransactStatements[i]!.ReturnValuesOnConditionCheckFailure),
      );
    } catch (err) {
      // An update of a key attribute cancels the transaction rather than failing validation.
      if (err instanceof AwsError && err.message.includes('This attribute is part of the key')) {
        throw transactionCanceled([
          {
            Code: 'ValidationError',
            Message: err.message.replace(/^Validation failed in TransactStatements\[\d+\]: /, ''),
          },
        ]);
      }
      throw err;
    }
  });
  const token = input.ClientRequestToken;
  const fingerprint = `ExecuteTransaction\u0000${JSON.stringify(input.TransactStatements)}`;
  const scope = `${ctx.account}/${ctx.region}`;
  if (token) {
    const earlier = ddb.tokens.lookup(scope, token, fingerprint);
    if (earlier) return earlier;
  }
  const capacities = await executeWriteTransaction(ddb, plans);
  const out: Record<string, unknown> = {};
  const consumed = [...capacities]
    .map(([table, c]) => consumedCapacity(table, input.ReturnConsumedCapacity, c))
    .filter(Boolean);
  if (consumed.length) out['ConsumedCapacity'] = consumed;
  if (token) ddb.tokens.remember(scope, token, fingerprint, out);
  return out;
}
