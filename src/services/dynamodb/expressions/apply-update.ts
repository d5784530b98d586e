/**
 * Applying a resolved UpdateExpression (or converted AttributeUpdates) to an item, with DynamoDB's
 * semantics:
 * - every value is computed from the item as it was before the update (`SET a = :v, b = a` copies
 *   the old `a`), and list indexes refer to the original positions;
 * - SET on a list index past the end appends (several appends keep index order); REMOVE of list
 *   elements compacts the list; REMOVE of something missing is a no-op;
 * - a path through a missing or mismatched container fails with "The document path provided in
 *   the update expression is invalid for update" (except REMOVE when the item does not exist);
 * - SET arithmetic and list_append need existing N / L operands; ADD works on numbers (a missing
 *   attribute counts as 0) and sets of the same type; DELETE removes set elements and drops an
 *   attribute whose set becomes empty.
 * The input item is not modified; the result shares unchanged values with it.
 */
import { invalid } from '../errors.js';
import type { AttributeValue, Item } from '../types.js';
import { typeOf } from '../types.js';
import { bytesKey, numberKey } from '../values/compare.js';
import { addNumbers, subtractNumbers } from '../values/numbers.js';
import type { PathTreeNode, SetValue, UpdateAction, UpdateExpression, UpdateOperand } from './ast.js';
import { resolvePath } from './evaluate.js';
import { updateFailure } from './expression-errors.js';
import { projectItem } from './projection.js';

export interface UpdateResult {
  /** The item after the update. */
  readonly item: Item;
  /** Top-level attribute names the update targets, in document order, without duplicates. */
  readonly updatedAttributes: readonly string[];
}

export interface ApplyUpdateOptions {
  /**
   * The key attributes, used as the starting item when `item` is undefined (UpdateItem on a
   * missing item creates it from its key). Defaults to an empty item.
   */
  readonly key?: Item;
}

const LEGACY_TYPE_MISMATCH = 'Type mismatch for attribute to update';

/**
 * Apply `update` to `item` (undefined when the item does not exist). Throws ValidationException
 * with AWS's runtime messages; the caller still has to check the result's size and key / index
 * constraints.
 */
export function applyUpdate(
  update: UpdateExpression,
  item: Item | undefined,
  options: ApplyUpdateOptions = {},
): UpdateResult {
  const base: Item = item ?? options.key ?? {};
  const applier = new Applier(base, item !== undefined);
  const result = applier.map(update.tree, base) as Item;
  return { item: result, updatedAttributes: updatedAttributes(update) };
}

/** Top-level attribute names targeted by the update, in document order. */
export function updatedAttributes(update: UpdateExpression): string[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const action of update.actions) {
    const top = action.path[0];
    if (typeof top === 'string' && !seen.has(top)) {
      seen.add(top);
      names.push(top);
    }
  }
  return names;
}

/**
 * The parts of `item` the update touches, as DynamoDB returns them for ReturnValues UPDATED_OLD
 * (pass the old item) and UPDATED_NEW (pass the new item): only the updated paths, nested.
 */
export function projectUpdated(update: UpdateExpression, item: Item | undefined): Item {
  return item === undefined ? {} : projectItem(item, update.tree);
}

/**
 * Reject updates of key attributes (any action whose path starts at one of `keyNames`):
 * "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key".
 */
export function checkKeyNotUpdated(update: UpdateExpression, keyNames: readonly string[]): void {
  for (const action of update.actions) {
    const top = action.path[0];
    if (typeof top === 'string' && keyNames.includes(top)) {
      throw invalid(
        `One or more parameter values were invalid: Cannot update attribute ${top}. This attribute is part of the key`,
      );
    }
  }
}

class Applier {
  constructor(
    private readonly original: Item,
    private readonly itemExists: boolean,
  ) {}

  /** Apply the children of `node` to a map (an M value's content, or the item itself). */
  map(node: PathTreeNode, map: Record<string, AttributeValue>): Record<string, AttributeValue> {
    const out: Record<string, AttributeValue> = { ...map };
    for (const entry of node.children.values()) {
      const key = entry.element;
      if (typeof key !== 'string') throw invalid(updateFailure.invalidPath);
      const current = Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
      let result: AttributeValue | undefined;
      if (entry.node === null) {
        result = this.action(entry.action!, current);
      } else if (current !== undefined) {
        result = this.container(entry.node, current);
      } else if (!this.itemExists && onlyRemovals(entry.node)) {
        continue;
      } else {
        throw invalid(updateFailure.invalidPath);
      }
      if (result === undefined) delete out[key];
      else out[key] = result;
    }
    return out;
  }

  private container(node: PathTreeNode, value: AttributeValue): AttributeValue {
    if ('M' in value) return { M: this.map(node, value.M) };
    if ('L' in value) return { L: this.list(node, value.L) };
    throw invalid(updateFailure.invalidPath);
  }

  private list(node: PathTreeNode, list: readonly AttributeValue[]): AttributeValue[] {
    const replaced = new Map<number, AttributeValue | undefined>();
    const appended: [number, AttributeValue][] = [];
    for (const entry of node.children.values()) {
      const index = entry.element;
      if (typeof index !== 'number') throw invalid(updateFailure.invalidPath);
      const current = index < list.length ? list[index] : undefined;
      let result: AttributeValue | undefined;
      if (entry.node === null) {
        result = this.action(entry.action!, current);
      } else if (current !== undefined) {
        result = this.container(entry.node, current);
      } else {
        throw invalid(updateFailure.invalidPath);
      }
      if (index < list.length) replaced.set(index, result);
      else if (result !== undefined) appended.push([index, result]);
    }
    const out: AttributeValue[] = [];
    for (let i = 0; i < list.length; i++) {
      if (!replaced.has(i)) out.push(list[i]!);
      else {
        const v = replaced.get(i);
        if (v !== undefined) out.push(v);
      }
    }
    appended.sort((a, b) => a[0] - b[0]);
    for (const [, v] of appended) out.push(v);
    return out;
  }

