import { randomUUID } from 'node:crypto';
import type { EventsPort } from '../../events/port.js';
import { EVENTS_PORT } from '../../events/port.js';
import type { Ports } from '../../ports.js';
import type { SqsPort } from '../../sqs/port.js';
import { SQS_PORT } from '../../sqs/port.js';
import type { Incoming } from './events.js';
import { serviceParameters } from './mapping.js';
import type { Answer } from './responses.js';
import { gatewayErrors, json } from './responses.js';

/**
 * HTTP APIs' first-class AWS service integrations (`IntegrationSubtype`), those Overcast's services
 * can carry out: SQS-SendMessage, SQS-ReceiveMessage, SQS-DeleteMessage, SQS-PurgeQueue and EventBridge-PutEvents
 * (one entry, on the API's account and region or the bus an ARN names). The parameters come from
 * the integration's RequestParameters; the answer is the service's JSON, as API Gateway relays it.
 * An unknown subtype or a failing call answers 500, as API Gateway does when the integration fails.
 */
export async function serviceIntegration(
  ports: Ports,
  integration: Record<string, unknown>,
  inc: Incoming,
): Promise<Answer> {
  const subtype = String(integration['IntegrationSubtype']);
  const p = serviceParameters((integration['RequestParameters'] ?? {}) as Record<string, string>, inc);
  if (subtype === 'EventBridge-PutEvents') return putEvent(ports, p, inc);
  const sqs = ports[SQS_PORT] as SqsPort | undefined;
  const meta = { RequestId: randomUUID() };
  if (!sqs || !subtype.startsWith('SQS-') || p['QueueUrl'] === undefined)
    return { ...gatewayErrors.internal(), error: `${subtype}: not supported, or QueueUrl missing` };
  switch (subtype) {
    case 'SQS-SendMessage': {
      if (p['MessageBody'] === undefined) return { ...gatewayErrors.internal(), error: 'MessageBody missing' };
      const r = await sqs.sendMessage({
        queue: p['QueueUrl'],
        body: p['MessageBody'],
        ...(p['DelaySeconds'] !== undefined ? { delaySeconds: Number(p['DelaySeconds']) } : {}),
        ...(p['MessageGroupId'] !== undefined ? { messageGroupId: p['MessageGroupId'] } : {}),
        ...(p['MessageDeduplicationId'] !== undefined ? { messageDeduplicationId: p['MessageDeduplicationId'] } : {}),
      });
      return json(200, {
        SendMessageResponse: {
          ResponseMetadata: meta,
          SendMessageResult: {
            MD5OfMessageAttributes: r.md5OfMessageAttributes ?? null,
            MD5OfMessageBody: r.md5OfBody,
            MD5OfMessageSystemAttributes: null,
            MessageId: r.messageId,
            SequenceNumber: r.sequenceNumber ?? null,
          },
        },
      });
    }
    case 'SQS-ReceiveMessage': {
      const messages = await sqs.receiveMessages(p['QueueUrl'], {
        max: Number(p['MaxNumberOfMessages'] ?? 1),
        ...(p['VisibilityTimeout'] !== undefined ? { visibilityTimeout: Number(p['VisibilityTimeout']) } : {}),
        ...(p['WaitTimeSeconds'] !== undefined ? { waitSeconds: Number(p['WaitTimeSeconds']) } : {}),
      });
      return json(200, {
        ReceiveMessageResponse: {
          ReceiveMessageResult: {
            messages: messages.map((m) => ({
              Attributes: null,
              Body: m.body,
              MD5OfBody: m.md5OfBody,
              MD5OfMessageAttributes: m.md5OfMessageAttributes ?? null,
              MessageAttributes: null,
              MessageId: m.messageId,
              ReceiptHandle: m.receiptHandle,
            })),
          },
          ResponseMetadata: meta,
        },
      });
    }
    case 'SQS-PurgeQueue': {
      await sqs.purgeQueue(p['QueueUrl']);
      return json(200, { PurgeQueueResponse: { ResponseMetadata: meta } });
    }
    case 'SQS-DeleteMessage': {
      if (p['ReceiptHandle'] === undefined) return { ...gatewayErrors.internal(), error: 'ReceiptHandle missing' };
      await sqs.deleteMessage(p['QueueUrl'], p['ReceiptHandle']);
      return json(200, { DeleteMessageResponse: { ResponseMetadata: meta } });
    }
  }
  return { ...gatewayErrors.internal(), error: `${subtype}: not supported by Overcast` };
}

/**
 * EventBridge-PutEvents: Detail, DetailType and Source required; EventBusName, Resources (a
 * comma-separated list of ARNs), Time (ISO 8601) and TraceHeader optional. The answer is PutEvents'
 * own (an entry EventBridge refuses is reported in it, with a 200, as API Gateway relays it).
 */
async function putEvent(ports: Ports, p: Record<string, string>, inc: Incoming): Promise<Answer> {
  const events = ports[EVENTS_PORT] as EventsPort | undefined;
  if (!events) return { ...gatewayErrors.internal(), error: 'EventBridge-PutEvents: no EventBridge service' };
  for (const name of ['Detail', 'DetailType', 'Source'])
    if (p[name] === undefined) return { ...gatewayErrors.internal(), error: `${name} missing` };
  const time = p['Time'] !== undefined ? Date.parse(p['Time']) : undefined;
  const answer = await events.putEvents({ account: inc.account, region: inc.region }, [
    {
      Source: p['Source'],
      DetailType: p['DetailType'],
      Detail: p['Detail'],
      ...(p['EventBusName'] !== undefined ? { EventBusName: p['EventBusName'] } : {}),
      ...(p['Resources'] !== undefined ? { Resources: p['Resources'].split(',').map((r) => r.trim()) } : {}),
      ...(time !== undefined && Number.isFinite(time) ? { Time: time / 1000 } : {}),
      ...(p['TraceHeader'] !== undefined ? { TraceHeader: p['TraceHeader'] } : {}),
    },
  ]);
  return json(200, answer);
}
