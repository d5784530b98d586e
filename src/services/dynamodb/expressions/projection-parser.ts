/** Parser for ProjectionExpression: `path (',' path)*`. */
import type { ParsedPath } from './ast.js';
import { Cursor } from './parser-base.js';
import { T } from './tokenizer.js';

class ProjectionParser extends Cursor {
  parse(): ParsedPath[] {
    const paths: ParsedPath[] = [this.path()];
    while (this.type() === T.Comma) {
      this.pos++;
      paths.push(this.path());
    }
    this.expectEnd();
    return paths;
  }
}

/** Parse a ProjectionExpression; throws ExpressionError on a syntax error. */
export function parseProjection(text: string): ParsedPath[] {
  return new ProjectionParser(text).parse();
}
