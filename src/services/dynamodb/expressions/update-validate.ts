/**
 * Second validation pass of UpdateExpression, in DynamoDB's order: first every target path (from
 * the last action to the first: placeholders, then overlap / conflict against the paths already
 * seen), then every action's value (again last to first: placeholders and operator checks, then
 * the ADD / DELETE operand type).
 */
import type { AttributeValue } from '../types.js';
import { typeOf } from '../types.js';
import type {
  ParsedOperand,
  ParsedSetValue,
  ParsedUpdate,
  PathElement,
  SetValue,
  UpdateAction,
  UpdateExpression,
  UpdateOperand,
} from './ast.js';
import { checkDistinct, OperatorCounter } from './condition-validate.js';
import { ExpressionError, msg } from './expression-errors.js';
import { resolvePath, resolveValue, type ParamContext } from './names-values.js';
import {
  accepts,
  NODE_TYPE_NAMES,
  opType,
  PATH_TYPE,
  typeLabel,
  valueType,
  type StaticType,
  type TypeSetName,
} from './operand-types.js';
import { insertPath, newPathTree } from './path-tree.js';

interface Resolved {
  readonly operand: UpdateOperand;
  readonly type: StaticType;
}

function fail(message: string): never {
  throw new ExpressionError(message);
}

/** Resolve a parsed update against the request's placeholders (throws ExpressionError). */
export function resolveUpdate(ctx: ParamContext, parsed: ParsedUpdate): UpdateExpression {
  const parsedActions = parsed.actions;
  const n = parsedActions.length;
  const paths: PathElement[][] = new Array<PathElement[]>(n);
  const tree = newPathTree();
  const actions: UpdateAction[] = new Array<UpdateAction>(n);

  // Targets first: the tree needs the final action objects, so attach them afterwards.
  for (let i = n - 1; i >= 0; i--) {
    const path = resolvePath(ctx, parsedActions[i]!.path);
    paths[i] = path;
    insertPath(tree, path);
  }

  const counter = new OperatorCounter();
  for (let i = n - 1; i >= 0; i--) {
    const parsedAction = parsedActions[i]!;
    const path = paths[i]!;
    switch (parsedAction.k) {
      case 'SET':
        actions[i] = { action: 'SET', path, value: resolveSetValue(ctx, parsedAction.value, counter) };
        break;
      case 'REMOVE':
        actions[i] = { action: 'REMOVE', path };
        break;
      case 'ADD':
      case 'DELETE': {
        const value = resolveValue(ctx, parsedAction.value.ref);
        checkActionOperand(parsedAction.k, value);
        actions[i] = { action: parsedAction.k, path, value };
        break;
      }
    }
  }
  attachActions(tree, actions);
  return { actions, tree };
}

function checkActionOperand(action: 'ADD' | 'DELETE', value: AttributeValue): void {
  const type = typeOf(value);
  const ok =
    action === 'ADD'
      ? type === 'N' || type === 'SS' || type === 'NS' || type === 'BS'
      : type === 'SS' || type === 'NS' || type === 'BS';
  if (!ok) fail(msg.actionOperandType(action, NODE_TYPE_NAMES[type]));
}

/** Attach each action to the leaf of its path. */
export function attachActions(tree: UpdateExpression['tree'], actions: readonly UpdateAction[]): void {
  for (const action of actions) {
    let node = tree;
    const path = action.path;
    for (let d = 0; d < path.length; d++) {
      const e = path[d]!;
      const entry = node.children.get(typeof e === 'number' ? `i:${e}` : `s:${e}`)!;
      if (d === path.length - 1) entry.action = action;
      else node = entry.node!;
    }
  }
}

function resolveSetValue(ctx: ParamContext, value: ParsedSetValue, counter: OperatorCounter): SetValue {
  if (value.k !== 'arith') return resolveOperand(ctx, value, counter).operand;
  const left = resolveOperand(ctx, value.left, counter);
  const right = resolveOperand(ctx, value.right, counter);
  checkOperands(value.op, 'NUMERIC', [left, right]);
  counter.tick();
  return { type: value.op, left: left.operand, right: right.operand };
}

function resolveOperand(ctx: ParamContext, op: ParsedOperand, counter: OperatorCounter): Resolved {
  if (op.k === 'path') return { operand: { type: 'path', path: resolvePath(ctx, op) }, type: PATH_TYPE };
  if (op.k === 'value') {
    const value = resolveValue(ctx, op.ref);
    return { operand: { type: 'value', value }, type: valueType(typeOf(value)) };
  }
  const args = op.args.map((a) => resolveOperand(ctx, a, counter));
  let result: Resolved;
  if (op.name === 'if_not_exists') {
    checkOperands(op.name, 'ALL', args, 2);
    checkDistinct(
      op.name,
      args.map((a) => a.operand),
    );
    const first = args[0]!.operand;
    if (first.type !== 'path') fail(msg.requiresPath(op.name));
    result = { operand: { type: 'if_not_exists', path: first.path, fallback: args[1]!.operand }, type: opType('ALL') };
  } else if (op.name === 'list_append') {
    checkOperands(op.name, 'LIST', args, 2);
    result = {
      operand: { type: 'list_append', left: args[0]!.operand, right: args[1]!.operand },
      type: opType('LIST'),
    };
  } else {
    // Unknown or misplaced functions were rejected before resolution.
    fail(msg.notInUpdate(op.name));
  }
  counter.tick();
  return result;
}

function checkOperands(op: string, accepted: TypeSetName, operands: readonly Resolved[], count?: number): void {
  if (count !== undefined && operands.length !== count) fail(msg.operandCount(op, operands.length));
  for (const o of operands) if (!accepts(accepted, o.type)) fail(msg.operandType(op, typeLabel(o.type)));
}
