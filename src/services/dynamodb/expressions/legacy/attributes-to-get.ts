/** Legacy AttributesToGet: a list of top-level attribute names, used like a projection. */
import { invalid } from '../../errors.js';
import type { Projection } from '../ast.js';
import { insertPath, newPathTree } from '../path-tree.js';

/**
 * Validate AttributesToGet and convert it to a projection (names are literal; no path syntax).
 * Throws "One or more parameter values were invalid: Duplicate value in attribute name: a".
 */
export function convertAttributesToGet(names: readonly string[]): Projection {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name))
      throw invalid(`One or more parameter values were invalid: Duplicate value in attribute name: ${name}`);
    seen.add(name);
  }
  const tree = newPathTree();
  const paths = names.map((name) => [name]);
  for (const path of paths) insertPath(tree, path);
  return { paths, tree };
}
