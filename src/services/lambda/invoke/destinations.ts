import type { Logger } from '../../../core/log.js';
import type { DestinationSender } from './async-queue.js';
import type { Invoker } from './invoker.js';

/** Sends invocation records to Lambda destinations (an asynchronous invoke of that function). */
export class FunctionDestinations implements DestinationSender {
  constructor(
    private readonly invoker: Invoker,
    private readonly log: Logger,
  ) {}

  async send(
    destinationArn: string,
    record: Record<string, unknown>,
    source: { account: string; region: string },
  ): Promise<void> {
    if (!destinationArn.includes(':lambda:')) {
      this.log.warn(
        { destinationArn },
        'only Lambda destinations are delivered so far (SQS/SNS/EventBridge come with those services)',
      );
      return;
    }
    await this.invoker.invoke({
      account: source.account,
      region: source.region,
      functionName: destinationArn,
      payload: Buffer.from(JSON.stringify(record)),
      invocationType: 'Event',
    });
  }
}
