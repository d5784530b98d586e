/**
 * PartiQL syntax trees, as the parser produces them: independent of any table, with literals
 * still in source form and `?` parameters as positions (1-based, in source order).
 */

/** Where a node sits in the statement (0-based UTF-16 offsets). */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export type PathStep = { readonly k: 'name'; readonly name: string } | { readonly k: 'index'; readonly index: number };

export type Expr =
  /** An attribute reference with optional `.name` / `[n]` / `['name']` steps. */
  | { readonly k: 'path'; readonly root: string; readonly steps: readonly PathStep[]; readonly span: Span }
  | { readonly k: 'string'; readonly value: string; readonly span: Span }
  | { readonly k: 'number'; readonly text: string; readonly span: Span }
  | { readonly k: 'bool'; readonly value: boolean; readonly span: Span }
  | { readonly k: 'null'; readonly span: Span }
  | { readonly k: 'missing'; readonly span: Span }
  | { readonly k: 'ion'; readonly text: string; readonly span: Span }
  | { readonly k: 'param'; readonly position: number; readonly span: Span }
  | { readonly k: 'list'; readonly items: readonly Expr[]; readonly span: Span }
  | { readonly k: 'bag'; readonly items: readonly Expr[]; readonly span: Span }
  | {
      readonly k: 'struct';
      readonly fields: readonly { readonly key: Expr; readonly value: Expr }[];
      readonly span: Span;
    }
  | { readonly k: 'call'; readonly name: string; readonly args: readonly Expr[]; readonly span: Span }
  | { readonly k: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly span: Span }
  | { readonly k: 'not'; readonly expr: Expr; readonly span: Span }
  | { readonly k: 'neg'; readonly expr: Expr; readonly span: Span }
  | { readonly k: 'between'; readonly expr: Expr; readonly low: Expr; readonly high: Expr; readonly span: Span }
  | { readonly k: 'is'; readonly expr: Expr; readonly type: string; readonly negated: boolean; readonly span: Span };

export type BinaryOp =
  '=' | '<>' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | '||' | 'and' | 'or' | 'in' | 'like';

/** `FROM "table"` or `FROM "table"."index"`. */
export interface Source {
  readonly table: string;
  readonly index?: string;
  /** The table name's position. */
  readonly span: Span;
}

export type Returning = 'ALL OLD' | 'ALL NEW' | 'MODIFIED OLD' | 'MODIFIED NEW';

export interface SelectStatement {
  readonly kind: 'select';
  /** `*`, or the projected paths in order. */
  readonly projection: '*' | readonly Expr[];
  readonly source: Source;
  readonly where: Expr | undefined;
  readonly orderBy: readonly { readonly expr: Expr; readonly desc: boolean }[];
}

export interface InsertStatement {
  readonly kind: 'insert';
  readonly source: Source;
  readonly value: Expr;
}

export type UpdateAction =
  | { readonly op: 'set'; readonly target: Expr; readonly value: Expr }
  | { readonly op: 'remove'; readonly target: Expr };

export interface UpdateStatement {
  readonly kind: 'update';
  readonly source: Source;
  readonly actions: readonly UpdateAction[];
  readonly where: Expr | undefined;
  readonly returning: Returning | undefined;
}

export interface DeleteStatement {
  readonly kind: 'delete';
  readonly source: Source;
  readonly where: Expr | undefined;
  readonly returning: Returning | undefined;
}

/** `EXISTS(SELECT * FROM t WHERE <key> AND <condition>)`: a condition check inside ExecuteTransaction. */
export interface ExistsStatement {
  readonly kind: 'exists';
  readonly select: SelectStatement;
}

export type Statement = SelectStatement | InsertStatement | UpdateStatement | DeleteStatement | ExistsStatement;

/** A parsed statement with how many `?` it holds. */
export interface ParsedStatement {
  readonly statement: Statement;
  readonly parameterCount: number;
  /** The statement text (for positions in messages). */
  readonly text: string;
}
