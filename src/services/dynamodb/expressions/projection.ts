/**
 * ProjectionExpression resolution and application. A projection copies the requested document
 * paths out of an item: map keys keep their names, list elements are kept in index order and
 * compacted (`l[3], l[1]` of a 5-element list yields a 2-element list), and missing paths are
 * simply absent.
 */
import type { AttributeValue, Item } from '../types.js';
import type { DocumentPath, ParsedPath, PathTreeNode, Projection } from './ast.js';
import { resolvePath, type ParamContext } from './names-values.js';
import { insertPath, newPathTree } from './path-tree.js';

/** Resolve parsed projection paths (validated last to first, like DynamoDB); throws ExpressionError. */
export function resolveProjection(ctx: ParamContext, parsed: readonly ParsedPath[]): Projection {
  const paths: DocumentPath[] = new Array<DocumentPath>(parsed.length);
  const tree = newPathTree();
  for (let i = parsed.length - 1; i >= 0; i--) {
    const path = resolvePath(ctx, parsed[i]!);
    paths[i] = path;
    insertPath(tree, path);
  }
  return { paths, tree };
}

/** A projection of plain paths (e.g. built by the caller); throws ExpressionError on overlaps. */
export function projectionOf(paths: readonly DocumentPath[]): Projection {
  const tree = newPathTree();
  for (let i = paths.length - 1; i >= 0; i--) insertPath(tree, paths[i]!);
  return { paths, tree };
}

/** The parts of `item` selected by `projection` (a new object; values are shared, not copied). */
export function projectItem(item: Item, projection: Projection | PathTreeNode): Item {
  const tree = 'tree' in projection ? projection.tree : projection;
  const out: Item = {};
  for (const entry of tree.children.values()) {
    const name = entry.element;
    if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(item, name)) continue;
    const value = item[name]!;
    const projected = entry.node === null ? value : projectValue(value, entry.node);
    if (projected !== undefined) out[name] = projected;
  }
  return out;
}

function projectValue(value: AttributeValue, node: PathTreeNode): AttributeValue | undefined {
  if ('M' in value) {
    const map = value.M;
    const out: Record<string, AttributeValue> = {};
    let any = false;
    for (const entry of node.children.values()) {
      const key = entry.element;
      if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(map, key)) continue;
      const child = map[key]!;
      const projected = entry.node === null ? child : projectValue(child, entry.node);
      if (projected !== undefined) {
        out[key] = projected;
        any = true;
      }
    }
    return any ? { M: out } : undefined;
  }
  if ('L' in value) {
    const list = value.L;
    const picked: [number, AttributeValue][] = [];
    for (const entry of node.children.values()) {
      const index = entry.element;
      if (typeof index !== 'number' || index >= list.length) continue;
      const child = list[index]!;
      const projected = entry.node === null ? child : projectValue(child, entry.node);
      if (projected !== undefined) picked.push([index, projected]);
    }
    if (picked.length === 0) return undefined;
    picked.sort((a, b) => a[0] - b[0]);
    return { L: picked.map((p) => p[1]) };
  }
  return undefined;
}

/** Legacy AttributesToGet: the named top-level attributes that exist (no path syntax). */
export function projectAttributes(item: Item, names: readonly string[]): Item {
  const out: Item = {};
  for (const name of names) {
    if (Object.prototype.hasOwnProperty.call(item, name)) out[name] = item[name]!;
  }
  return out;
}
