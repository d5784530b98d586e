import { logsErrors } from '../errors.js';

/** A compiled filter pattern: does a log event's message match? */
export type Matcher = (message: string) => boolean;

const matchAll: Matcher = () => true;

const invalid = (why: string) => logsErrors.invalidParameter(`Invalid filter pattern: ${why}`);

/**
 * Compile a CloudWatch Logs filter pattern:
 * - terms: `ERROR`, `"quoted phrase"`, `-excluded`, `?either ?or`, `%regex%` (case-sensitive);
 * - JSON: `{ $.level = "ERROR" && ($.latency > 100 || $.user.id != 7) }`, with `=`, `!=`, `<`,
 *   `>`, `<=`, `>=`, `*` wildcards in strings, `%regex%`, `IS NULL`, `IS TRUE`, `IS FALSE`,
 *   `NOT EXISTS`, selectors `$.a.b`, `$.a[0]`, `$.a[*]`, `$.*`;
 * - space-delimited: `[ip, user, ..., status = 4*, bytes > 1000]`.
 */
export function compileFilterPattern(pattern: string | undefined): Matcher {
  const text = (pattern ?? '').trim();
  if (text === '') return matchAll;
  if (text.startsWith('{')) return compileJson(text);
  if (text.startsWith('[')) return compileSpaceDelimited(text);
  return compileTerms(text);
}

// ---------------------------------------------------------------- values and comparisons

type Literal =
  | { kind: 'string'; text: string; glob: RegExp | undefined }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'regex'; re: RegExp };

type Op = '=' | '!=' | '<' | '>' | '<=' | '>=';

function regexOf(body: string): RegExp {
  try {
    return new RegExp(body);
  } catch {
    throw invalid(`bad regular expression %${body}%`);
  }
}

function globOf(text: string): RegExp | undefined {
  if (!text.includes('*')) return undefined;
  const body = text
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 's');
}

const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

function literalOf(raw: string, quoted: boolean): Literal {
  if (!quoted && raw.length >= 2 && raw.startsWith('%') && raw.endsWith('%')) {
    return { kind: 'regex', re: regexOf(raw.slice(1, -1)) };
  }
  if (!quoted && NUMBER.test(raw)) return { kind: 'number', value: Number(raw), text: raw };
  return { kind: 'string', text: raw, glob: globOf(raw) };
}

/** `<`, `>`, `<=`, `>=` take numbers only. */
function checked(op: Op, lit: Literal): Literal {
  if (op !== '=' && op !== '!=' && lit.kind !== 'number') throw invalid(`${op} needs a numeric value`);
  return lit;
}

/** Compare one value (from JSON or a space-delimited field) with a literal. */
function compare(value: unknown, op: Op, lit: Literal): boolean {
  if (lit.kind === 'number') {
    let n: number | undefined;
    if (typeof value === 'number') n = value;
    else if (typeof value === 'string' && NUMBER.test(value.trim())) n = Number(value);
    if (n === undefined) return false;
    switch (op) {
      case '=':
        return n === lit.value;
      case '!=':
        return n !== lit.value;
      case '<':
        return n < lit.value;
      case '>':
        return n > lit.value;
      case '<=':
        return n <= lit.value;
      case '>=':
        return n >= lit.value;
    }
  }
  if (op !== '=' && op !== '!=') return false;
  let s: string;
  if (typeof value === 'string') s = value;
  else if (typeof value === 'number' || typeof value === 'boolean') s = String(value);
  else return false;
  let equal: boolean;
  if (lit.kind === 'regex') equal = lit.re.test(s);
  else equal = lit.glob ? lit.glob.test(s) : s === lit.text;
  return op === '=' ? equal : !equal;
}

// ---------------------------------------------------------------- term patterns

interface Term {
  mode: 'required' | 'excluded' | 'optional';
  test: (message: string) => boolean;
}

