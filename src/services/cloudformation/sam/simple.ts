// AWS::Serverless::SimpleTable and AWS::Serverless::LayerVersion.
import type { Ctx } from './context.js';
import { s3Location } from './function.js';
import { hashedId, invalid, isIntrinsic, isObj, tagList, type Obj } from './util.js';

const TYPES: Record<string, string> = { String: 'S', Number: 'N', Binary: 'B' };

export function translateSimpleTable(ctx: Ctx, id: string, res: Obj): void {
  const p: Obj = res.Properties ?? {};
  let pk: Obj = { AttributeName: 'id', AttributeType: 'S' };
  if (isObj(p.PrimaryKey)) {
    if (p.PrimaryKey.Name === undefined) throw invalid(id, "Property 'PrimaryKey.Name' is required.");
    if (p.PrimaryKey.Type === undefined) throw invalid(id, "Property 'PrimaryKey.Type' is required.");
    const t = TYPES[p.PrimaryKey.Type];
    if (!t) throw invalid(id, `Invalid 'Type' "${p.PrimaryKey.Type}".`);
    pk = { AttributeName: p.PrimaryKey.Name, AttributeType: t };
  }
  const props: Obj = { AttributeDefinitions: [pk], KeySchema: [{ AttributeName: pk.AttributeName, KeyType: 'HASH' }] };
  if (p.PointInTimeRecoverySpecification) props.PointInTimeRecoverySpecification = p.PointInTimeRecoverySpecification;
  if (p.ProvisionedThroughput) props.ProvisionedThroughput = p.ProvisionedThroughput;
  else props.BillingMode = 'PAY_PER_REQUEST';
  if (p.SSESpecification) props.SSESpecification = p.SSESpecification;
  if (p.TableName) props.TableName = p.TableName;
  if (p.Tags) props.Tags = tagList(p.Tags);
  ctx.add(id, { Type: 'AWS::DynamoDB::Table', ...ctx.attributes(res), Properties: props });
}

/** Returns the new (hashed) logical id; references to the old id are rewritten by the caller. */
export function translateLayer(ctx: Ctx, id: string, res: Obj): string {
  const p: Obj = { ...(res.Properties ?? {}) };
  for (const k of ['LayerName', 'LicenseInfo', 'Description', 'RetentionPolicy']) {
    if (p[k] === undefined) continue;
    const v = ctx.params.resolve(p[k]);
    if (k === 'LayerName' || typeof v === 'string') p[k] = v;
  }
  const attrs = ctx.passthrough(res);
  if (!('DeletionPolicy' in attrs)) attrs.DeletionPolicy = 'Retain';
  if (p.RetentionPolicy !== undefined) {
    if (isIntrinsic(p.RetentionPolicy))
      throw invalid(
        id,
        "'RetentionPolicy' does not accept intrinsic functions, please use one of the following options: ['Retain', 'Delete']",
      );
    const opt = ['Retain', 'Delete'].find((o) => o.toLowerCase() === String(p.RetentionPolicy).toLowerCase());
    if (!opt) throw invalid(id, "'RetentionPolicy' must be one of the following options: ['Retain', 'Delete'].");
    attrs.DeletionPolicy = opt;
  }
  if (p.ContentUri === undefined) throw invalid(id, "Missing required property 'ContentUri'.");
  const hashDict: Obj = {
    [id]: { Type: res.Type, Properties: p, ...(res.Condition ? { Condition: res.Condition } : {}) },
  };
  const newId = hashedId(id, hashDict);
  const props: Obj = { LayerName: p.LayerName ?? id };
  if (p.Description !== undefined) props.Description = p.Description;
  props.Content = s3Location(newId, 'ContentUri', p.ContentUri);
  if (p.CompatibleArchitectures !== undefined) {
    if (Array.isArray(p.CompatibleArchitectures))
      for (const a of p.CompatibleArchitectures)
        if (!isIntrinsic(a) && !['x86_64', 'arm64'].includes(a))
          throw invalid(newId, "CompatibleArchitectures needs to be a list of 'x86_64' or 'arm64'");
    props.CompatibleArchitectures = p.CompatibleArchitectures;
  }
  if (p.CompatibleRuntimes !== undefined) props.CompatibleRuntimes = p.CompatibleRuntimes;
  if (p.LicenseInfo !== undefined) props.LicenseInfo = p.LicenseInfo;
  const out: Obj = { Type: 'AWS::Lambda::LayerVersion', ...attrs, Properties: props };
  if (res.DependsOn !== undefined) out.DependsOn = res.DependsOn;
  ctx.add(newId, out);
  return newId;
}
