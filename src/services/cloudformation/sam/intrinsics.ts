// The few intrinsics the translator resolves itself: parameter Refs and ${Param} in Fn::Sub.
import { isObj, type Obj } from './util.js';

export class ParamResolver {
  constructor(private readonly values: Record<string, unknown>) {}

  has(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.values, name);
  }

  /** Deeply replace `{Ref: Param}` and `${Param}` inside Fn::Sub with parameter values. */
  resolve<T>(input: T): T {
    return this.walk(input) as T;
  }

  private walk(v: unknown): unknown {
    if (Array.isArray(v)) return v.map((x) => this.walk(x));
    if (!isObj(v)) return v;
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const k = keys[0]!;
      if (k === 'Ref' && typeof v.Ref === 'string' && this.has(v.Ref)) return this.values[v.Ref];
      if (k === 'Fn::Sub') return { 'Fn::Sub': this.sub(v['Fn::Sub']) };
    }
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) out[k] = this.walk(x);
    return out;
  }

  private sub(arg: unknown): unknown {
    if (typeof arg === 'string') return this.subString(arg, {});
    if (Array.isArray(arg) && typeof arg[0] === 'string') {
      const vars = isObj(arg[1]) ? arg[1] : {};
      return [this.subString(arg[0], vars), this.walk(arg[1])];
    }
    return arg;
  }

  private subString(s: string, locals: Obj): string {
    return s.replace(/\$\{([^}!]+)\}/g, (m, name: string) => {
      const n = name.trim();
      if (n in locals) return m;
      const val = this.values[n];
      if (this.has(n) && (typeof val === 'string' || typeof val === 'number')) return String(val);
      return m;
    });
  }
}

/** `{Ref: X}` / `{"Fn::GetAtt": [X, ...]}` / "X.Attr" → X. */
export function referencedLogicalId(v: unknown): string | undefined {
  if (!isObj(v)) return undefined;
  if (typeof v.Ref === 'string') return v.Ref;
  const g = v['Fn::GetAtt'];
  if (Array.isArray(g) && typeof g[0] === 'string') return g[0];
  if (typeof g === 'string') return g.split('.')[0];
  return undefined;
}
