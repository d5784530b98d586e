import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpMount, RequestHead } from '../../../core/http/mount.js';
import type { Props, ProviderContext, ResourceProvider } from './types.js';

const PATH = /^\/_overcast\/cloudformation\/custom-resource\/([0-9a-f-]{36})$/;

interface CustomResponse {
  Status?: string;
  Reason?: string;
  PhysicalResourceId?: string;
  Data?: Record<string, unknown>;
  NoEcho?: boolean;
}

/**
 * Custom resources' response URLs. AWS hands the function a presigned S3 URL; Overcast hands it
 * `<endpoint>/_overcast/cloudformation/custom-resource/<token>`, which takes the same PUT.
 */
export class CustomResponses {
  private readonly waiting = new Map<string, (r: CustomResponse) => void>();

  expect(token: string): Promise<CustomResponse> {
    return new Promise((resolve) => this.waiting.set(token, resolve));
  }

  forget(token: string): void {
    this.waiting.delete(token);
  }

  mount(): HttpMount {
    return {
      name: 'cloudformation-custom-resources',
      matches: (head: RequestHead) => PATH.test(head.path),
      handle: async (head: RequestHead, req: IncomingMessage, res: ServerResponse) => {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const token = PATH.exec(head.path)![1]!;
        const resolve = this.waiting.get(token);
        let body: CustomResponse | undefined;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as CustomResponse;
        } catch {
          body = undefined;
        }
        if (head.method !== 'PUT' || !resolve || !body) {
          res.writeHead(resolve ? 400 : 404, { 'content-type': 'application/xml' });
          res.end(`<Error><Code>${resolve ? 'InvalidRequest' : 'NoSuchKey'}</Code></Error>`);
          return;
        }
        this.waiting.delete(token);
        resolve(body);
        res.writeHead(200, { 'content-length': '0' });
        res.end();
      },
    };
  }
}

/** CloudFormation hands custom resources every scalar property as a string. */
function stringify(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stringify);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, stringify(x)]));
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
}

const AFTER_RETURN_MS = 5_000;

async function call(
  responses: CustomResponses,
  ctx: ProviderContext,
  type: 'Create' | 'Update' | 'Delete',
  props: Props,
  extra: Record<string, unknown>,
): Promise<CustomResponse> {
  const token = String(props['ServiceToken'] ?? '');
  if (!/^arn:aws[a-z-]*:lambda:/.test(token))
    throw new Error(
      `ServiceToken ${token || '(missing)'} is not a Lambda function ARN (Overcast has no SNS-backed custom resources)`,
    );
  const requestId = randomUUID();
  const key = randomUUID();
  const answer = responses.expect(key);
  const event = {
    RequestType: type,
    ServiceToken: token,
    ResponseURL: `${ctx.client.base}/_overcast/cloudformation/custom-resource/${key}`,
    StackId: ctx.stackId,
    RequestId: requestId,
    LogicalResourceId: ctx.logicalId,
    ResourceType: ctx.resourceType,
    ResourceProperties: stringify(props),
    ...extra,
  };
  try {
    const inv = await ctx.client.invoke(token, event);
    const timeout = Math.min(Number(props['ServiceTimeout'] ?? 3600) * 1000, AFTER_RETURN_MS);
    let timer: NodeJS.Timeout | undefined;
    const response = await Promise.race([
      answer,
      new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), inv.functionError ? 500 : timeout))),
    ]);
    clearTimeout(timer);
    if (!response) {
      if (inv.functionError) {
        let message = inv.payload;
        try {
          message = (JSON.parse(inv.payload) as { errorMessage?: string }).errorMessage ?? message;
        } catch {
          /* the raw payload */
        }
        throw new Error(`Custom resource function failed without sending a response: ${message}`);
      }
      throw new Error(
        `CloudFormation did not receive a response from your Custom Resource. Please check your logs for requestId [${requestId}].`,
      );
    }
    if (response.Status !== 'SUCCESS')
      throw new Error(
        `Received response status [${response.Status ?? 'FAILED'}] from custom resource. Message returned: ${response.Reason ?? ''} (RequestId: ${requestId})`,
      );
    return response;
  } finally {
    responses.forget(key);
  }
}

/** `Custom::*` and `AWS::CloudFormation::CustomResource` backed by a Lambda function. */
export function customResource(responses: CustomResponses): ResourceProvider {
  return {
    replaceOn: [],
    async create(props, ctx) {
      const r = await call(responses, ctx, 'Create', props, {});
      return {
        physicalId: r.PhysicalResourceId ?? `${ctx.stackName}-${ctx.logicalId}-${randomUUID().slice(0, 8)}`,
        attributes: r.Data ?? {},
      };
    },
    async update(physicalId, props, old, _attrs, ctx) {
      if (props['ServiceToken'] !== old['ServiceToken']) throw new Error('Modifying service token is not allowed.');
      const r = await call(responses, ctx, 'Update', props, {
        PhysicalResourceId: physicalId,
        OldResourceProperties: stringify(old),
      });
      return { physicalId: r.PhysicalResourceId ?? physicalId, attributes: r.Data ?? {} };
    },
    async delete(physicalId, props, _attrs, ctx) {
      await call(responses, ctx, 'Delete', props, { PhysicalResourceId: physicalId });
    },
  };
}
