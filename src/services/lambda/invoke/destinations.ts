import type { Logger } from '../../../core/log.js';
import type { Ports } from '../../ports.js';
import { SQS_PORT } from '../../sqs/port.js';
import type { SqsPort } from '../../sqs/port.js';
import type { DestinationSender } from './async-queue.js';
import type { Invoker } from './invoker.js';

/**
 * Sends invocation records to async destinations: a Lambda function (an asynchronous invoke of it)
 * or an SQS queue (the record as the message body, through the SQS port).
 */
export class FunctionDestinations implements DestinationSender {
  constructor(
    private readonly invoker: Invoker,
    private readonly log: Logger,
    private readonly ports: Ports = {},
  ) {}

  async send(
    destinationArn: string,
    record: Record<string, unknown>,
    source: { account: string; region: string },
  ): Promise<void> {
    if (destinationArn.includes(':sqs:')) {
      await this.toQueue(destinationArn, JSON.stringify(record));
      return;
    }
    if (!destinationArn.includes(':lambda:')) {
      this.log.warn(
        { destinationArn },
        'only Lambda and SQS destinations are delivered so far (SNS/EventBridge come with those services)',
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

  /**
   * A function's dead-letter queue (DeadLetterConfig.TargetArn): the original event as the body,
   * with AWS's RequestID / ErrorCode / ErrorMessage message attributes. SNS targets are not delivered yet.
   */
  async deadLetter(
    targetArn: string,
    payload: Buffer,
    info: { requestId: string; errorCode?: string; errorMessage?: string },
  ): Promise<void> {
    if (!targetArn.includes(':sqs:')) {
      this.log.warn({ targetArn }, 'only SQS dead-letter queues are delivered so far');
      return;
    }
    await this.toQueue(targetArn, payload.toString('utf8'), {
      RequestID: { DataType: 'String', StringValue: info.requestId },
      ErrorCode: { DataType: 'Number', StringValue: info.errorCode ?? '200' },
      ...(info.errorMessage ? { ErrorMessage: { DataType: 'String', StringValue: info.errorMessage } } : {}),
    });
  }

  private async toQueue(
    queueArn: string,
    body: string,
    attributes?: Record<string, { DataType: string; StringValue: string }>,
  ): Promise<void> {
    const sqs = this.ports[SQS_PORT] as SqsPort | undefined;
    if (!sqs) {
      this.log.warn({ queueArn }, 'SQS is not running: destination dropped');
      return;
    }
    await sqs.sendMessage({
      queue: queueArn,
      body,
      ...(attributes ? { attributes } : {}),
      ...(queueArn.endsWith('.fifo') ? { messageGroupId: 'lambda' } : {}),
    });
  }
}
