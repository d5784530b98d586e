import type { MethodDoc, ResourceDoc } from '../types.js';

export interface RouteMatch {
  resource: ResourceDoc;
  method: MethodDoc;
  pathParameters: Record<string, string>;
}

interface Node {
  resource: ResourceDoc;
  literal: Map<string, Node>;
  param?: { name: string; node: Node };
  greedy?: { name: string; node: Node };
}

const trees = new WeakMap<Record<string, ResourceDoc>, Node | undefined>();

function build(resources: Record<string, ResourceDoc>): Node | undefined {
  const nodes = new Map<string, Node>();
  for (const r of Object.values(resources)) nodes.set(r.id, { resource: r, literal: new Map() });
  let root: Node | undefined;
  for (const node of nodes.values()) {
    const r = node.resource;
    if (!r.parentId) {
      root = node;
      continue;
    }
    const parent = nodes.get(r.parentId);
    if (!parent || !r.pathPart) continue;
    const m = /^\{(.+?)(\+)?\}$/.exec(r.pathPart);
    if (!m) parent.literal.set(r.pathPart, node);
    else if (m[2]) parent.greedy = { name: m[1]!, node };
    else parent.param = { name: m[1]!, node };
  }
  return root;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function walk(node: Node, parts: string[], i: number, params: Record<string, string>): Node | undefined {
  if (i === parts.length) return node;
  const part = parts[i]!;
  if (part !== '') {
    const lit = node.literal.get(safeDecode(part));
    if (lit) {
      const found = walk(lit, parts, i + 1, params);
      if (found) return found;
    }
    if (node.param) {
      const found = walk(node.param.node, parts, i + 1, params);
      if (found) {
        params[node.param.name] = safeDecode(part);
        return found;
      }
    }
  }
  if (node.greedy) {
    params[node.greedy.name] = safeDecode(parts.slice(i).join('/'));
    return node.greedy.node;
  }
  return undefined;
}

/**
 * REST routing: exact path parts first, then the `{param}` sibling, then `{proxy+}` (which takes
 * the rest of the path, `//` kept); the method, else ANY. Undefined when nothing matches.
 */
export function route(resources: Record<string, ResourceDoc>, rawPath: string, method: string): RouteMatch | undefined {
  let root = trees.get(resources);
  if (!trees.has(resources)) {
    root = build(resources);
    trees.set(resources, root);
  }
  if (!root) return undefined;
  const parts = rawPath.split('/').slice(1);
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  const params: Record<string, string> = {};
  const node = walk(root, parts, 0, params);
  if (!node) return undefined;
  const methods = node.resource.resourceMethods ?? {};
  const m = methods[method] ?? methods['ANY'];
  if (!m) return undefined;
  return { resource: node.resource, method: m, pathParameters: params };
}
