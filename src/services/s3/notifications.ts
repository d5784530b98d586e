import type { Logger } from '../../core/log.js';
import type { EventsPort, ServiceEvent } from '../events/port.js';
import { EVENTS_PORT } from '../events/port.js';
import type { Ports } from '../ports.js';
import type { SqsPort } from '../sqs/port.js';
import { canonicalId } from './context.js';
import { s3Errors } from './errors.js';
import type { Bucket, NotificationTarget } from './storage/catalog.js';
import type { LambdaPort as LambdaInvoker } from '../lambda/port.js';

/** What happened to an object, for the event record. */
export interface ObjectEvent {
  /** e.g. `ObjectCreated:Put`, `ObjectRemoved:DeleteMarkerCreated` (without `s3:`). */
  eventName: string;
  key: string;
  size?: number;
  /** Without quotes. */
  eTag?: string;
  versionId?: string;
  sequencer: number;
  requestId: string;
  hostId: string;
  principal: string;
  /** The caller's account (EventBridge's `requester`). */
  requester: string;
  sourceIp: string;
  time: number;
  /** ObjectRestore:Completed: when the restored copy expires, and the object's storage class. */
  restore?: { expiry: number; storageClass: string };
}

/** S3 encodes keys in event records as application/x-www-form-urlencoded (slashes kept). */
export function eventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/%2F/g, '/')
    .replace(/%20/g, '+')
    .replace(/[!'()~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function matches(target: NotificationTarget, eventName: string, key: string): boolean {
  const full = `s3:${eventName}`;
  const hit = target.events.some((e) => e === full || (e.endsWith(':*') && full.startsWith(e.slice(0, -1))));
  if (!hit) return false;
  if (target.prefix && !key.startsWith(target.prefix)) return false;
  if (target.suffix && !key.endsWith(target.suffix)) return false;
  return true;
}

/** Delivers event notifications to Lambda (async invoke) and SQS through their ports. */
export class Notifier {
  constructor(
    private readonly ports: Ports,
    private readonly log: Logger,
  ) {}

  private lambda(): LambdaInvoker | undefined {
    return this.ports['lambda'] as LambdaInvoker | undefined;
  }

  private sqs(): SqsPort | undefined {
    return this.ports['sqs'] as SqsPort | undefined;
  }

  /** Checks that every destination exists (InvalidArgument otherwise), as PutBucketNotificationConfiguration does. */
  async validate(bucket: Bucket, targets: NotificationTarget[]): Promise<void> {
    for (const t of targets) {
      if (t.kind === 'lambda') {
        const m = /^arn:aws[a-z-]*:lambda:([^:]+):(\d{12}):function:([^:]+)(?::(.+))?$/.exec(t.arn);
        const invoker = this.lambda();
        let ok = m !== null && invoker !== undefined;
        if (ok && invoker?.resolve)
          ok = await invoker.resolve(m![2]!, m![1]!, m![3]!, m![4]).then(
            () => true,
            () => false,
          );
        if (!ok)
          throw s3Errors.invalidArgument(
            'Unable to validate the following destination configurations',
            t.arn,
            'Not authorized to invoke function [' + t.arn + ']',
          );
      } else if (t.kind === 'sqs') {
        const sqs = this.sqs();
        const q = sqs ? await sqs.getQueue(t.arn).catch(() => undefined) : undefined;
        if (!q)
          throw s3Errors.invalidArgument(
            'Unable to validate the following destination configurations',
            t.arn,
            'The destination queue does not exist',
          );
        if (q.fifo)
          throw s3Errors.invalidArgument(
            'Unable to validate the following destination configurations',
            t.arn,
            'FIFO SQS queues are not supported as event notification destinations',
          );
      }
    }
  }

  /** The s3:TestEvent S3 sends to queues when a configuration is stored. */
  async sendTestEvents(
    bucket: Bucket,
    targets: NotificationTarget[],
    requestId: string,
    hostId: string,
    time: number,
  ): Promise<void> {
    const body = JSON.stringify({
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: new Date(time).toISOString(),
      Bucket: bucket.name,
      RequestId: requestId,
      HostId: hostId,
    });
    const sqs = this.sqs();
    for (const t of targets) {
      if (t.kind !== 'sqs' || !sqs) continue;
      await sqs
        .sendMessage({ queue: t.arn, body })
        .catch((err: unknown) => this.log.warn({ err, queue: t.arn }, 's3 test event not delivered'));
    }
  }

  /** Sends the event to every matching destination of the bucket (after the change committed). */
  emit(bucket: Bucket, e: ObjectEvent): void {
    if (bucket.config.eventBridge) {
      const events = this.ports[EVENTS_PORT] as EventsPort | undefined;
      const event = eventBridgeEvent(bucket, e);
      if (events && event)
        events
          .putServiceEvent(event)
          .catch((err: unknown) => this.log.warn({ err, bucket: bucket.name }, 's3 event not sent to EventBridge'));
    }
    const targets = bucket.config.notifications;
    if (!targets || targets.length === 0) return;
    for (const t of targets) {
      if (!matches(t, e.eventName, e.key)) continue;
      const payload = JSON.stringify({ Records: [record(bucket, t, e)] });
      this.deliver(t, payload).catch((err: unknown) =>
        this.log.warn({ err, destination: t.arn, bucket: bucket.name }, 's3 event notification not delivered'),
      );
    }
  }

  private async deliver(t: NotificationTarget, payload: string): Promise<void> {
    if (t.kind === 'lambda') {
      const m = /^arn:aws[a-z-]*:lambda:([^:]+):(\d{12}):function:/.exec(t.arn);
      const invoker = this.lambda();
      if (!m || !invoker) return;
      await invoker.invoke({
        account: m[2]!,
        region: m[1]!,
        functionName: t.arn,
        payload: Buffer.from(payload),
        invocationType: 'Event',
      });
    } else if (t.kind === 'sqs') {
      await this.sqs()?.sendMessage({ queue: t.arn, body: payload });
    }
  }
}

function record(bucket: Bucket, t: NotificationTarget, e: ObjectEvent): unknown {
  const object: Record<string, unknown> = { key: eventKey(e.key) };
  if (e.size !== undefined) object['size'] = e.size;
  if (e.eTag !== undefined) object['eTag'] = e.eTag;
  if (e.versionId !== undefined && e.versionId !== 'null') object['versionId'] = e.versionId;
  object['sequencer'] = sequencer(e.time, e.sequencer);
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: bucket.region,
    eventTime: new Date(e.time).toISOString(),
    eventName: e.eventName,
    userIdentity: { principalId: e.principal },
    requestParameters: { sourceIPAddress: e.sourceIp },
    responseElements: { 'x-amz-request-id': e.requestId, 'x-amz-id-2': e.hostId },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: t.id,
      bucket: {
        name: bucket.name,
        ownerIdentity: { principalId: ownerPrincipal(bucket.account) },
        arn: `arn:aws:s3:::${bucket.name}`,
      },
      object,
    },
    ...(e.restore && e.eventName === 'ObjectRestore:Completed'
      ? {
          glacierEventData: {
            restoreEventData: {
              lifecycleRestorationExpiryTime: new Date(e.restore.expiry).toISOString(),
              lifecycleRestoreStorageClass: e.restore.storageClass,
            },
          },
        }
      : {}),
  };
}

