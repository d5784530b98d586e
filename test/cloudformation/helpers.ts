import {
  CloudFormationClient,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import type { StackEvent } from '@aws-sdk/client-cloudformation';
import { TEST_CREDENTIALS } from '../helpers/server.js';

export function cfnClient(endpoint: string): CloudFormationClient {
  return new CloudFormationClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
}

/** Poll DescribeStacks until the stack leaves *_IN_PROGRESS. */
export async function waitStack(cfn: CloudFormationClient, name: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: name }));
    const s = Stacks![0]!;
    if (!s.StackStatus!.endsWith('_IN_PROGRESS')) return s;
    if (Date.now() > deadline) throw new Error(`stack ${name} still ${s.StackStatus}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every event of a stack, oldest first, as "LogicalId STATUS" strings (optionally with reasons). */
export async function eventLines(cfn: CloudFormationClient, name: string, reasons = false): Promise<string[]> {
  const events: StackEvent[] = [];
  let token: string | undefined;
  do {
    const out = await cfn.send(new DescribeStackEventsCommand({ StackName: name, NextToken: token }));
    events.push(...(out.StackEvents ?? []));
    token = out.NextToken;
  } while (token);
  return events
    .reverse()
    .map(
      (e) =>
        `${e.LogicalResourceId} ${e.ResourceStatus}${reasons && e.ResourceStatusReason ? ` ${e.ResourceStatusReason}` : ''}`,
    );
}

/** A Node.js handler returning `value`, as inline template code. */
export function handlerReturning(value: string): string {
  return `exports.handler = async (event) => ({ value: ${JSON.stringify(value)}, event });`;
}
