/**
 * A recursive-descent parser for the PartiQL statements DynamoDB runs: SELECT, INSERT, UPDATE,
 * DELETE and (inside ExecuteTransaction) EXISTS. Syntax errors carry PartiQL's parser messages in
 * DynamoDB's envelope (`Statement wasn't well formed, can't be processed: Unexpected keyword`).
 */
import type { Expr, ParsedStatement, Returning, SelectStatement, Source, Statement } from './ast.js';
import { PartiqlError, msg, position } from './errors.js';
import { invalid } from '../errors.js';
import { ExpressionParser } from './expression-parser.js';
import { tokenize } from './tokenizer.js';

/** Parse one statement. Throws ValidationException with DynamoDB's messages. */
export function parseStatement(text: string): ParsedStatement {
  const parser = new StatementParser(text, tokenize(text));
  const statement = parser.statement();
  return { statement, parameterCount: parser.parameters, text };
}

class StatementParser extends ExpressionParser {
  statement(): Statement {
    const t = this.peek();
    let statement: Statement;
    if (t.kind === 'keyword' && t.value === 'select') statement = this.select();
    else if (t.kind === 'keyword' && t.value === 'insert') statement = this.insert();
    else if (t.kind === 'keyword' && t.value === 'update') statement = this.update();
    else if (t.kind === 'keyword' && t.value === 'delete') statement = this.delete();
    else if (t.kind === 'keyword' && t.value === 'exists' && this.isPunct('(', 1) && this.isKeyword('select', 2)) {
      this.pos += 2;
      const select = this.select();
      this.expectPunct(')');
      statement = { kind: 'exists', select };
    } else {
      // Anything else is an expression, which DynamoDB does not run.
      const expr = this.expression(0);
      this.end();
      throw PartiqlError.unsupported(exprClass(expr));
    }
    this.end();
    return statement;
  }

  private end(): void {
    if (this.acceptPunct(';')) {
      if (this.peek().kind !== 'eof')
        throw PartiqlError.malformed('Unexpected token after semicolon. (Only one query is allowed.)');
      return;
    }
    if (this.peek().kind !== 'eof') throw PartiqlError.malformed('Unexpected token after expression');
  }

  private select(): SelectStatement {
    this.next(); // SELECT
    if (this.acceptKeyword('distinct')) throw invalid('Unsupported token in expression: DISTINCT');
    this.acceptKeyword('all');
    if (this.isKeyword('value')) throw invalid(msg.selectValue);
    let projection: '*' | Expr[];
    const items: { expr: Expr | '*' }[] = [];
    for (;;) {
      if (this.acceptPunct('*')) items.push({ expr: '*' });
      else {
        const expr = this.expression(0);
        if (this.isKeyword('as') || this.peek().kind === 'ident' || this.peek().kind === 'quoted') {
          throw invalid(msg.aliasing);
        }
        items.push({ expr });
      }
      if (!this.acceptPunct(',')) break;
    }
    if (items.some((i) => i.expr === '*')) {
      if (items.length > 1) {
        throw PartiqlError.malformed(
          "Other expressions may not be present in the select list when '*' is used without dot notation.",
        );
      }
      projection = '*';
    } else projection = items.map((i) => i.expr as Expr);
    if (!this.acceptKeyword('from')) throw PartiqlError.malformed('Expected FROM after SELECT list');
    const source = this.source();
    if (
      this.isPunct(',') ||
      ['join', 'inner', 'left', 'right', 'full', 'outer', 'cross'].some((k) => this.isKeyword(k))
    ) {
      throw invalid(msg.singleSource);
    }
    if (
      this.isKeyword('as') ||
      this.isKeyword('at') ||
      this.isKeyword('by') ||
      this.peek().kind === 'ident' ||
      this.peek().kind === 'quoted'
    ) {
      throw invalid(msg.aliasing);
    }
    const where = this.acceptKeyword('where') ? this.expression(0) : undefined;
    if (this.isKeyword('group')) throw PartiqlError.unsupportedClause('GROUP BY');
    if (this.isKeyword('having')) throw PartiqlError.unsupportedClause('HAVING');
    const orderBy: { expr: Expr; desc: boolean }[] = [];
    if (this.acceptKeyword('order')) {
      this.expectKeyword('by');
      do {
        const expr = this.expression(0);
        let desc = false;
        if (this.acceptKeyword('desc')) desc = true;
        else this.acceptKeyword('asc');
        orderBy.push({ expr, desc });
      } while (this.acceptPunct(','));
    }
    if (this.isKeyword('limit')) throw PartiqlError.unsupportedClause('LIMIT');
    if (this.isKeyword('offset')) throw PartiqlError.unsupportedClause('OFFSET');
    return { kind: 'select', projection, source, where, orderBy };
  }

  private insert(): Statement {
    this.next(); // INSERT
    this.expectKeyword('into');
    const source = this.source();
    if (source.index !== undefined) {
      throw invalid(`${msg.dmlFrom} at ${position(this.text, source.span.start, source.span.end)}`);
    }
    if (!this.acceptKeyword('value')) {
      // `INSERT INTO t <<{...}, {...}>>` and friends.
      this.expression(0);
      throw invalid(msg.insertMultiple);
    }
    const value = this.expression(0);
    if (this.isKeyword('at')) throw invalid(msg.insertAt);
    if (this.isKeyword('on')) throw PartiqlError.unsupportedClause('ON CONFLICT');
    if (this.isKeyword('returning')) {
      this.returning();
      throw invalid(msg.returningInsert);
    }
    if (this.isKeyword('where') || this.isKeyword('from')) throw invalid(msg.insertFromWhere);
    return { kind: 'insert', source, value };
  }

