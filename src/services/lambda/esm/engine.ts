import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/log.js';
import type { Store } from '../../../storage/store.js';
import type { StreamReader } from '../../dynamodb/streams/reader.js';
import type { Ports } from '../../ports.js';
import { SQS_PORT } from '../../sqs/port.js';
import type { SqsPort } from '../../sqs/port.js';
import type { Invoker } from '../invoke/invoker.js';
import { DynamoDbStreamSource } from './dynamodb-source.js';
import { SqsSource } from './sqs-source.js';
import type { EsmConfig, EsmSource } from './types.js';

interface Running {
  source: EsmSource;
  busy: boolean;
}

/**
 * Runs every Enabled event source mapping: a poller per mapping (DynamoDB Streams 4 times a
 * second, as AWS polls them). Started at boot from the stored mappings.
 */
export class EsmEngine {
  private readonly running = new Map<string, Running>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly invoker: Invoker,
    private readonly clock: Clock,
    private readonly log: Logger,
    readonly streams: () => StreamReader | undefined,
    private readonly pollMs = 250,
    /** Other services' ports (SQS queues are polled through `ports.sqs`). */
    private readonly ports: Ports = {},
  ) {}

  async start(): Promise<void> {
    const rows = await this.store.all<{
      uuid: string;
      account: string;
      region: string;
      config: string;
      checkpoint: string | null;
    }>('SELECT uuid, account, region, config, checkpoint FROM lambda_esms');
    for (const row of rows) this.apply(row.account, row.region, JSON.parse(row.config) as EsmConfig, row.checkpoint);
    this.timer = setInterval(() => this.tick(), this.pollMs);
    this.timer.unref();
  }

  /** (Re)starts or stops a mapping after it was created, updated or deleted. */
  apply(
    account: string,
    region: string,
    config: EsmConfig | undefined,
    checkpoint: string | null,
    uuid?: string,
  ): void {
    const id = config?.UUID ?? uuid!;
    this.running.get(id)?.source.stop();
    this.running.delete(id);
    if (!config || config.State !== 'Enabled') return;
    if (config.EventSourceArn.includes(':dynamodb:')) {
      const reader = this.streams();
      if (!reader) return;
      const source = new DynamoDbStreamSource(
        config,
        checkpoint,
        reader,
        this.invoker,
        this.store,
        this.clock,
        this.log,
        account,
        region,
        (result) => {
          config.LastProcessingResult = result;
        },
      );
      this.running.set(id, { source, busy: false });
    } else if (config.EventSourceArn.includes(':sqs:')) {
      const sqs = this.ports[SQS_PORT] as SqsPort | undefined;
      if (!sqs) return;
      const source = new SqsSource(config, sqs, this.invoker, this.log, account, region, (result) => {
        config.LastProcessingResult = result;
      });
      this.running.set(id, { source, busy: false });
    }
  }

  private tick(): void {
    for (const entry of this.running.values()) {
      if (entry.busy) continue;
      entry.busy = true;
      entry.source
        .poll()
        .catch((err: unknown) => this.log.warn({ err }, 'event source mapping poll failed'))
        .finally(() => {
          entry.busy = false;
        });
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    for (const entry of this.running.values()) entry.source.stop();
    this.running.clear();
  }
}
