/**
 * Second validation pass of condition-grammar expressions: substitutes placeholders and checks
 * operators bottom-up (children first, in document order), the way DynamoDB does. For each
 * operator: operand count, operand types, distinct first operand, operator-specific rules
 * (BETWEEN bounds, IN size, attribute_type names, ...), then the 300-operator limit.
 */
import type { AttributeType, AttributeValue } from '../types.js';
import { typeOf } from '../types.js';
import { compareScalars } from '../values/compare.js';
import type { Condition, DocumentPath, Operand, ParsedCondition, ParsedOperand } from './ast.js';
import { ExpressionError, msg } from './expression-errors.js';
import { formatPath, resolvePath, resolveValue, type ParamContext } from './names-values.js';
import {
  accepts,
  opType,
  PATH_TYPE,
  typeLabel,
  valueType,
  type StaticType,
  type TypeSetName,
} from './operand-types.js';

export const MAX_OPERATORS = 300;
export const MAX_IN_OPERANDS = 100;

const ATTRIBUTE_TYPES: ReadonlySet<string> = new Set(['S', 'SS', 'N', 'NS', 'B', 'BS', 'BOOL', 'NULL', 'L', 'M']);

/** Counts operators and functions of one expression. */
export class OperatorCounter {
  private count = 0;

  tick(): void {
    if (++this.count > MAX_OPERATORS) throw new ExpressionError(msg.tooManyOperators(this.count));
  }
}

interface Resolved {
  readonly operand: Operand;
  readonly type: StaticType;
}

function fail(message: string): never {
  throw new ExpressionError(message);
}

/** Resolve a parsed condition against the request's placeholders (throws ExpressionError). */
export function resolveCondition(
  ctx: ParamContext,
  parsed: ParsedCondition,
  counter = new OperatorCounter(),
): Condition {
  return new ConditionResolver(ctx, counter).condition(parsed);
}

class ConditionResolver {
  constructor(
    private readonly ctx: ParamContext,
    private readonly counter: OperatorCounter,
  ) {}

  condition(c: ParsedCondition): Condition {
    switch (c.k) {
      case 'cmp': {
        const left = this.operand(c.left);
        const right = this.operand(c.right);
        const accepted: TypeSetName = c.op === '=' || c.op === '<>' ? 'ALL' : 'ORDERED';
        this.checkOperands(c.op, accepted, [left, right]);
        this.counter.tick();
        return { type: 'comparison', operator: c.op, left: left.operand, right: right.operand };
      }
      case 'between': {
        const operand = this.operand(c.operand);
        const lower = this.operand(c.lower);
        const upper = this.operand(c.upper);
        this.checkOperands('BETWEEN', 'ORDERED', [operand, lower, upper]);
        checkBetweenBounds(lower.operand, upper.operand);
        this.counter.tick();
        return { type: 'between', operand: operand.operand, lower: lower.operand, upper: upper.operand };
      }
      case 'in': {
        const operand = this.operand(c.operand);
        const values = c.values.map((v) => this.operand(v));
        this.checkOperands('IN', 'ALL', [operand, ...values]);
        if (values.length > MAX_IN_OPERANDS) fail(msg.tooManyInOperands(values.length));
        this.counter.tick();
        return { type: 'in', operand: operand.operand, values: values.map((v) => v.operand) };
      }
      case 'and':
      case 'or': {
        const left = this.condition(c.left);
        const right = this.condition(c.right);
        this.counter.tick();
        return { type: c.k, left, right };
      }
      case 'not': {
        const condition = this.condition(c.cond);
        this.counter.tick();
        return { type: 'not', condition };
      }
      case 'fn':
        return this.functionCondition(c.call.name, c.call.args);
    }
  }

