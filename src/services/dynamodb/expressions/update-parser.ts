/**
 * Parser for UpdateExpression:
 *
 *   update     := ( SET set_action (',' set_action)*
 *                 | REMOVE path (',' path)*
 *                 | ADD path :value (',' path :value)*
 *                 | DELETE path :value (',' path :value)* )+
 *   set_action := path '=' set_value
 *   set_value  := operand | arithmetic
 *   arithmetic := operand ('+' | '-') operand | '(' arithmetic ')'
 *
 * Clause keywords are case-insensitive; a clause may appear at most once (checked after parsing).
 */
import type { ParsedSetValue, ParsedUpdate, ParsedUpdateAction, UpdateSectionKind } from './ast.js';
import { Cursor, redundantParentheses } from './parser-base.js';
import { T } from './tokenizer.js';

const SECTIONS: Partial<Record<T, UpdateSectionKind>> = {
  [T.Set]: 'SET',
  [T.Remove]: 'REMOVE',
  [T.Add]: 'ADD',
  [T.Delete]: 'DELETE',
};

class UpdateParser extends Cursor {
  parse(): ParsedUpdate {
    const sections: { kind: UpdateSectionKind; actions: ParsedUpdateAction[] }[] = [];
    const all: ParsedUpdateAction[] = [];
    do {
      const kind = SECTIONS[this.type()];
      if (!kind) throw this.fail();
      this.pos++;
      const actions: ParsedUpdateAction[] = [this.action(kind)];
      while (this.type() === T.Comma) {
        this.pos++;
        actions.push(this.action(kind));
      }
      sections.push({ kind, actions });
      all.push(...actions);
    } while (this.type() !== T.Eof);
    return { sections, actions: all };
  }

  private action(kind: UpdateSectionKind): ParsedUpdateAction {
    const path = this.path();
    switch (kind) {
      case 'SET':
        this.expect(T.Eq);
        return { k: 'SET', path, value: this.setValue().value };
      case 'REMOVE':
        return { k: 'REMOVE', path };
      case 'ADD':
      case 'DELETE':
        return { k: kind, path, value: { k: 'value', ref: this.expect(T.Value).text } };
    }
  }

  private setValue(): { value: ParsedSetValue; grouped: boolean } {
    if (this.type() === T.LParen) {
      this.pos++;
      const inner = this.setValue();
      this.expect(T.RParen);
      if (inner.grouped) throw redundantParentheses();
      const t = this.type();
      if (inner.value.k !== 'arith' && (t === T.Plus || t === T.Minus)) {
        this.pos++;
        return {
          value: { k: 'arith', op: t === T.Plus ? '+' : '-', left: inner.value, right: this.operand() },
          grouped: false,
        };
      }
      return { value: inner.value, grouped: true };
    }
    const left = this.atom();
    const t = this.type();
    if (t === T.Plus || t === T.Minus) {
      this.pos++;
      return { value: { k: 'arith', op: t === T.Plus ? '+' : '-', left, right: this.operand() }, grouped: false };
    }
    return { value: left, grouped: false };
  }
}

/** Parse an UpdateExpression; throws ExpressionError (syntax / redundant parentheses). */
export function parseUpdate(text: string): ParsedUpdate {
  return new UpdateParser(text).parse();
}
