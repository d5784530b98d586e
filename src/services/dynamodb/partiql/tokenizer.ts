/**
 * The PartiQL lexer (the subset DynamoDB accepts, with PartiQL's lexical rules):
 *
 *   whitespace, `-- line` and `/* block *\/` comments   skipped
 *   identifier   [A-Za-z_$][A-Za-z0-9_$]*   (keywords are identifiers from KEYWORDS, case-insensitive)
 *   "quoted"     a case-sensitive identifier; `""` escapes a quote
 *   'string'     a string literal; `''` escapes a quote
 *   number       digits [. digits] [e [+-] digits] | . digits [...]
 *   `ion`        an Ion literal (DynamoDB rejects them)
 *   punctuation  , . ; : ? * ( ) [ ] { } << >> = <> != < <= > >= + - / % ||
 */
import { PartiqlError } from './errors.js';

export type TokenKind = 'ident' | 'quoted' | 'keyword' | 'string' | 'number' | 'ion' | 'punct' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Keywords: lower-case keyword; identifiers: the name; strings: the unescaped text; punct: the symbol. */
  readonly value: string;
  /** 0-based offsets into the statement. */
  readonly start: number;
  readonly end: number;
}

/** PartiQL's reserved words (SQL-92 plus PartiQL's own), lower case. */
export const KEYWORDS: ReadonlySet<string> = new Set(
  (
    'absolute action add all allocate alter and any are as asc assertion at authorization avg begin between bit ' +
    'bit_length by cascade cascaded case cast catalog char character character_length char_length check close ' +
    'coalesce collate collation column commit connect connection constraint constraints continue convert ' +
    'corresponding count create cross current current_date current_time current_timestamp current_user cursor ' +
    'date deallocate dec decimal declare default deferrable deferred delete desc describe descriptor diagnostics ' +
    'disconnect distinct domain double drop else end escape except exception exec execute exists external extract ' +
    'date_add date_diff false fetch first float for foreign found from full get global go goto grant group having ' +
    'identity immediate in indicator initially inner input insensitive insert int integer intersect interval into ' +
    'is isolation join key language last left level like local lower match max min module names national natural ' +
    'nchar next no not null nullif numeric octet_length of on only open option or order outer output overlaps pad ' +
    'partial position precision prepare preserve primary prior privileges procedure public read real references ' +
    'relative restrict revoke right rollback rows schema scroll section select session session_user set size ' +
    'smallint some space sql sqlcode sqlerror sqlstate substring sum system_user table temporary then time ' +
    'timestamp to transaction translate translation trim true union unique unknown update upper usage user using ' +
    'value values varchar varying view when whenever where with work write zone missing pivot unpivot limit tuple ' +
    'remove index let bool boolean string symbol clob blob struct list sexp bag returning modified new old ' +
    'conflict nothing offset do can_cast can_lossless_cast integer2 int2 integer4 int4 integer8 int8 bigint'
  ).split(' '),
);

const PUNCT3 = new Set<string>();
const PUNCT2 = new Set(['<<', '>>', '<>', '!=', '<=', '>=', '||']);
const PUNCT1 = new Set([',', '.', ';', ':', '?', '*', '(', ')', '[', ']', '{', '}', '=', '<', '>', '+', '-', '/', '%']);

const isIdentStart = (c: string) => /[A-Za-z_$]/.test(c);
const isIdentPart = (c: string) => /[A-Za-z0-9_$]/.test(c);
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** Split a statement into tokens; the last one is `eof`. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    if (c === '-' && text[i + 1] === '-') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) throw PartiqlError.malformed('Unexpected end of input in block comment');
      i = close + 2;
      continue;
    }
    const start = i;
    if (isIdentStart(c)) {
      while (i < n && isIdentPart(text[i]!)) i++;
      const word = text.slice(start, i);
      const lower = word.toLowerCase();
      tokens.push({
        kind: KEYWORDS.has(lower) ? 'keyword' : 'ident',
        value: KEYWORDS.has(lower) ? lower : word,
        start,
        end: i,
      });
      continue;
    }
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= n)
          throw PartiqlError.malformed(c === '"' ? 'Unterminated quoted identifier' : 'Unterminated string literal');
        const ch = text[i]!;
        if (ch === c) {
          if (text[i + 1] === c) {
            value += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += ch;
        i++;
      }
      tokens.push({ kind: c === '"' ? 'quoted' : 'string', value, start, end: i });
      continue;
    }
    if (c === '`') {
      const close = text.indexOf('`', i + 1);
      if (close < 0) throw PartiqlError.malformed('Unterminated Ion literal');
      i = close + 1;
      tokens.push({ kind: 'ion', value: text.slice(start + 1, close), start, end: i });
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1]))) {
      while (isDigit(text[i])) i++;
      if (text[i] === '.' && (isDigit(text[i + 1]) || start < i)) {
        i++;
        while (isDigit(text[i])) i++;
      }
      if (
        (text[i] === 'e' || text[i] === 'E') &&
        (isDigit(text[i + 1]) || ((text[i + 1] === '+' || text[i + 1] === '-') && isDigit(text[i + 2])))
      ) {
        i += 2;
        while (isDigit(text[i])) i++;
      }
      tokens.push({ kind: 'number', value: text.slice(start, i), start, end: i });
      continue;
    }
    const three = text.slice(i, i + 3);
    const two = text.slice(i, i + 2);
    if (PUNCT3.has(three)) {
      tokens.push({ kind: 'punct', value: three, start, end: i + 3 });
      i += 3;
      continue;
    }
    if (PUNCT2.has(two)) {
      tokens.push({ kind: 'punct', value: two === '!=' ? '<>' : two, start, end: i + 2 });
      i += 2;
      continue;
    }
    if (PUNCT1.has(c)) {
      tokens.push({ kind: 'punct', value: c, start, end: i + 1 });
      i++;
      continue;
    }
    throw PartiqlError.malformed(`Invalid character`);
  }
  tokens.push({ kind: 'eof', value: '', start: n, end: n });
  return tokens;
}