  private action(action: UpdateAction, current: AttributeValue | undefined): AttributeValue | undefined {
    switch (action.action) {
      case 'SET': {
        const value = this.setValue(action.value);
        if (value === undefined) throw invalid(updateFailure.missingAttribute);
        return value;
      }
      case 'REMOVE':
        return undefined;
      case 'ADD':
        return add(current, action.value, updateFailure.wrongType, false);
      case 'DELETE':
        return remove(current, action.value, updateFailure.wrongType);
      case 'LEGACY_ADD':
        return add(current, action.value, LEGACY_TYPE_MISMATCH, true);
      case 'LEGACY_DELETE':
        return action.value === undefined ? undefined : remove(current, action.value, LEGACY_TYPE_MISMATCH);
    }
  }

  private setValue(value: SetValue): AttributeValue | undefined {
    if (value.type === '+' || value.type === '-') {
      const left = this.operand(value.left);
      const right = this.operand(value.right);
      const a = requireType(left, 'N');
      const b = requireType(right, 'N');
      return { N: value.type === '+' ? addNumbers(a.N, b.N) : subtractNumbers(a.N, b.N) };
    }
    return this.operand(value as UpdateOperand);
  }

  private operand(op: UpdateOperand): AttributeValue | undefined {
    switch (op.type) {
      case 'path':
        return resolvePath(this.original, op.path);
      case 'value':
        return op.value;
      case 'if_not_exists': {
        const existing = resolvePath(this.original, op.path);
        const fallback = this.operand(op.fallback);
        if (fallback === undefined) throw invalid(updateFailure.missingAttribute);
        return existing ?? fallback;
      }
      case 'list_append': {
        const left = this.operand(op.left);
        const right = this.operand(op.right);
        const a = requireType(left, 'L');
        const b = requireType(right, 'L');
        return { L: [...a.L, ...b.L] };
      }
    }
  }
}

function requireType<K extends 'N' | 'L'>(
  value: AttributeValue | undefined,
  type: K,
): Extract<AttributeValue, Record<K, unknown>> {
  if (value === undefined) throw invalid(updateFailure.missingAttribute);
  if (!(type in value)) throw invalid(updateFailure.wrongType);
  return value as Extract<AttributeValue, Record<K, unknown>>;
}

function onlyRemovals(node: PathTreeNode): boolean {
  for (const entry of node.children.values()) {
    if (entry.node === null) {
      const kind = entry.action?.action;
      if (kind !== 'REMOVE' && kind !== 'LEGACY_DELETE') return false;
    } else if (!onlyRemovals(entry.node)) {
      return false;
    }
  }
  return true;
}

function add(
  current: AttributeValue | undefined,
  value: AttributeValue,
  mismatch: string,
  allowLists: boolean,
): AttributeValue {
  if (current === undefined) return value;
  const type = typeOf(value);
  if (typeOf(current) !== type) throw invalid(mismatch);
  switch (type) {
    case 'N':
      return { N: addNumbers((current as { N: string }).N, (value as { N: string }).N) };
    case 'SS':
      return { SS: union((current as { SS: string[] }).SS, (value as { SS: string[] }).SS, (s) => s) };
    case 'NS':
      return { NS: union((current as { NS: string[] }).NS, (value as { NS: string[] }).NS, numberKey) };
    case 'BS':
      return { BS: union((current as { BS: string[] }).BS, (value as { BS: string[] }).BS, bytesKey) };
    case 'L':
      if (allowLists)
        return { L: [...(current as { L: AttributeValue[] }).L, ...(value as { L: AttributeValue[] }).L] };
      throw invalid(mismatch);
    default:
      throw invalid(mismatch);
  }
}

function remove(
  current: AttributeValue | undefined,
  value: AttributeValue,
  mismatch: string,
): AttributeValue | undefined {
  if (current === undefined) return undefined;
  const type = typeOf(value);
  if (typeOf(current) !== type) throw invalid(mismatch);
  let rest: string[];
  switch (type) {
    case 'SS':
      rest = difference((current as { SS: string[] }).SS, (value as { SS: string[] }).SS, (s) => s);
      return rest.length === 0 ? undefined : { SS: rest };
    case 'NS':
      rest = difference((current as { NS: string[] }).NS, (value as { NS: string[] }).NS, numberKey);
      return rest.length === 0 ? undefined : { NS: rest };
    case 'BS':
      rest = difference((current as { BS: string[] }).BS, (value as { BS: string[] }).BS, bytesKey);
      return rest.length === 0 ? undefined : { BS: rest };
    default:
      throw invalid(mismatch);
  }
}

function union(a: readonly string[], b: readonly string[], key: (s: string) => string): string[] {
  const seen = new Set(a.map(key));
  const out = [...a];
  for (const s of b) {
    const k = key(s);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(s);
    }
  }
  return out;
}

function difference(a: readonly string[], b: readonly string[], key: (s: string) => string): string[] {
  const drop = new Set(b.map(key));
  return a.filter((s) => !drop.has(key(s)));
}
