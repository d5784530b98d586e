/**
 * Parser for ConditionExpression, FilterExpression and KeyConditionExpression (one grammar):
 *
 *   condition := operand comparator operand
 *              | operand IN '(' operand (',' operand)* ')'
 *              | operand BETWEEN operand AND operand
 *              | function
 *              | '(' condition ')'
 *              | NOT condition            (binds tighter than AND)
 *              | condition AND condition  (binds tighter than OR)
 *              | condition OR condition
 *
 * A parenthesised group whose whole content is another parenthesised group (`((a = :v))`,
 * `((a)) = :v`) fails with "The expression has redundant parentheses;" as soon as it closes.
 */
import type { ComparisonOperator, ParsedCall, ParsedCondition, ParsedOperand } from './ast.js';
import { Cursor, isComparator, redundantParentheses } from './parser-base.js';
import { T } from './tokenizer.js';

type Unit = { readonly cond: ParsedCondition } | { readonly operand: ParsedOperand };

const COMPARATORS: Partial<Record<T, ComparisonOperator>> = {
  [T.Eq]: '=',
  [T.Ne]: '<>',
  [T.Lt]: '<',
  [T.Le]: '<=',
  [T.Gt]: '>',
  [T.Ge]: '>=',
};

class ConditionParser extends Cursor {
  parse(): ParsedCondition {
    const condition = this.or();
    this.expectEnd();
    return condition;
  }

  private or(first?: ParsedCondition): ParsedCondition {
    let left = this.and(first);
    while (this.type() === T.Or) {
      this.pos++;
      left = { k: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(first?: ParsedCondition): ParsedCondition {
    let left = first ?? this.not();
    while (this.type() === T.And) {
      this.pos++;
      left = { k: 'and', left, right: this.not() };
    }
    return left;
  }

  private not(): ParsedCondition {
    if (this.type() === T.Not) {
      this.pos++;
      return { k: 'not', cond: this.not() };
    }
    if (this.type() === T.LParen) {
      const unit = this.group();
      return 'cond' in unit ? unit.cond : this.asCondition(unit.operand);
    }
    return this.asCondition(this.atom());
  }

  /** An operand in condition position: the start of a comparison, or a function used as a condition. */
  private asCondition(operand: ParsedOperand): ParsedCondition {
    if (startsComparison(this.type())) return this.comparison(operand);
    if (operand.k === 'call') return { k: 'fn', call: operand };
    throw this.fail();
  }

  /** '(' ... ')' where the content may be a condition or (when a comparator follows) an operand. */
  private group(): Unit {
    this.pos++;
    let unit: Unit;
    let bareGroup = false;
    const t = this.type();
    if (t === T.Not) {
      unit = { cond: this.or() };
    } else if (t === T.LParen) {
      const inner = this.group();
      if (this.type() === T.RParen) {
        unit = inner;
        bareGroup = true;
      } else if ('cond' in inner) {
        unit = { cond: this.or(inner.cond) };
      } else {
        unit = { cond: this.or(this.continueOperand(inner.operand)) };
      }
    } else {
      const operand = this.atom();
      const next = this.type();
      if (startsComparison(next) || (operand.k === 'call' && (next === T.And || next === T.Or))) {
        unit = { cond: this.or(this.continueOperand(operand)) };
      } else {
        unit = { operand };
      }
    }
    this.expect(T.RParen);
    if (bareGroup) throw redundantParentheses();
    return unit;
  }

  private continueOperand(operand: ParsedOperand): ParsedCondition {
    if (startsComparison(this.type())) return this.comparison(operand);
    if (operand.k === 'call' && (this.type() === T.And || this.type() === T.Or))
      return { k: 'fn', call: operand as ParsedCall };
    throw this.fail();
  }

  private comparison(left: ParsedOperand): ParsedCondition {
    const t = this.type();
    const op = COMPARATORS[t];
    if (op) {
      this.pos++;
      return { k: 'cmp', op, left, right: this.operand() };
    }
    if (t === T.In) {
      this.pos++;
      this.expect(T.LParen);
      const values: ParsedOperand[] = [this.operand()];
      while (this.type() === T.Comma) {
        this.pos++;
        values.push(this.operand());
      }
      this.expect(T.RParen);
      return { k: 'in', operand: left, values };
    }
    if (t === T.Between) {
      this.pos++;
      const lower = this.operand();
      this.expect(T.And);
      return { k: 'between', operand: left, lower, upper: this.operand() };
    }
    throw this.fail();
  }
}

function startsComparison(t: T): boolean {
  return isComparator(t) || t === T.In || t === T.Between;
}

/** Parse a condition-grammar expression; throws ExpressionError (syntax / redundant parentheses). */
export function parseCondition(text: string): ParsedCondition {
  return new ConditionParser(text).parse();
}