function compileTerms(text: string): Matcher {
  const terms: Term[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    let mode: Term['mode'] = 'required';
    if ((text[i] === '-' || text[i] === '?') && i + 1 < text.length && !/\s/.test(text[i + 1]!)) {
      mode = text[i] === '-' ? 'excluded' : 'optional';
      i++;
    }
    let value: string;
    let quoted = false;
    if (text[i] === '"') {
      const end = closingQuote(text, i);
      value = unescapeQuoted(text.slice(i + 1, end));
      quoted = true;
      i = end + 1;
    } else if (text[i] === '%') {
      const end = text.indexOf('%', i + 1);
      if (end < 0) throw invalid('unterminated regular expression');
      value = text.slice(i, end + 1);
      i = end + 1;
    } else {
      const start = i;
      while (i < text.length && !/\s/.test(text[i]!)) i++;
      value = text.slice(start, i);
    }
    if (!quoted && value.length >= 2 && value.startsWith('%') && value.endsWith('%')) {
      const re = regexOf(value.slice(1, -1));
      terms.push({ mode, test: (m) => re.test(m) });
    } else {
      const needle = value;
      terms.push({ mode, test: (m) => m.includes(needle) });
    }
  }
  const required = terms.filter((t) => t.mode === 'required');
  const excluded = terms.filter((t) => t.mode === 'excluded');
  const optional = terms.filter((t) => t.mode === 'optional');
  return (message) =>
    required.every((t) => t.test(message)) &&
    !excluded.some((t) => t.test(message)) &&
    (optional.length === 0 || optional.some((t) => t.test(message)));
}

function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  throw invalid('unterminated quoted string');
}

const unescapeQuoted = (s: string): string => s.replace(/\\(.)/g, '$1');

// ---------------------------------------------------------------- JSON patterns

type Tok =
  | { t: 'punct'; v: '{' | '}' | '(' | ')' | '&&' | '||' }
  | { t: 'op'; v: Op }
  | { t: 'selector'; path: (string | number | '*')[] }
  | { t: 'value'; raw: string; quoted: boolean };

type Expr =
  | { k: 'and' | 'or'; left: Expr; right: Expr }
  | { k: 'cmp'; path: (string | number | '*')[]; op: Op; lit: Literal }
  | { k: 'is'; path: (string | number | '*')[]; what: 'NULL' | 'TRUE' | 'FALSE' }
  | { k: 'notExists'; path: (string | number | '*')[] };

function tokenizeJson(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '{' || c === '}' || c === '(' || c === ')') {
      out.push({ t: 'punct', v: c });
      i++;
    } else if (text.startsWith('&&', i) || text.startsWith('||', i)) {
      out.push({ t: 'punct', v: text.slice(i, i + 2) as '&&' | '||' });
      i += 2;
    } else if (text.startsWith('!=', i) || text.startsWith('<=', i) || text.startsWith('>=', i)) {
      out.push({ t: 'op', v: text.slice(i, i + 2) as Op });
      i += 2;
    } else if (c === '=' || c === '<' || c === '>') {
      out.push({ t: 'op', v: c });
      i++;
    } else if (c === '"') {
      const end = closingQuote(text, i);
      out.push({ t: 'value', raw: unescapeQuoted(text.slice(i + 1, end)), quoted: true });
      i = end + 1;
    } else if (c === '%') {
      const end = text.indexOf('%', i + 1);
      if (end < 0) throw invalid('unterminated regular expression');
      out.push({ t: 'value', raw: text.slice(i, end + 1), quoted: false });
      i = end + 1;
    } else if (c === '$') {
      const start = i;
      while (i < text.length && !/[\s=!<>()&|{}]/.test(text[i]!)) i++;
      out.push({ t: 'selector', path: parseSelector(text.slice(start, i)) });
    } else {
      const start = i;
      while (
        i < text.length &&
        !/[\s=!<>(){}]/.test(text[i]!) &&
        !text.startsWith('&&', i) &&
        !text.startsWith('||', i)
      )
        i++;
      if (i === start) throw invalid(`unexpected character ${c}`);
      out.push({ t: 'value', raw: text.slice(start, i), quoted: false });
    }
  }
  return out;
}

