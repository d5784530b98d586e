/** UPDATE's SET / REMOVE clauses → the expression engine's update (applied by applyUpdate). */
import { invalid } from '../errors.js';
import type { DocumentPath, SetValue, UpdateAction, UpdateExpression, UpdateOperand } from '../expressions/index.js';
import { withKind } from '../expressions/expression-errors.js';
import { insertPath, newPathTree } from '../expressions/path-tree.js';
import type { Expr } from './ast.js';
import { documentPath } from './condition.js';
import { msg } from './errors.js';
import { MISSING, constantValue, isConstant } from './values.js';
import type { Parameters } from './values.js';

export function compileUpdate(
  actions: readonly ({ op: 'set'; target: Expr; value: Expr } | { op: 'remove'; target: Expr })[],
  params: Parameters,
): UpdateExpression {
  const resolved: UpdateAction[] = actions.map((a) => {
    const path = documentPath(a.target)!;
    if (a.op === 'remove') return { action: 'REMOVE', path };
    return setAction(path, a.value, params);
  });
  const tree = newPathTree();
  withKind('Update', () => {
    for (let i = resolved.length - 1; i >= 0; i--) insertPath(tree, resolved[i]!.path, resolved[i]!);
  });
  return { actions: resolved, tree };
}

function samePath(a: DocumentPath, b: DocumentPath): boolean {
  return a.length === b.length && a.every((e, i) => e === b[i]);
}

function setAction(path: DocumentPath, value: Expr, params: Parameters): UpdateAction {
  if (value.k === 'call' && (value.name === 'set_add' || value.name === 'set_delete')) {
    const op = value.name === 'set_add' ? 'ADD' : 'DELETE';
    if (value.args.length !== 2) throw invalid(msg.setOperationArgs(op));
    const first = documentPath(value.args[0]!);
    if (!first || !samePath(first, path)) throw invalid(msg.setOperationFirst(op));
    const second = value.args[1]!;
    const v = isConstant(second) ? constantValue(second, params) : MISSING;
    if (v === MISSING || !('SS' in v || 'NS' in v || 'BS' in v)) throw invalid(msg.setOperationSecond(op));
    return { action: op, path, value: v };
  }
  return { action: 'SET', path, value: setValue(value, params) };
}

function setValue(e: Expr, params: Parameters): SetValue {
  if (e.k === 'binary' && (e.op === '+' || e.op === '-')) {
    return { type: e.op, left: updateOperand(e.left, params), right: updateOperand(e.right, params) };
  }
  return updateOperand(e, params);
}

function updateOperand(e: Expr, params: Parameters): UpdateOperand {
  const path = documentPath(e);
  if (path) return { type: 'path', path };
  if (isConstant(e)) {
    const v = constantValue(e, params);
    if (v === MISSING) throw invalid(msg.missingCompare);
    return { type: 'value', value: v };
  }
  switch (e.k) {
    case 'call':
      if (e.name === 'list_append') {
        if (e.args.length !== 2) {
          throw invalid(
            `Incorrect number of operands for operator or function; operator or function: list_append, number of operands: ${e.args.length}`,
          );
        }
        return {
          type: 'list_append',
          left: updateOperand(e.args[0]!, params),
          right: updateOperand(e.args[1]!, params),
        };
      }
      if (e.name === 'if_not_exists') {
        if (e.args.length !== 2) {
          throw invalid(
            `Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: ${e.args.length}`,
          );
        }
        const p = documentPath(e.args[0]!);
        if (!p) throw invalid('Operator or function requires a document path; operator or function: if_not_exists');
        return { type: 'if_not_exists', path: p, fallback: updateOperand(e.args[1]!, params) };
      }
      throw invalid(msg.unrecognizedFunction(e.name));
    case 'binary':
      throw invalid(
        msg.updateOperator(
          e.op === 'and' || e.op === 'or' || e.op === 'in' || e.op === 'like' ? e.op.toUpperCase() : e.op,
        ),
      );
    case 'is':
      throw invalid(msg.isInUpdate);
    default:
      throw invalid(msg.updateOperator(e.k.toUpperCase()));
  }
}
