import type { OperationContext, OperationHandler } from '../../../core/service.js';
import { ALL_ATTRIBUTE_NAMES, normaliseAttributes } from '../attributes.js';
import type { SqsContext } from '../context.js';
import { parseQueueRef, QUEUE_NAME, queueUrl, requireQueue } from '../context.js';
import type { Queue } from '../engine.js';
import { sqsErrors } from '../errors.js';

type In = Record<string, any>;

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name === '') throw sqsErrors.missingParameter('QueueName');
  const fifo = name.endsWith('.fifo');
  const base = fifo ? name.slice(0, -5) : name;
  if (!QUEUE_NAME.test(base) || name.length > 80) {
    throw sqsErrors.invalidParameterValue(
      fifo
        ? 'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.'
        : 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
    );
  }
  return name;
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out[k] = String(v);
  return out;
}

/** GetQueueAttributes values: stored attributes plus the computed ones. */
export function queueAttributes(sc: SqsContext, q: Queue, names: string[]): Record<string, string> {
  const now = sc.engine.clock.now();
  const wanted = names.includes('All') ? undefined : new Set(names);
  const counts = q.state.counts(now);
  const all: Record<string, string> = {
    QueueArn: q.arn,
    ApproximateNumberOfMessages: String(counts.visible),
    ApproximateNumberOfMessagesNotVisible: String(counts.inflight),
    ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    CreatedTimestamp: String(Math.floor(q.createdAt / 1000)),
    LastModifiedTimestamp: String(Math.floor(q.modifiedAt / 1000)),
    ...q.attributes,
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(all)) if (!wanted || wanted.has(k)) out[k] = v;
  return out;
}

