/**
 * PartiQL expressions, with PartiQL's precedence, lowest first:
 *
 *   OR · AND · NOT · = <> · < <= > >= IN BETWEEN LIKE IS · + - || · * / % · unary - + · terms
 *
 * Terms are literals ('s', 1.5e3, TRUE, NULL, MISSING), `?`, attribute paths (`a.b[0]."c"`),
 * collections ([..], (..), <<..>>, {..}) and function calls.
 */
import type { BinaryOp, Expr, PathStep } from './ast.js';
import { invalid } from '../errors.js';
import { PartiqlError, msg } from './errors.js';
import { TokenStream } from './token-stream.js';

/** Keywords that name functions when followed by `(`. */
const FUNCTION_KEYWORDS = new Set([
  'exists',
  'count',
  'avg',
  'max',
  'min',
  'sum',
  'substring',
  'char_length',
  'character_length',
  'octet_length',
  'bit_length',
  'upper',
  'lower',
  'size',
  'nullif',
  'coalesce',
  'list',
  'sexp',
  'bag',
]);

const COMPARISON: Record<string, BinaryOp> = { '=': '=', '<>': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

const enum Prec {
  Or = 10,
  And = 20,
  Not = 30,
  Equality = 40,
  Comparison = 50,
  Additive = 60,
  Multiplicative = 70,
  Unary = 80,
}

export class ExpressionParser extends TokenStream {
  expression(minPrec: number): Expr {
    let left = this.prefix();
    for (;;) {
      const t = this.peek();
      const start = left.span.start;
      let op: BinaryOp | undefined;
      let prec = 0;
      let negated = false;
      if (t.kind === 'punct') {
        if (COMPARISON[t.value]) {
          op = COMPARISON[t.value]!;
          prec = t.value === '=' || t.value === '<>' ? Prec.Equality : Prec.Comparison;
        } else if (t.value === '+' || t.value === '-' || t.value === '||') {
          op = t.value;
          prec = Prec.Additive;
        } else if (t.value === '*' || t.value === '/' || t.value === '%') {
          op = t.value;
          prec = Prec.Multiplicative;
        }
      } else if (t.kind === 'keyword') {
        if (t.value === 'and') [op, prec] = ['and', Prec.And];
        else if (t.value === 'or') [op, prec] = ['or', Prec.Or];
        else if (t.value === 'in') [op, prec] = ['in', Prec.Comparison];
        else if (t.value === 'like') [op, prec] = ['like', Prec.Comparison];
        else if (t.value === 'between' || t.value === 'is') prec = Prec.Comparison;
        else if (
          t.value === 'not' &&
          (this.isKeyword('in', 1) || this.isKeyword('between', 1) || this.isKeyword('like', 1))
        ) {
          prec = Prec.Comparison;
          negated = true;
        }
      }
      if (prec === 0 || prec <= minPrec) return left;
      this.pos++;
      if (negated) this.pos++;
      const keyword = negated ? this.tokens[this.pos - 1]!.value : t.value;
      if (keyword === 'between') {
        const low = this.expression(Prec.Comparison);
        this.expectKeyword('and');
        const high = this.expression(Prec.Comparison);
        left = { k: 'between', expr: left, low, high, span: this.span(start) };
      } else if (keyword === 'is') {
        const not = this.acceptKeyword('not');
        const type = this.next();
        if (type.kind !== 'keyword' && type.kind !== 'ident') throw PartiqlError.malformed('Expected type name');
        left = { k: 'is', expr: left, type: type.value.toUpperCase(), negated: not, span: this.span(start) };
      } else {
        const right = this.expression(prec);
        left = { k: 'binary', op: negated ? (keyword as BinaryOp) : op!, left, right, span: this.span(start) };
      }
      if (negated) left = { k: 'not', expr: left, span: left.span };
    }
  }

  protected prefix(): Expr {
    const t = this.peek();
    if (t.kind === 'keyword' && t.value === 'not') {
      this.pos++;
      const expr = this.expression(Prec.Not);
      return { k: 'not', expr, span: this.span(t.start) };
    }
    if (t.kind === 'punct' && (t.value === '-' || t.value === '+')) {
      this.pos++;
      const expr = this.expression(Prec.Unary);
      if (t.value === '+') return expr;
      if (expr.k === 'number')
        return {
          k: 'number',
          text: expr.text.startsWith('-') ? expr.text.slice(1) : `-${expr.text}`,
          span: this.span(t.start),
        };
      return { k: 'neg', expr, span: this.span(t.start) };
    }
    return this.term();
  }

  protected term(): Expr {
    const t = this.peek();
    const start = t.start;
    switch (t.kind) {
      case 'string':
        this.pos++;
        return { k: 'string', value: t.value, span: this.span(start) };
      case 'number':
        this.pos++;
        return { k: 'number', text: t.value, span: this.span(start) };
      case 'ion':
        this.pos++;
        return { k: 'ion', text: t.value, span: this.span(start) };
      case 'ident':
      case 'quoted':
        this.pos++;
        if (t.kind === 'ident' && this.isPunct('(')) return this.call(t.value.toLowerCase(), start);
        return this.pathSteps(t.value, start);
      case 'keyword':
        switch (t.value) {
          case 'true':
          case 'false':
            this.pos++;
            return { k: 'bool', value: t.value === 'true', span: this.span(start) };
          case 'null':
            this.pos++;
            return { k: 'null', span: this.span(start) };
          case 'missing':
            this.pos++;
            return { k: 'missing', span: this.span(start) };
          case 'from':
            // PartiQL's legacy `FROM x WHERE y SET ...` DML form; DynamoDB never gets that far.
            throw PartiqlError.malformed('Expected data manipulation');
          default:
            if (FUNCTION_KEYWORDS.has(t.value) && this.isPunct('(', 1)) {
              this.pos++;
              return this.call(t.value, start);
            }
            throw PartiqlError.malformed('Unexpected keyword');
        }
      case 'punct':
        switch (t.value) {
          case '?':
            this.pos++;
            return { k: 'param', position: ++this.parameters, span: this.span(start) };
          case '(': {
            this.pos++;
            if (this.isPunct(')')) throw PartiqlError.malformed('Expression group cannot be empty');
            const items = this.list(')');
            const span = this.span(start);
            return items.length === 1 ? this.pathStepsOn(items[0]!, start) : { k: 'list', items, span };
          }
          case '[': {
            this.pos++;
            const items = this.isPunct(']') ? (this.pos++, []) : this.list(']');
            return { k: 'list', items, span: this.span(start) };
          }
          case '<<': {
            this.pos++;
            const items = this.isPunct('>>') ? (this.pos++, []) : this.list('>>');
            return { k: 'bag', items, span: this.span(start) };
          }
          case '{':
            this.pos++;
            return this.struct(start);
          default:
            throw PartiqlError.malformed('Unexpected term');
        }
      case 'eof':
        throw PartiqlError.malformed('Unexpected term');
    }
  }

  /** Comma-separated expressions up to `close` (consumed). */
  protected list(close: string): Expr[] {
    const items: Expr[] = [];
    do items.push(this.expression(0));
    while (this.acceptPunct(','));
    this.expectPunct(close);
    return items;
  }

  protected struct(start: number): Expr {
    const fields: { key: Expr; value: Expr }[] = [];
    if (!this.acceptPunct('}')) {
      do {
        const key = this.expression(0);
        this.expectPunct(':');
        const value = this.expression(0);
        fields.push({ key, value });
      } while (this.acceptPunct(','));
      this.expectPunct('}');
    }
    return { k: 'struct', fields, span: this.span(start) };
  }

  protected call(name: string, start: number): Expr {
    this.expectPunct('(');
    const args: Expr[] = [];
    if (!this.acceptPunct(')')) {
      if (this.isPunct('*') && this.isPunct(')', 1)) {
        this.pos += 2;
        return { k: 'call', name, args: [], span: this.span(start) };
      }
      args.push(...this.list(')'));
    }
    return { k: 'call', name, args, span: this.span(start) };
  }

  /** `.name`, `."name"`, `[n]` and `['name']` steps after an attribute name. */
  protected pathSteps(root: string, start: number): Expr {
    const steps = this.steps();
    return { k: 'path', root, steps, span: this.span(start) };
  }

  /** Path steps after a parenthesised expression (only meaningful when it is a path). */
  protected pathStepsOn(expr: Expr, start: number): Expr {
    if (!this.isPunct('.') && !this.isPunct('[')) return expr;
    const steps = this.steps();
    if (expr.k !== 'path') throw PartiqlError.unsupported('path on a non-attribute expression');
    return { k: 'path', root: expr.root, steps: [...expr.steps, ...steps], span: this.span(start) };
  }

  protected steps(): PathStep[] {
    const steps: PathStep[] = [];
    for (;;) {
      if (this.acceptPunct('.')) {
        const t = this.peek();
        if (t.kind === 'ident' || t.kind === 'quoted') {
          this.pos++;
          steps.push({ k: 'name', name: t.value });
        } else if (t.kind === 'punct' && t.value === '*') {
          throw invalid('Unpivot path component like a.*.b are not supported');
        } else throw PartiqlError.malformed('Invalid path dot component');
      } else if (this.acceptPunct('[')) {
        if (this.isPunct('*')) throw invalid('Wildcard path component like a[*].b are not supported');
        const t = this.peek();
        if (t.kind === 'number' && /^\d+$/.test(t.value) && this.isPunct(']', 1)) {
          this.pos += 2;
          steps.push({ k: 'index', index: Number(t.value) });
        } else if (t.kind === 'string' && this.isPunct(']', 1)) {
          this.pos += 2;
          steps.push({ k: 'name', name: t.value });
        } else {
          this.expression(0);
          throw invalid(msg.unexpectedPathComponent);
        }
      } else return steps;
    }
  }
}
