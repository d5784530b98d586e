import { createHash } from 'node:crypto';
import type { ProviderContext, ResourceProvider } from './types.js';

/**
 * IAM is stored, not enforced: roles and policies exist as stack resources with the ARNs and ids
 * AWS would give them, so templates can Ref and GetAtt them (a Lambda function's Role).
 */
function iamId(prefix: string, seed: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const h = createHash('sha256').update(seed).digest();
  return prefix + [...h.subarray(0, 17)].map((b) => alphabet[b % 32]).join('');
}

function path(p: unknown): string {
  return typeof p === 'string' && p ? p : '/';
}

export const iamRole: ResourceProvider = {
  replaceOn: ['RoleName', 'Path'],
  attributes: ['Arn', 'RoleId'],
  async create(props, ctx) {
    const name = String(props['RoleName'] ?? ctx.physicalName(64));
    return roleResult(name, props, ctx);
  },
  async update(name, props, _old, _attrs, ctx) {
    return roleResult(name, props, ctx);
  },
  async delete() {},
};

function roleResult(name: string, props: Record<string, unknown>, ctx: ProviderContext) {
  return {
    physicalId: name,
    attributes: {
      Arn: `arn:${ctx.partition}:iam::${ctx.account}:role${path(props['Path'])}${name}`,
      RoleId: iamId('AROA', `${ctx.account}/${name}`),
    },
  };
}

export const iamPolicy: ResourceProvider = {
  replaceOn: [],
  attributes: ['Id'],
  async create(_props, ctx) {
    const id = ctx.physicalName(128).slice(0, 64);
    return { physicalId: id, attributes: { Id: id } };
  },
  async update(id) {
    return { physicalId: id, attributes: { Id: id } };
  },
  async delete() {},
};

export const iamManagedPolicy: ResourceProvider = {
  replaceOn: ['ManagedPolicyName', 'Path'],
  attributes: [
    'PolicyArn',
    'PolicyId',
    'AttachmentCount',
    'CreateDate',
    'DefaultVersionId',
    'IsAttachable',
    'UpdateDate',
  ],
  async create(props, ctx) {
    const name = String(props['ManagedPolicyName'] ?? ctx.physicalName(128));
    const arn = `arn:${ctx.partition}:iam::${ctx.account}:policy${path(props['Path'])}${name}`;
    const now = new Date().toISOString();
    return {
      physicalId: arn,
      attributes: {
        PolicyArn: arn,
        PolicyId: iamId('ANPA', arn),
        AttachmentCount: 0,
        CreateDate: now,
        UpdateDate: now,
        DefaultVersionId: 'v1',
        IsAttachable: true,
      },
    };
  },
  async update(arn, _props, _old, attrs) {
    const v = Number(String(attrs['DefaultVersionId'] ?? 'v1').slice(1)) + 1;
    return {
      physicalId: arn,
      attributes: { ...attrs, DefaultVersionId: `v${v}`, UpdateDate: new Date().toISOString() },
    };
  },
  async delete() {},
};

export const iamInstanceProfile: ResourceProvider = {
  replaceOn: ['InstanceProfileName', 'Path'],
  attributes: ['Arn'],
  async create(props, ctx) {
    const name = String(props['InstanceProfileName'] ?? ctx.physicalName(128));
    return {
      physicalId: name,
      attributes: { Arn: `arn:${ctx.partition}:iam::${ctx.account}:instance-profile${path(props['Path'])}${name}` },
    };
  },
  async update(name, _p, _o, attrs) {
    return { physicalId: name, attributes: attrs };
  },
  async delete() {},
};
