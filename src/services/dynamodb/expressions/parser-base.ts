/**
 * Token cursor and the grammar rules every expression kind shares (document paths, operands and
 * function calls). Hand-written recursive descent; a syntax error reports the first token that
 * cannot continue a valid expression, in DynamoDB's `token` / `near` format.
 */
import type { ParsedCall, ParsedOperand, ParsedPath, ParsedPathElement } from './ast.js';
import { ExpressionError, msg, syntaxError } from './expression-errors.js';
import { T, tokenize, type Token } from './tokenizer.js';

export class Cursor {
  protected readonly tokens: Token[];
  protected pos = 0;

  constructor(protected readonly text: string) {
    this.tokens = tokenize(text);
  }

  protected type(): T {
    return this.tokens[this.pos]!.type;
  }

  protected typeAt(offset: number): T {
    const token = this.tokens[this.pos + offset];
    return token ? token.type : T.Eof;
  }

  protected current(): Token {
    return this.tokens[this.pos]!;
  }

  /** A syntax error at the current token. */
  protected fail(): ExpressionError {
    return syntaxError(this.text, this.tokens, this.pos);
  }

  protected expect(type: T): Token {
    const token = this.tokens[this.pos]!;
    if (token.type !== type) throw this.fail();
    this.pos++;
    return token;
  }

  protected expectEnd(): void {
    if (this.type() !== T.Eof) throw this.fail();
  }

  /** path := (ID | #name) ( '.' (ID | #name) | '[' INDEX ']' )* */
  protected path(): ParsedPath {
    const elements: ParsedPathElement[] = [this.pathName()];
    for (;;) {
      const t = this.type();
      if (t === T.Dot) {
        this.pos++;
        elements.push(this.pathName());
      } else if (t === T.LBracket) {
        this.pos++;
        const index = this.expect(T.Index);
        this.expect(T.RBracket);
        elements.push({ k: 'index', index: Number(index.text), text: `[${index.text}]` });
      } else {
        return { k: 'path', elements };
      }
    }
  }

  private pathName(): ParsedPathElement {
    const token = this.current();
    if (token.type === T.Id) {
      this.pos++;
      return { k: 'id', name: token.text };
    }
    if (token.type === T.Name) {
      this.pos++;
      return { k: 'ref', ref: token.text };
    }
    throw this.fail();
  }

  /** atom := ID '(' operand (',' operand)* ')' | path | :value */
  protected atom(): ParsedOperand {
    const token = this.current();
    if (token.type === T.Id && this.typeAt(1) === T.LParen) return this.call();
    if (token.type === T.Id || token.type === T.Name) return this.path();
    if (token.type === T.Value) {
      this.pos++;
      return { k: 'value', ref: token.text };
    }
    throw this.fail();
  }

  private call(): ParsedCall {
    const name = this.current().text;
    this.pos += 2;
    const args: ParsedOperand[] = [this.operand()];
    while (this.type() === T.Comma) {
      this.pos++;
      args.push(this.operand());
    }
    this.expect(T.RParen);
    return { k: 'call', name, args };
  }

  /** operand := atom | '(' operand ')' (doubled parentheses are redundant). */
  protected operand(): ParsedOperand {
    return this.operandUnit().operand;
  }

  private operandUnit(): { operand: ParsedOperand; grouped: boolean } {
    if (this.type() !== T.LParen) return { operand: this.atom(), grouped: false };
    this.pos++;
    const inner = this.operandUnit();
    this.expect(T.RParen);
    if (inner.grouped) throw redundantParentheses();
    return { operand: inner.operand, grouped: true };
  }
}

export function redundantParentheses(): ExpressionError {
  return new ExpressionError(msg.redundantParentheses);
}

export function isComparator(t: T): boolean {
  return t >= T.Eq && t <= T.Ge;
}