  private update(): Statement {
    this.next(); // UPDATE
    const source = this.source();
    if (this.isKeyword('as') || this.peek().kind === 'ident' || this.peek().kind === 'quoted')
      throw invalid(msg.aliasing);
    const actions: ({ op: 'set'; target: Expr; value: Expr } | { op: 'remove'; target: Expr })[] = [];
    for (;;) {
      if (this.acceptKeyword('set')) {
        do {
          const target = this.path();
          if (!this.acceptPunct('=')) throw PartiqlError.malformed("Expected '='");
          const value = this.expression(0);
          actions.push({ op: 'set', target, value });
        } while (this.acceptPunct(','));
      } else if (this.acceptKeyword('remove')) {
        actions.push({ op: 'remove', target: this.path() });
      } else break;
    }
    if (actions.length === 0) throw PartiqlError.malformed('Expected data manipulation');
    const where = this.acceptKeyword('where') ? this.expression(0) : undefined;
    const returning = this.isKeyword('returning') ? this.returning() : undefined;
    return { kind: 'update', source, actions, where, returning };
  }

  private delete(): Statement {
    this.next(); // DELETE
    if (!this.acceptKeyword('from')) throw PartiqlError.malformed('Expected FROM after DELETE');
    const source = this.source();
    if (this.isKeyword('as') || this.peek().kind === 'ident' || this.peek().kind === 'quoted')
      throw invalid(msg.aliasing);
    const where = this.acceptKeyword('where') ? this.expression(0) : undefined;
    const returning = this.isKeyword('returning') ? this.returning() : undefined;
    return { kind: 'delete', source, where, returning };
  }

  private returning(): Returning {
    this.next(); // RETURNING
    let which: 'ALL' | 'MODIFIED';
    if (this.acceptKeyword('all')) which = 'ALL';
    else if (this.acceptKeyword('modified')) which = 'MODIFIED';
    else throw PartiqlError.malformed('Expected ( MODIFIED | ALL ) after RETURNING');
    let side: 'OLD' | 'NEW';
    if (this.acceptKeyword('old')) side = 'OLD';
    else if (this.acceptKeyword('new')) side = 'NEW';
    else throw PartiqlError.malformed('Expected ( NEW | OLD ) in RETURNING clause');
    if (!this.acceptPunct('*')) {
      if (this.peek().kind === 'eof' || this.isPunct(';')) throw invalid(msg.returningStar);
      this.expression(0);
      if (this.isPunct(',')) throw invalid(msg.returningMultiple);
      throw invalid(msg.returningStar);
    }
    if (this.isPunct(',')) throw invalid(msg.returningMultiple);
    return `${which} ${side}`;
  }

  /** The FROM / INTO / UPDATE target: `table` or `table.index`, each quoted or not. */
  private source(): Source {
    const first = this.peek();
    const names: string[] = [];
    const component = (): void => {
      const t = this.peek();
      if (t.kind === 'ident' || t.kind === 'quoted') {
        this.pos++;
        if (t.value === '') throw invalid(msg.emptyPathComponent);
        names.push(t.value);
        return;
      }
      if (t.kind === 'keyword') throw PartiqlError.malformed('Unexpected keyword');
      throw PartiqlError.malformed('Unexpected term');
    };
    component();
    while (this.isPunct('.') || this.isPunct('[')) {
      if (this.acceptPunct('[')) throw invalid('Invalid list expression in source.');
      this.pos++;
      component();
    }
    if (names.length > 2) throw invalid(msg.fromPathTooLong);
    const table = names[0]!;
    // Where the table name sits (DynamoDB reports it when rejecting a qualified INSERT target).
    const span = { start: first.start, end: first.end };
    return names.length === 2 ? { table, index: names[1]!, span } : { table, span };
  }

  /** An update target: a path starting at an attribute name. */
  private path(): Expr {
    const t = this.peek();
    if (t.kind !== 'ident' && t.kind !== 'quoted') {
      if (t.kind === 'keyword') throw PartiqlError.malformed('Unexpected keyword');
      throw PartiqlError.malformed('Expected identifier for simple path');
    }
    this.pos++;
    return this.pathSteps(t.value, t.start);
  }
}

/** The PartiQL AST class name DynamoDB reports for an expression it will not run. */
function exprClass(expr: Expr): string {
  switch (expr.k) {
    case 'path':
      return expr.steps.length ? 'Path' : 'VariableReference';
    case 'list':
    case 'bag':
      return 'Seq';
    case 'struct':
      return 'Struct';
    case 'param':
      return 'Parameter';
    case 'between':
    case 'binary':
    case 'not':
    case 'neg':
    case 'call':
      return 'NAry';
    case 'is':
      return 'Typed';
    case 'missing':
      return 'LiteralMissing';
    default:
      return 'Literal';
  }
}