/** EventBridge's detail-type and reason for each S3 event (those EventBridge carries). */
const EVENTBRIDGE: Record<string, { type: string; reason?: string; deletion?: string }> = {
  'ObjectCreated:Put': { type: 'Object Created', reason: 'PutObject' },
  'ObjectCreated:Post': { type: 'Object Created', reason: 'POST Object' },
  'ObjectCreated:Copy': { type: 'Object Created', reason: 'CopyObject' },
  'ObjectCreated:CompleteMultipartUpload': { type: 'Object Created', reason: 'CompleteMultipartUpload' },
  'ObjectRemoved:Delete': { type: 'Object Deleted', reason: 'DeleteObject', deletion: 'Permanently Deleted' },
  'ObjectRemoved:DeleteMarkerCreated': {
    type: 'Object Deleted',
    reason: 'DeleteObject',
    deletion: 'Delete Marker Created',
  },
  'ObjectTagging:Put': { type: 'Object Tags Added' },
  'ObjectTagging:Delete': { type: 'Object Tags Deleted' },
  'ObjectAcl:Put': { type: 'Object ACL Updated' },
  'ObjectRestore:Post': { type: 'Object Restore Initiated' },
  'ObjectRestore:Completed': { type: 'Object Restore Completed' },
};

/** The event S3 puts on the account's default bus when the bucket sends events to EventBridge. */
function eventBridgeEvent(bucket: Bucket, e: ObjectEvent): ServiceEvent | undefined {
  const kind = EVENTBRIDGE[e.eventName];
  if (!kind) return undefined;
  const object: Record<string, unknown> = { key: e.key };
  if (e.size !== undefined) object['size'] = e.size;
  if (e.eTag !== undefined) object['etag'] = e.eTag;
  if (e.versionId !== undefined && e.versionId !== 'null') object['version-id'] = e.versionId;
  // The key as it is (event notifications' records form-URL-encode it; EventBridge's do not), and
  // the sequencer in lower case, as AWS's EventBridge examples show them.
  object['sequencer'] = sequencer(e.time, e.sequencer).toLowerCase();
  const detail: Record<string, unknown> = {
    version: '0',
    'event-version': '1.0',
    bucket: { name: bucket.name },
    object,
    'request-id': e.requestId,
    requester: e.requester,
    'source-ip-address': e.sourceIp,
  };
  if (kind.reason) detail['reason'] = kind.reason;
  if (kind.deletion) detail['deletion-type'] = kind.deletion;
  if (e.restore) {
    detail['source-storage-class'] = e.restore.storageClass;
    if (e.eventName === 'ObjectRestore:Completed')
      detail['restore-expiry-time'] = new Date(e.restore.expiry).toISOString();
  }
  return {
    account: bucket.account,
    region: bucket.region,
    source: 'aws.s3',
    detailType: kind.type,
    resources: [`arn:aws:s3:::${bucket.name}`],
    detail,
    time: e.time,
  };
}

/** A 14-character principal id derived from the account (S3 shows an opaque id here). */
export function ownerPrincipal(account: string): string {
  return 'A' + canonicalId(account).slice(0, 13).toUpperCase();
}

function sequencer(time: number, seq: number): string {
  return (BigInt(time) * 1_000_000n + BigInt(seq % 1_000_000)).toString(16).toUpperCase().padStart(18, '0');
}
