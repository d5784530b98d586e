/**
 * The JSONPath subset EventBridge accepts in InputPath and InputPathsMap: `$`, dotted names,
 * bracketed names (`$['a b']`) and array indexes (`$.a[0]`).
 */
export type PathStep = string | number;

/** The steps of a path, or undefined when it is not one EventBridge accepts. */
export function parsePath(path: string): PathStep[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const steps: PathStep[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      const m = /^[^.[\]]+/.exec(path.slice(i + 1));
      if (!m) return undefined;
      steps.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === '[') {
      const idx = /^\[(\d+)\]/.exec(path.slice(i));
      const name = /^\['([^']*)'\]/.exec(path.slice(i)) ?? /^\["([^"]*)"\]/.exec(path.slice(i));
      if (idx) {
        steps.push(Number(idx[1]));
        i += idx[0].length;
      } else if (name) {
        steps.push(name[1]!);
        i += name[0].length;
      } else return undefined;
    } else return undefined;
  }
  return steps;
}

/** The value a path selects, or undefined when the event has none there. */
export function select(value: unknown, steps: PathStep[]): unknown {
  let cur: unknown = value;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[step];
    } else {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
      cur = (cur as Record<string, unknown>)[step];
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}