export function queueOperations(sc: SqsContext): Record<string, OperationHandler> {
  const exists = (arn: string) => sc.engine.findByArn(arn);
  return {
    async CreateQueue(input: In, ctx: OperationContext) {
      const name = checkName(input['QueueName']);
      const fifo = name.endsWith('.fifo');
      const given = stringMap(input['Attributes']);
      if (given['FifoQueue'] === 'true' && !fifo)
        throw sqsErrors.invalidParameterValue(
          'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.',
        );
      if (fifo && given['FifoQueue'] === undefined) {
        // AWS requires FifoQueue=true for a .fifo name.
        throw sqsErrors.invalidParameterValue(
          'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.',
        );
      }
      const attributes = normaliseAttributes(given, fifo, true, exists);
      const tags = stringMap(input['tags'] ?? input['Tags']);
      const existing = sc.engine.find(ctx.account, ctx.region, name);
      if (existing) {
        for (const [k, v] of Object.entries(attributes)) {
          if ((existing.attributes[k] ?? '') !== v && !(k === 'FifoQueue')) throw sqsErrors.queueNameExists(k);
        }
        return { QueueUrl: queueUrl(ctx.host, sc.server, existing) };
      }
      const q = await sc.engine.create(ctx.account, ctx.region, name, attributes, tags);
      return { QueueUrl: queueUrl(ctx.host, sc.server, q) };
    },

    GetQueueUrl(input: In, ctx: OperationContext) {
      const name = input['QueueName'];
      if (typeof name !== 'string' || name === '') throw sqsErrors.missingParameter('QueueName');
      const q = sc.engine.find(input['QueueOwnerAWSAccountId'] ?? ctx.account, ctx.region, name);
      if (!q) throw sqsErrors.queueDoesNotExist();
      return { QueueUrl: queueUrl(ctx.host, sc.server, q) };
    },

    ListQueues(input: In, ctx: OperationContext) {
      const prefix = typeof input['QueueNamePrefix'] === 'string' ? input['QueueNamePrefix'] : '';
      const max = input['MaxResults'] === undefined ? undefined : Number(input['MaxResults']);
      if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > 1000))
        throw sqsErrors.invalidParameter(max, 'MaxResults', 'MaxResults must be an integer between 1 and 1000.');
      let queues = sc.engine.list(ctx.account, ctx.region).filter((q) => q.name.startsWith(prefix));
      const token = input['NextToken'];
      if (typeof token === 'string' && token !== '') {
        let after: string;
        try {
          after = Buffer.from(token, 'base64').toString('utf8');
        } catch {
          throw sqsErrors.invalidParameter(token, 'NextToken', 'Invalid NextToken value.');
        }
        queues = queues.filter((q) => q.name > after);
      }
      const page = queues.slice(0, max ?? 1000);
      const more = max !== undefined && queues.length > page.length;
      return {
        ...(page.length > 0 ? { QueueUrls: page.map((q) => queueUrl(ctx.host, sc.server, q)) } : {}),
        ...(more ? { NextToken: Buffer.from(page[page.length - 1]!.name).toString('base64') } : {}),
      };
    },

    async DeleteQueue(input: In, ctx: OperationContext) {
      await sc.engine.delete(requireQueue(sc, input['QueueUrl'], ctx));
      return {};
    },

    GetQueueAttributes(input: In, ctx: OperationContext) {
      const q = requireQueue(sc, input['QueueUrl'], ctx);
      const names: string[] = Array.isArray(input['AttributeNames']) ? input['AttributeNames'].map(String) : [];
      for (const n of names) {
        if (n !== 'All' && !ALL_ATTRIBUTE_NAMES.has(n)) throw sqsErrors.invalidAttributeName(n);
      }
      const attributes = queueAttributes(sc, q, names);
      return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
    },

    async SetQueueAttributes(input: In, ctx: OperationContext) {
      const q = requireQueue(sc, input['QueueUrl'], ctx);
      const changes = normaliseAttributes(stringMap(input['Attributes']), q.fifo, false, exists);
      await sc.engine.saveAttributes(q, changes);
      return {};
    },

    async PurgeQueue(input: In, ctx: OperationContext) {
      await sc.engine.purge(requireQueue(sc, input['QueueUrl'], ctx));
      return {};
    },

    ListDeadLetterSourceQueues(input: In, ctx: OperationContext) {
      const q = requireQueue(sc, input['QueueUrl'], ctx);
      const sources = sc.engine
        .list(q.account, q.region)
        .filter((s) => {
          const raw = s.attributes['RedrivePolicy'];
          return (
            raw !== undefined && (JSON.parse(raw) as { deadLetterTargetArn?: string }).deadLetterTargetArn === q.arn
          );
        })
        .map((s) => queueUrl(ctx.host, sc.server, s));
      return { queueUrls: sources };
    },

    ListQueueTags(input: In, ctx: OperationContext) {
      const q = requireQueue(sc, input['QueueUrl'], ctx);
      return Object.keys(q.tags).length > 0 ? { Tags: { ...q.tags } } : {};
    },

    async TagQueue(input: In, ctx: OperationContext) {
      const q = requireQueue(sc, input['QueueUrl'], ctx);
      const tags = stringMap(input['Tags']);
      if (Object.keys(tags).length === 0) throw sqsErrors.missingParameter('Tags');
      Object.assign(q.tags, tags);
      if (Object.keys(q.tags).length > 50)
        throw sqsErrors.invalidParameterValue('Too many tags added for queue ' + q.name + '.');
      await sc.engine.saveTags(q);
      return {};
    },

    async UntagQueue(input: In, ctx: OperationContext) {
      const q = requireQueue(sc, input['QueueUrl'], ctx);
      for (const k of (input['TagKeys'] as string[] | undefined) ?? []) delete q.tags[k];
      await sc.engine.saveTags(q);
      return {};
    },

    async AddPermission(input: In, ctx: OperationContext) {
      const q = requireQueue(sc, input['QueueUrl'], ctx);
      const label = String(input['Label'] ?? '');
      if (!label) throw sqsErrors.missingParameter('Label');
      const policy = q.attributes['Policy']
        ? (JSON.parse(q.attributes['Policy']) as { Version: string; Id?: string; Statement: Record<string, unknown>[] })
        : { Version: '2012-10-17', Id: `${q.arn}/SQSDefaultPolicy`, Statement: [] };
      if (policy.Statement.some((s) => s['Sid'] === label))
        throw sqsErrors.invalidParameter(label, 'Label', 'Already exists.');
      const accounts = ((input['AWSAccountIds'] as string[] | undefined) ?? []).map((a) => `arn:aws:iam::${a}:root`);
      const actions = ((input['Actions'] as string[] | undefined) ?? []).map((a) => `SQS:${a}`);
      policy.Statement.push({
        Sid: label,
        Effect: 'Allow',
        Principal: { AWS: accounts.length === 1 ? accounts[0] : accounts },
        Action: actions.length === 1 ? actions[0] : actions,
        Resource: q.arn,
      });
      await sc.engine.saveAttributes(q, { Policy: JSON.stringify(policy) });
      return {};
    },

    async RemovePermission(input: In, ctx: OperationContext) {
      const q = requireQueue(sc, input['QueueUrl'], ctx);
      const label = String(input['Label'] ?? '');
      const policy = q.attributes['Policy']
        ? (JSON.parse(q.attributes['Policy']) as { Statement: Record<string, unknown>[] })
        : { Statement: [] };
      const kept = policy.Statement.filter((s) => s['Sid'] !== label);
      if (kept.length === policy.Statement.length)
        throw sqsErrors.invalidParameter(label, 'Label', "can't find label.");
      policy.Statement = kept;
      await sc.engine.saveAttributes(q, { Policy: kept.length === 0 ? '' : JSON.stringify(policy) });
      return {};
    },
  };
}

export { parseQueueRef };
