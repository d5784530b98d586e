import { ServiceCallError, unescapeXml } from './client.js';
import type { Props, ProviderContext, ResourceProvider } from './types.js';

/**
 * AWS::CloudFormation::Stack: a nested stack, created through CloudFormation's own API (its
 * template from `TemplateURL` in Overcast's S3), named `<parent>-<LogicalId>-<RANDOM>`; its
 * outputs are the attributes `Outputs.<Key>`.
 */
const VERSION = '2010-05-15';
const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'];

function params(props: Props): Record<string, string> {
  const out: Record<string, string> = { TemplateURL: String(props['TemplateURL']) };
  Object.entries((props['Parameters'] ?? {}) as Record<string, unknown>).forEach(([k, v], i) => {
    out[`Parameters.member.${i + 1}.ParameterKey`] = k;
    out[`Parameters.member.${i + 1}.ParameterValue`] = Array.isArray(v) ? v.join(',') : String(v);
  });
  CAPABILITIES.forEach((c, i) => (out[`Capabilities.member.${i + 1}`] = c));
  ((props['Tags'] ?? []) as { Key: string; Value: string }[]).forEach((t, i) => {
    out[`Tags.member.${i + 1}.Key`] = t.Key;
    out[`Tags.member.${i + 1}.Value`] = String(t.Value);
  });
  return out;
}

const tag = (xml: string, name: string) => {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return m ? unescapeXml(m[1]!) : undefined;
};

/** Poll the child until it leaves *_IN_PROGRESS; answer its status, reason and outputs. */
async function settle(ctx: ProviderContext, stackId: string) {
  for (;;) {
    const xml = await ctx.client.query('cloudformation', 'DescribeStacks', VERSION, { StackName: stackId });
    const status = tag(xml, 'StackStatus') ?? '';
    if (!status.endsWith('_IN_PROGRESS')) {
      const outputs: Record<string, string> = {};
      for (const m of xml.matchAll(/<member>\s*<OutputKey>([^<]*)<\/OutputKey>\s*<OutputValue>([^<]*)<\/OutputValue>/g))
        outputs[`Outputs.${unescapeXml(m[1]!)}`] = unescapeXml(m[2]!);
      return { status, reason: tag(xml, 'StackStatusReason'), outputs };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function failed(status: string, reason: string | undefined, stackId: string): Error {
  return new Error(
    `Embedded stack ${stackId} was not successfully ${status.startsWith('UPDATE') ? 'updated' : 'created'}: ${reason ?? status}`,
  );
}

export const nestedStack: ResourceProvider = {
  replaceOn: [],
  async create(props, ctx) {
    const name = ctx.physicalName(128);
    const xml = await ctx.client.query('cloudformation', 'CreateStack', VERSION, { StackName: name, ...params(props) });
    const stackId = tag(xml, 'StackId')!;
    const r = await settle(ctx, stackId);
    if (r.status !== 'CREATE_COMPLETE') throw failed(r.status, r.reason, stackId);
    return { physicalId: stackId, attributes: r.outputs };
  },
  async update(stackId, props, _old, attrs, ctx) {
    try {
      await ctx.client.query('cloudformation', 'UpdateStack', VERSION, { StackName: stackId, ...params(props) });
    } catch (e) {
      if (e instanceof ServiceCallError && e.message === 'No updates are to be performed.')
        return { physicalId: stackId, attributes: attrs };
      throw e;
    }
    const r = await settle(ctx, stackId);
    if (r.status !== 'UPDATE_COMPLETE') throw failed(r.status, r.reason, stackId);
    return { physicalId: stackId, attributes: r.outputs };
  },
  async delete(stackId, _props, _attrs, ctx) {
    await ctx.client.query('cloudformation', 'DeleteStack', VERSION, { StackName: stackId });
    const r = await settle(ctx, stackId);
    if (r.status !== 'DELETE_COMPLETE')
      throw new Error(`Embedded stack ${stackId} was not deleted: ${r.reason ?? r.status}`);
  },
};
