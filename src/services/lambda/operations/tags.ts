import type { OperationContext } from '../../../core/service.js';
import type { LambdaContext } from '../context.js';
import { lambdaErrors } from '../errors.js';
import type { Handlers } from './shared.js';
import { requireFunction } from './shared.js';

const FUNCTION_ARN = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9_-]+)$/;

export function tagOperations(lc: LambdaContext): Handlers {
  async function meta(resource: string) {
    const m = FUNCTION_ARN.exec(resource);
    if (!m) {
      if (/:function:[^:]+:[^:]+$/.test(resource))
        throw lambdaErrors.invalidParameter(
          'Tags on function aliases and versions are not supported. Please specify a function ARN.',
        );
      throw lambdaErrors.invalidParameter(`Invalid resource ARN: ${resource}`);
    }
    return requireFunction(lc, { region: m[1]!, account: m[2]!, name: m[3]!, qualifier: undefined });
  }

  return {
    async ListTags(input: { Resource: string }, _ctx: OperationContext) {
      return { Tags: (await meta(input.Resource)).tags };
    },
    async TagResource(input: { Resource: string; Tags: Record<string, string> }) {
      const m = await meta(input.Resource);
      const tags = { ...m.tags, ...input.Tags };
      if (Object.keys(tags).length > 50)
        throw lambdaErrors.invalidParameter('Number of tags exceeds resource tag limit.');
      await lc.catalog.putMeta({ ...m, tags });
      return {};
    },
    async UntagResource(input: { Resource: string; TagKeys: string[] }) {
      const m = await meta(input.Resource);
      const tags = { ...m.tags };
      for (const k of input.TagKeys ?? []) delete tags[k];
      await lc.catalog.putMeta({ ...m, tags });
      return {};
    },
  };
}
