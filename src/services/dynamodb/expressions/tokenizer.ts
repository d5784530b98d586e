/**
 * The lexer shared by every DynamoDB expression (condition, filter, key condition, projection and
 * update), mirroring DynamoDB's own grammar:
 *
 *   WS          [ \t\r\n]+                    (skipped, but kept in syntax-error context)
 *   keywords    IN BETWEEN NOT AND OR SET ADD DELETE REMOVE  (case-insensitive, in every expression kind)
 *   INDEX       0 | [1-9][0-9]*
 *   ID          [A-Za-z][A-Za-z0-9_]*
 *   NAME        #[A-Za-z0-9_]+
 *   VALUE       :[A-Za-z0-9_]+
 *   punctuation , ( ) . [ ] = <> < <= > >= + -
 *   UNKNOWN     any other single character (`_abc` lexes as `_` then `abc`; a lone `#` or `:` too)
 */

export enum T {
  Comma,
  LParen,
  RParen,
  Dot,
  LBracket,
  RBracket,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  Plus,
  Minus,
  In,
  Between,
  Not,
  And,
  Or,
  Set,
  Add,
  Delete,
  Remove,
  Index,
  Id,
  Name,
  Value,
  Unknown,
  Eof,
}

export interface Token {
  readonly type: T;
  /** Source text (empty for EOF). */
  readonly text: string;
  /** UTF-16 offsets into the expression. */
  readonly start: number;
  readonly end: number;
}

const KEYWORDS: Record<string, T> = {
  IN: T.In,
  BETWEEN: T.Between,
  NOT: T.Not,
  AND: T.And,
  OR: T.Or,
  SET: T.Set,
  ADD: T.Add,
  DELETE: T.Delete,
  REMOVE: T.Remove,
};

const enum C {
  Tab = 9,
  Lf = 10,
  Cr = 13,
  Space = 32,
  Hash = 35,
  Colon = 58,
  Zero = 48,
  Nine = 57,
  Underscore = 95,
}

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isIdChar(c: number): boolean {
  return isAlpha(c) || (c >= C.Zero && c <= C.Nine) || c === C.Underscore;
}

const SINGLE: Record<string, T> = {
  ',': T.Comma,
  '(': T.LParen,
  ')': T.RParen,
  '.': T.Dot,
  '[': T.LBracket,
  ']': T.RBracket,
  '=': T.Eq,
  '+': T.Plus,
  '-': T.Minus,
};

/** Tokens of `text`, always ending with an EOF token at `text.length`. Never throws. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === C.Space || c === C.Tab || c === C.Lf || c === C.Cr) {
      i++;
      continue;
    }
    const start = i;
    if (isAlpha(c)) {
      i++;
      while (i < n && isIdChar(text.charCodeAt(i))) i++;
      const word = text.slice(start, i);
      const keyword = word.length <= 7 ? KEYWORDS[word.toUpperCase()] : undefined;
      tokens.push({ type: keyword ?? T.Id, text: word, start, end: i });
      continue;
    }
    if (c >= C.Zero && c <= C.Nine) {
      i++;
      if (c !== C.Zero) while (i < n && isDigit(text.charCodeAt(i))) i++;
      tokens.push({ type: T.Index, text: text.slice(start, i), start, end: i });
      continue;
    }
    if (c === C.Hash || c === C.Colon) {
      let j = i + 1;
      while (j < n && isIdChar(text.charCodeAt(j))) j++;
      if (j > i + 1) {
        tokens.push({ type: c === C.Hash ? T.Name : T.Value, text: text.slice(start, j), start, end: j });
        i = j;
        continue;
      }
      tokens.push({ type: T.Unknown, text: text[i]!, start, end: i + 1 });
      i++;
      continue;
    }
    const ch = text[i]!;
    const single = SINGLE[ch];
    if (single !== undefined) {
      tokens.push({ type: single, text: ch, start, end: i + 1 });
      i++;
      continue;
    }
    if (ch === '<' || ch === '>') {
      const next = text[i + 1];
      if (ch === '<' && next === '>') tokens.push({ type: T.Ne, text: '<>', start, end: i + 2 });
      else if (next === '=') tokens.push({ type: ch === '<' ? T.Le : T.Ge, text: ch + '=', start, end: i + 2 });
      else tokens.push({ type: ch === '<' ? T.Lt : T.Gt, text: ch, start, end: i + 1 });
      i = tokens[tokens.length - 1]!.end;
      continue;
    }
    // Anything else is a single (code point) UNKNOWN token.
    const cp = text.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    tokens.push({ type: T.Unknown, text: text.slice(i, i + len), start, end: i + len });
    i += len;
  }
  tokens.push({ type: T.Eof, text: '', start: n, end: n });
  return tokens;
}

function isDigit(c: number): boolean {
  return c >= C.Zero && c <= C.Nine;
}
