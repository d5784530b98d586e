import type { ServiceModel } from '../../core/model/types.js';
import type { OperationHandler, ServiceDefinition } from '../../core/service.js';
import type { ServiceDeps } from '../deps.js';
import type { Events } from './context.js';
import { OPERATIONS } from './operations/index.js';
import { createEventsPort, EVENTS_PORT } from './port.js';
import { ScheduleRunner } from './schedule-runner.js';
import { ensureEventsSchema } from './storage/migrations.js';
import modelJson from './model.json' with { type: 'json' };

const model = modelJson as unknown as ServiceModel;

/** Amazon EventBridge / CloudWatch Events (awsJson1.1, AWSEvents) on the injected store and clock. */
export async function createEvents(deps: ServiceDeps): Promise<ServiceDefinition> {
  await ensureEventsSchema(deps.store);
  const ev: Events = { store: deps.store, clock: deps.clock, log: deps.log, ports: deps.ports, inflight: new Set() };
  deps.ports[EVENTS_PORT] = createEventsPort(ev);
  const runner = new ScheduleRunner(ev, deps.config.events.pollIntervalMs);
  runner.start();
  const operations: Record<string, OperationHandler> = {};
  for (const [name, op] of Object.entries(OPERATIONS)) operations[name] = (input, ctx) => op(ev, input, ctx);
  return {
    name: 'events',
    signingName: 'events',
    protocol: 'awsJson1.1',
    model,
    operations,
    close: async () => {
      await runner.stop();
      await Promise.allSettled([...ev.inflight]);
    },
  };
}
