// Translation state shared by the resource translators.
import type { ParamResolver } from './intrinsics.js';
import { isObj, type Obj } from './util.js';

const PASS = ['Condition', 'DeletionPolicy', 'UpdateReplacePolicy'];

export class Ctx {
  /** Generated CloudFormation resources (and untouched non-SAM ones), in order. */
  readonly out: Obj = {};
  /** Logical ids generated from each SAM resource. */
  private readonly byOwner = new Map<string, string[]>();
  private owner: string | undefined;
  /** Extra template Conditions the transform adds. */
  readonly conditions: Obj;

  constructor(
    /** The SAM template being translated (after Globals and plugins); its Resources may be mutated. */
    readonly template: Obj,
    readonly params: ParamResolver,
    readonly managedPolicyMap: Record<string, string> | undefined,
  ) {
    this.conditions = isObj(template.Conditions) ? template.Conditions : {};
  }

  get resources(): Obj {
    return this.template.Resources as Obj;
  }

  begin(owner: string): void {
    this.owner = owner;
    this.byOwner.set(owner, []);
  }

  add(id: string, res: Obj): void {
    this.out[id] = res;
    if (this.owner) this.byOwner.get(this.owner)!.push(id);
  }

  generatedBy(owner: string): string[] {
    return this.byOwner.get(owner) ?? [];
  }

  /** Condition, DeletionPolicy, UpdateReplacePolicy of a SAM resource. */
  passthrough(res: Obj): Obj {
    const out: Obj = {};
    for (const k of PASS) if (res[k] !== undefined) out[k] = res[k];
    return out;
  }

  /** The attributes the main generated resource keeps: passthrough plus DependsOn, Metadata, UpdatePolicy. */
  attributes(res: Obj, noDepends = false): Obj {
    const out = this.passthrough(res);
    if (!noDepends && res.DependsOn !== undefined) out.DependsOn = res.DependsOn;
    if (res.UpdatePolicy !== undefined) out.UpdatePolicy = res.UpdatePolicy;
    if (res.Metadata !== undefined && !noDepends) out.Metadata = res.Metadata;
    return out;
  }

  /** PropagateTags: copy the SAM resource's Tags onto the taggable generated resources. */
  propagateTags(ids: string[], tags: Obj): void {
    for (const id of ids) {
      const r = this.out[id];
      if (!isObj(r) || !isObj(r.Properties)) continue;
      const type = r.Type as string;
      if (TAG_MAP.has(type)) {
        const cur = isObj(r.Properties.Tags) ? r.Properties.Tags : {};
        r.Properties.Tags = { ...tags, ...cur };
      } else if (TAG_LIST.has(type)) {
        const cur: Obj[] = Array.isArray(r.Properties.Tags) ? r.Properties.Tags : [];
        const keys = new Set(cur.map((t) => t.Key));
        r.Properties.Tags = [
          ...cur,
          ...Object.entries(tags)
            .filter(([k]) => !keys.has(k))
            .map(([Key, Value]) => ({ Key, Value })),
        ];
      }
    }
  }
}

const TAG_LIST = new Set([
  'AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::ApiGateway::RestApi', 'AWS::ApiGateway::Stage', 'AWS::SQS::Queue',
  'AWS::SNS::Topic', 'AWS::Events::Rule', 'AWS::DynamoDB::Table', 'AWS::ApiGateway::DomainName',
  'AWS::ApiGateway::UsagePlan', 'AWS::ApiGateway::ApiKey', 'AWS::Lambda::EventSourceMapping',
]); // prettier-ignore
const TAG_MAP = new Set(['AWS::ApiGatewayV2::Api', 'AWS::ApiGatewayV2::Stage', 'AWS::ApiGatewayV2::DomainName']);
