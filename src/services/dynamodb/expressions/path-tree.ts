/**
 * Document-path trees for ProjectionExpression and UpdateExpression targets. Inserting a path that
 * equals or contains another ("overlap"), or that reaches the same container through both a map
 * key and a list index ("conflict"), fails with AWS's messages. As in DynamoDB, the path being
 * inserted is "path one" and the one already in the tree is "path two".
 */
import type { DocumentPath, PathElement, PathTreeNode, UpdateAction } from './ast.js';
import { ExpressionError, msg } from './expression-errors.js';
import { formatPath } from './names-values.js';

export function newPathTree(): PathTreeNode {
  return { children: new Map() };
}

export function elementKey(element: PathElement): string {
  return typeof element === 'number' ? `i:${element}` : `s:${element}`;
}

/** Add `path` to the tree (throws ExpressionError on overlap / conflict). */
export function insertPath(root: PathTreeNode, path: DocumentPath, action?: UpdateAction): void {
  let node = root;
  for (let depth = 0; depth < path.length; depth++) {
    const element = path[depth]!;
    const key = elementKey(element);
    const entry = node.children.get(key);
    if (entry === undefined) {
      const first = node.children.values().next();
      if (!first.done && typeof first.value.element !== typeof element) {
        throw new ExpressionError(
          msg.conflict(formatPath(path), formatPath(existingPath(path, depth, node, undefined))),
        );
      }
      // Add the rest of the path as a chain.
      let parent = node;
      let k = key;
      for (let d = depth; d < path.length; d++) {
        const last = d === path.length - 1;
        const child: PathTreeNode | null = last ? null : newPathTree();
        parent.children.set(
          k,
          last && action ? { element: path[d]!, node: child, action } : { element: path[d]!, node: child },
        );
        if (child === null) break;
        parent = child;
        k = elementKey(path[d + 1]!);
      }
      return;
    }
    if (entry.node !== null && depth + 1 < path.length) {
      node = entry.node;
      continue;
    }
    throw new ExpressionError(msg.overlap(formatPath(path), formatPath(existingPath(path, depth, node, key))));
  }
}

/** The path already in the tree that `path` collided with at `depth`. */
function existingPath(path: DocumentPath, depth: number, node: PathTreeNode, key: string | undefined): PathElement[] {
  const out: PathElement[] = path.slice(0, depth);
  let current: PathTreeNode | null = node;
  let preferred = key;
  while (current !== null && current.children.size > 0) {
    const entry: { readonly element: PathElement; node: PathTreeNode | null } =
      (preferred !== undefined ? current.children.get(preferred) : undefined) ??
      current.children.values().next().value!;
    out.push(entry.element);
    current = entry.node;
    preferred = undefined;
  }
  return out;
}