function parseSelector(s: string): (string | number | '*')[] {
  const path: (string | number | '*')[] = [];
  let i = 1;
  while (i < s.length) {
    if (s[i] === '.') {
      let j = i + 1;
      while (j < s.length && s[j] !== '.' && s[j] !== '[') j++;
      const name = s.slice(i + 1, j);
      if (name === '') throw invalid(`bad selector ${s}`);
      path.push(name === '*' ? '*' : name);
      i = j;
    } else if (s[i] === '[') {
      const j = s.indexOf(']', i);
      if (j < 0) throw invalid(`bad selector ${s}`);
      const inner = s.slice(i + 1, j).trim();
      if (inner === '*') path.push('*');
      else if (/^\d+$/.test(inner)) path.push(Number(inner));
      else if (/^'.*'$|^".*"$/.test(inner)) path.push(inner.slice(1, -1));
      else throw invalid(`bad selector ${s}`);
      i = j + 1;
    } else {
      throw invalid(`bad selector ${s}`);
    }
  }
  return path;
}

function compileJson(text: string): Matcher {
  const toks = tokenizeJson(text);
  let pos = 0;
  const peek = () => toks[pos];
  const isPunct = (v: string) => {
    const t = toks[pos];
    return t !== undefined && t.t === 'punct' && t.v === v;
  };
  const expectPunct = (v: string) => {
    if (!isPunct(v)) throw invalid(`expected ${v}`);
    pos++;
  };
  const word = (w: string) => {
    const t = toks[pos];
    return t !== undefined && t.t === 'value' && !t.quoted && t.raw.toUpperCase() === w;
  };
  const parseOr = (): Expr => {
    let left = parseAnd();
    while (isPunct('||')) {
      pos++;
      left = { k: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): Expr => {
    let left = parseUnary();
    while (isPunct('&&')) {
      pos++;
      left = { k: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): Expr => {
    if (isPunct('(')) {
      pos++;
      const e = parseOr();
      expectPunct(')');
      return e;
    }
    const sel = peek();
    if (!sel || sel.t !== 'selector') throw invalid('expected a selector ($.field)');
    pos++;
    if (word('IS')) {
      pos++;
      for (const what of ['NULL', 'TRUE', 'FALSE'] as const) {
        if (word(what)) {
          pos++;
          return { k: 'is', path: sel.path, what };
        }
      }
      throw invalid('expected NULL, TRUE or FALSE after IS');
    }
    if (word('NOT')) {
      pos++;
      if (!word('EXISTS')) throw invalid('expected EXISTS after NOT');
      pos++;
      return { k: 'notExists', path: sel.path };
    }
    const op = peek();
    if (!op || op.t !== 'op') throw invalid('expected a comparison operator');
    pos++;
    const value = peek();
    if (!value || value.t !== 'value') throw invalid('expected a value');
    pos++;
    return { k: 'cmp', path: sel.path, op: op.v, lit: checked(op.v, literalOf(value.raw, value.quoted)) };
  };
  expectPunct('{');
  const expr = parseOr();
  expectPunct('}');
  if (pos !== toks.length) throw invalid('unexpected text after }');
  return (message) => {
    const trimmed = message.trimStart();
    if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return false;
    let doc: unknown;
    try {
      doc = JSON.parse(message);
    } catch {
      return false;
    }
    return evalExpr(expr, doc);
  };
}

function select(doc: unknown, path: readonly (string | number | '*')[]): unknown[] {
  let current: unknown[] = [doc];
  for (const seg of path) {
    const next: unknown[] = [];
    for (const v of current) {
      if (v === null || typeof v !== 'object') continue;
      if (seg === '*') next.push(...(Array.isArray(v) ? v : Object.values(v)));
      else if (typeof seg === 'number') {
        if (Array.isArray(v) && seg < v.length) next.push(v[seg]);
      } else if (!Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, seg)) {
        next.push((v as Record<string, unknown>)[seg]);
      }
    }
    current = next;
  }
  return current;
}

function evalExpr(e: Expr, doc: unknown): boolean {
  switch (e.k) {
    case 'and':
      return evalExpr(e.left, doc) && evalExpr(e.right, doc);
    case 'or':
      return evalExpr(e.left, doc) || evalExpr(e.right, doc);
    case 'notExists':
      return select(doc, e.path).length === 0;
    case 'is': {
      const want = e.what === 'NULL' ? null : e.what === 'TRUE';
      return select(doc, e.path).some((v) => v === want);
    }
    case 'cmp':
      return select(doc, e.path).some((v) => compare(v, e.op, e.lit));
  }
}

// ---------------------------------------------------------------- space-delimited patterns

interface Condition {
  op: Op;
  lit: Literal;
}
type FieldSpec = { ellipsis: true } | { ellipsis: false; any: Condition[][] };

function compileSpaceDelimited(text: string): Matcher {
  if (!text.endsWith(']')) throw invalid('expected ]');
  const specs = splitTopLevel(text.slice(1, -1)).map(parseFieldSpec);
  return (message) => {
    const fields = splitMessage(message);
    const match = (f: number, s: number): boolean => {
      if (s === specs.length) return f === fields.length;
      const spec = specs[s]!;
      if (spec.ellipsis) {
        for (let k = f; k <= fields.length; k++) if (match(k, s + 1)) return true;
        return false;
      }
      if (f >= fields.length) return false;
      const value = fields[f]!;
      const ok = spec.any.length === 0 || spec.any.some((all) => all.every((c) => compare(value, c.op, c.lit)));
      return ok && match(f + 1, s + 1);
    };
    return match(0, 0);
  };
}

/** Split on commas outside quotes. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '"') i = closingQuote(s, i);
    else if (s[i] === ',') {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  const trimmed = out.map((x) => x.trim());
  if (trimmed.length === 1 && trimmed[0] === '') return [];
  if (trimmed.some((x) => x === '')) throw invalid('empty field');
  return trimmed;
}

/** `name`, `...`, or `name op value [&& name op value] [|| ...]`. */
function parseFieldSpec(s: string): FieldSpec {
  if (s === '...') return { ellipsis: true };
  const toks = tokenizeJson(s);
  if (toks.length === 1 && toks[0]!.t === 'value') return { ellipsis: false, any: [] };
  const any: Condition[][] = [[]];
  let i = 0;
  while (i < toks.length) {
    const name = toks[i];
    const op = toks[i + 1];
    const value = toks[i + 2];
    if (!name || name.t !== 'value' || !op || op.t !== 'op' || !value || value.t !== 'value') {
      throw invalid(`bad field condition ${s}`);
    }
    any[any.length - 1]!.push({ op: op.v, lit: checked(op.v, literalOf(value.raw, value.quoted)) });
    i += 3;
    const joiner = toks[i];
    if (!joiner) break;
    if (joiner.t !== 'punct' || (joiner.v !== '&&' && joiner.v !== '||')) throw invalid(`bad field condition ${s}`);
    if (joiner.v === '||') any.push([]);
    i++;
  }
  return { ellipsis: false, any };
}

/** Fields of a message: whitespace-separated, a "quoted" or [bracketed] run is one field. */
function splitMessage(message: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = message.length;
  while (i < n) {
    const c = message[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === '[') {
      const close = c === '"' ? '"' : ']';
      const end = message.indexOf(close, i + 1);
      if (end >= 0) {
        out.push(message.slice(i + 1, end));
        i = end + 1;
        continue;
      }
    }
    const start = i;
    while (i < n && !/\s/.test(message[i]!)) i++;
    out.push(message.slice(start, i));
  }
  return out;
}
