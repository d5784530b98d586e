/** The token cursor the PartiQL parsers share. */
import type { Span } from './ast.js';
import { PartiqlError } from './errors.js';
import type { Token } from './tokenizer.js';

export class TokenStream {
  protected pos = 0;
  /** How many `?` parameters have been read (each `?` is numbered in source order). */
  parameters = 0;

  constructor(
    protected readonly text: string,
    protected readonly tokens: readonly Token[],
  ) {}

  protected peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }

  protected next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  protected isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'keyword' && t.value === word;
  }

  protected isPunct(symbol: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'punct' && t.value === symbol;
  }

  protected acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.pos++;
    return true;
  }

  protected acceptPunct(symbol: string): boolean {
    if (!this.isPunct(symbol)) return false;
    this.pos++;
    return true;
  }

  protected expectPunct(symbol: string): Token {
    if (!this.isPunct(symbol)) throw PartiqlError.malformed(`Expected ${punctName(symbol)}`);
    return this.next();
  }

  protected expectKeyword(word: string): void {
    if (!this.acceptKeyword(word)) throw PartiqlError.malformed(`Expected ${word.toUpperCase()} keyword`);
  }

  protected span(start: number): Span {
    const last = this.tokens[Math.max(this.pos - 1, 0)]!;
    return { start, end: Math.max(last.end, start) };
  }
}

export function punctName(symbol: string): string {
  switch (symbol) {
    case ')':
      return 'RIGHT_PAREN';
    case '(':
      return 'LEFT_PAREN';
    case ']':
      return 'RIGHT_BRACKET';
    case '}':
      return 'RIGHT_CURLY';
    case '>>':
      return 'RIGHT_DOUBLE_ANGLE_BRACKET';
    case ':':
      return 'COLON';
    default:
      return `'${symbol}'`;
  }
}
