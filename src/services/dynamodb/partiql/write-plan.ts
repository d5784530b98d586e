/**
 * Write planning: INSERT, UPDATE, DELETE and EXISTS become a conditional single-item write (key,
 * condition on the stored item, new item or update), the form PutItem / UpdateItem / DeleteItem /
 * ConditionCheck run in.
 */
import type { OperationContext } from '../../../core/service.js';
import type { DynamoDb } from '../context.js';
import { invalid } from '../errors.js';
import { applyUpdate, checkKeyNotUpdated } from '../expressions/index.js';
import type { Condition, UpdateExpression } from '../expressions/index.js';
import { encodeKeyOf, keyOf, validateItemKeys, validateKey } from '../keys.js';
import type { EncodedKey } from '../keys.js';
import type { ReturnValues } from '../operations/shared/return-values.js';
import type { KeyShape } from '../tables/record.js';
import type { Table } from '../tables/table.js';
import type { Item } from '../types.js';
import { typeOf } from '../types.js';
import { MAX_ITEM_SIZE, itemSize } from '../values/size.js';
import { validateItem } from '../values/validate.js';
import type { Returning, SelectStatement, Statement } from './ast.js';
import { and, compileCondition } from './condition.js';
import { msg } from './errors.js';
import { extractItemKey } from './keys.js';
import type { ExtractedKey } from './keys.js';
import { resolveTable } from './plan.js';
import { compileUpdate } from './update.js';
import { structItem } from './values.js';
import type { Parameters } from './values.js';

export interface WritePlan {
  kind: 'insert' | 'update' | 'delete' | 'check';
  table: Table;
  keyItem: Item;
  key: EncodedKey;
  /** What must hold of the stored item (undefined item = absent). */
  condition: Condition | undefined;
  /** INSERT: the new item. */
  item?: Item;
  /** UPDATE: the update. */
  update?: UpdateExpression;
  /** RETURNING, as ReturnValues. */
  returnValues: ReturnValues;
  /** ReturnValuesOnConditionCheckFailure. */
  returnOnFailure: string | undefined;
}

const RETURNING: Record<Returning, ReturnValues> = {
  'ALL OLD': 'ALL_OLD',
  'ALL NEW': 'ALL_NEW',
  'MODIFIED OLD': 'UPDATED_OLD',
  'MODIFIED NEW': 'UPDATED_NEW',
};

const exists = (shape: KeyShape): Condition => ({ type: 'attribute_exists', path: [shape.hash.name] });
const notExists = (shape: KeyShape): Condition => ({ type: 'attribute_not_exists', path: [shape.hash.name] });

/** Plan an INSERT, UPDATE, DELETE or EXISTS. Throws ValidationException / ResourceNotFoundException. */
export function planWrite(
  ddb: DynamoDb,
  ctx: OperationContext,
  statement: Exclude<Statement, SelectStatement>,
  params: Parameters,
  returnOnFailure: string | undefined,
): WritePlan {
  switch (statement.kind) {
    case 'insert': {
      if (statement.value.k !== 'struct') throw invalid(msg.insertFormat);
      const raw = structItem(statement.value, params);
      const table = resolveTable(ddb, ctx, statement.source);
      for (const a of [table.key.hash, table.key.range]) {
        if (!a) continue;
        if (raw[a.name] === undefined) throw invalid(msg.keyAbsent(a.name));
        if (typeOf(raw[a.name]!) !== a.type) throw invalid(msg.keyType(a.name));
      }
      const item = validateItem(raw);
      validateItemKeys(table, item);
      if (itemSize(item) > MAX_ITEM_SIZE) throw invalid('Item size has exceeded the maximum allowed size');
      const keyItem = keyOf(table.key, item);
      return {
        kind: 'insert',
        table,
        keyItem,
        key: encodeKeyOf(table.key, item),
        condition: notExists(table.key),
        item,
        returnValues: 'NONE',
        returnOnFailure,
      };
    }
    case 'update': {
      if (statement.source.index !== undefined) throw invalid(msg.onIndex);
      if (statement.where) compileCondition(statement.where, params);
      const update = compileUpdate(statement.actions, params);
      const table = resolveTable(ddb, ctx, statement.source);
      const { key, rest } = extractItemKey(statement.where, table.key, params);
      validateKey(table, key);
      checkKeyNotUpdated(update, table.keyNames);
      const restCondition = and(rest.map((c) => compileCondition(c, params)));
      return {
        kind: 'update',
        table,
        keyItem: key,
        key: encodeKeyOf(table.key, key),
        condition: restCondition ? { type: 'and', left: exists(table.key), right: restCondition } : exists(table.key),
        update,
        returnValues: statement.returning ? RETURNING[statement.returning] : 'NONE',
        returnOnFailure,
      };
    }
    case 'delete': {
      if (statement.source.index !== undefined) throw invalid(msg.onIndex);
      if (!statement.where) throw invalid(msg.incompleteKey);
      compileCondition(statement.where, params);
      const table = resolveTable(ddb, ctx, statement.source);
      const { key, rest } = extractItemKey(statement.where, table.key, params);
      validateKey(table, key);
      if (statement.returning && statement.returning !== 'ALL OLD')
        throw invalid(msg.returningDelete(`${statement.returning} *`));
      const restCondition = and(rest.map((c) => compileCondition(c, params)));
      return {
        kind: 'delete',
        table,
        keyItem: key,
        key: encodeKeyOf(table.key, key),
        // A missing item is deleted without checking the rest of the WHERE clause.
        condition: restCondition ? { type: 'or', left: notExists(table.key), right: restCondition } : undefined,
        returnValues: statement.returning ? 'ALL_OLD' : 'NONE',
        returnOnFailure,
      };
    }
    case 'exists': {
      const select = statement.select;
      if (select.source.index !== undefined) throw invalid('Operations on indices are not supported in transactions');
      if (select.where) compileCondition(select.where, params);
      const table = resolveTable(ddb, ctx, select.source);
      let extracted: ExtractedKey;
      try {
        extracted = extractItemKey(select.where, table.key, params);
      } catch (err) {
        if (err instanceof Error && err.message === msg.incompleteKey) throw invalid(msg.existsKey);
        throw err;
      }
      validateKey(table, extracted.key);
      const restCondition = and(extracted.rest.map((c) => compileCondition(c, params)));
      return {
        kind: 'check',
        table,
        keyItem: extracted.key,
        key: encodeKeyOf(table.key, extracted.key),
        condition: restCondition ? { type: 'and', left: exists(table.key), right: restCondition } : exists(table.key),
        returnValues: 'NONE',
        returnOnFailure,
      };
    }
  }
}

/** The item after a planned write, from the item before it (throws ValidationException). */
export function nextItem(plan: WritePlan, old: Item | undefined): Item | undefined {
  switch (plan.kind) {
    case 'insert':
      return plan.item;
    case 'delete':
      return undefined;
    case 'check':
      return old;
    case 'update':
      return applyUpdateChecked(plan, old);
  }
}

function applyUpdateChecked(plan: WritePlan, old: Item | undefined): Item {
  const next = applyUpdate(plan.update!, old, { key: plan.keyItem }).item;
  validateItemKeys(plan.table, next);
  if (itemSize(next) > MAX_ITEM_SIZE) throw invalid('Item size to update has exceeded the maximum allowed size');
  return next;
}
