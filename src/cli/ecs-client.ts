// ECS through its own API (awsJson1.1), for `overcast status` and `overcast exec`.
import { callJson } from './aws-client.js';
import type { ClientOptions } from './aws-client.js';

const TARGET = 'AmazonEC2ContainerServiceV20141113';

export function ecsCall(client: ClientOptions, op: string, input: unknown): Promise<any> {
  return callJson(client, 'ecs', `${TARGET}.${op}`, input, '1.1');
}

/** Every page of a List* call. */
export async function listAll(client: ClientOptions, op: string, input: object, key: string): Promise<string[]> {
  const out: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ecsCall(client, op, { ...input, ...(nextToken ? { nextToken } : {}) });
    out.push(...((page[key] as string[] | undefined) ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The id at the end of a task ARN (or the id itself). */
export const idOf = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);
