/**
 * Parsing plus the text-only checks, memoised by expression text. Parse trees hold no request data
 * (placeholders stay unresolved), so one entry serves every request using the same expression;
 * failures are cached too (as the AWS message without its `Invalid <Kind>Expression: ` prefix).
 */
import type { ParsedCondition, ParsedPath, ParsedUpdate } from './ast.js';
import { parseCondition } from './condition-parser.js';
import { ExpressionError } from './expression-errors.js';
import { parseProjection } from './projection-parser.js';
import { checkConditionStatic, checkProjectionStatic, checkUpdateStatic } from './static-checks.js';
import { parseUpdate } from './update-parser.js';

type Entry<V> = { readonly ok: true; readonly value: V } | { readonly ok: false; readonly message: string };

const MAX_ENTRIES = 2000;

class Memo<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(private readonly compute: (text: string) => V) {}

  get(text: string): V {
    let entry = this.entries.get(text);
    if (entry === undefined) {
      try {
        entry = { ok: true, value: this.compute(text) };
      } catch (e) {
        if (e instanceof ExpressionError) entry = { ok: false, message: e.message };
        else if (e instanceof RangeError) entry = { ok: false, message: 'Expression nesting is too deep;' };
        else throw e;
      }
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(text, entry);
    }
    if (!entry.ok) throw new ExpressionError(entry.message);
    return entry.value;
  }

  clear(): void {
    this.entries.clear();
  }
}

const conditions = new Memo<ParsedCondition>((text) => {
  const ast = parseCondition(text);
  checkConditionStatic(ast);
  return ast;
});

const updates = new Memo<ParsedUpdate>((text) => {
  const ast = parseUpdate(text);
  checkUpdateStatic(ast);
  return ast;
});

const projections = new Memo<ParsedPath[]>((text) => {
  const ast = parseProjection(text);
  checkProjectionStatic(ast);
  return ast;
});

/** Parsed condition / filter / key condition; throws ExpressionError. */
export function parsedCondition(text: string): ParsedCondition {
  return conditions.get(text);
}

/** Parsed update expression; throws ExpressionError. */
export function parsedUpdate(text: string): ParsedUpdate {
  return updates.get(text);
}

/** Parsed projection expression; throws ExpressionError. */
export function parsedProjection(text: string): readonly ParsedPath[] {
  return projections.get(text);
}

/** Drop every cached parse (tests). */
export function clearExpressionCache(): void {
  conditions.clear();
  updates.clear();
  projections.clear();
}