  private functionCondition(name: string, parsedArgs: readonly ParsedOperand[]): Condition {
    const args = parsedArgs.map((a) => this.operand(a));
    let condition: Condition;
    switch (name) {
      case 'attribute_exists':
      case 'attribute_not_exists': {
        this.checkOperands(name, 'ALL', args, 1);
        const first = args[0]!.operand;
        if (first.type !== 'path') fail(msg.requiresPath(name));
        condition = { type: name, path: first.path };
        break;
      }
      case 'attribute_type': {
        this.checkOperands(name, 'ALL', args, 2);
        const second = args[1]!;
        if (second.operand.type !== 'value') fail(msg.operandType(name, typeLabel(second.type)));
        const value = second.operand.value;
        if (!('S' in value)) fail(msg.operandType(name, typeOf(value)));
        if (!ATTRIBUTE_TYPES.has(value.S)) fail(msg.attributeTypeName(value.S));
        condition = { type: 'attribute_type', operand: args[0]!.operand, attributeType: value.S as AttributeType };
        break;
      }
      case 'begins_with':
        this.checkOperands(name, 'STRING_BINARY', args, 2);
        condition = { type: 'begins_with', operand: args[0]!.operand, prefix: args[1]!.operand };
        break;
      case 'contains':
        this.checkOperands(name, 'ALL', args, 2);
        condition = { type: 'contains', operand: args[0]!.operand, value: args[1]!.operand };
        break;
      default:
        // Unknown or misplaced functions were rejected before resolution.
        fail(msg.functionContext(name));
    }
    this.counter.tick();
    return condition;
  }

  private operand(op: ParsedOperand): Resolved {
    if (op.k === 'path') return { operand: { type: 'path', path: resolvePath(this.ctx, op) }, type: PATH_TYPE };
    if (op.k === 'value') {
      const value = resolveValue(this.ctx, op.ref);
      return { operand: { type: 'value', value }, type: valueType(typeOf(value)) };
    }
    if (op.name !== 'size') fail(msg.functionContext(op.name));
    const args = op.args.map((a) => this.operand(a));
    this.checkOperands('size', 'ITERABLE', args, 1);
    this.counter.tick();
    return { operand: { type: 'size', operand: args[0]!.operand }, type: opType('NUMERIC') };
  }

  /** Operand count, operand types, then the distinct-first-operand rule. */
  private checkOperands(op: string, accepted: TypeSetName, operands: readonly Resolved[], count?: number): void {
    if (count !== undefined && operands.length !== count) fail(msg.operandCount(op, operands.length));
    for (const o of operands) if (!accepts(accepted, o.type)) fail(msg.operandType(op, typeLabel(o.type)));
    checkDistinct(
      op,
      operands.map((o) => o.operand),
    );
  }
}

type PathOrValue = { readonly type: string; readonly path?: DocumentPath };

/** The first operand, when a document path, may not reappear among the others. */
export function checkDistinct(op: string, operands: readonly PathOrValue[]): void {
  const first = operands[0];
  if (!first || first.type !== 'path' || operands.length < 2) return;
  const path = first.path!;
  for (let i = 1; i < operands.length; i++) {
    const other = operands[i]!;
    if (other.type === 'path' && samePath(path, other.path!)) fail(msg.distinct(op, formatPath(path)));
  }
}

export function samePath(a: DocumentPath, b: DocumentPath): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function checkBetweenBounds(lower: Operand, upper: Operand): void {
  if (lower.type !== 'value' || upper.type !== 'value') return;
  const low = lower.value;
  const high = upper.value;
  if (typeOf(low) !== typeOf(high)) fail(msg.betweenTypes(valueText(low), valueText(high)));
  const order = compareScalars(low, high);
  if (order !== undefined && order > 0) fail(msg.betweenOrder(valueText(low), valueText(high)));
}

/** `{S:abc}`, how AWS prints a scalar bound. */
export function valueText(value: AttributeValue): string {
  const type = typeOf(value);
  const inner = (value as Record<string, unknown>)[type];
  return `{${type}:${typeof inner === 'string' ? inner : JSON.stringify(inner)}}`;
}
