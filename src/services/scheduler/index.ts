import { checkTypes, collectViolations, formatViolations } from '../../core/model/validate.js';
import type { ServiceModel } from '../../core/model/types.js';
import type { OperationHandler, ServiceDefinition } from '../../core/service.js';
import type { ServiceDeps } from '../deps.js';
import type { Scheduler } from './context.js';
import { schedulerErrors } from './errors.js';
import { OPERATIONS } from './operations/index.js';
import { SchedulerRunner } from './runner.js';
import { ensureSchedulerSchema } from './storage/migrations.js';
import modelJson from './model.json' with { type: 'json' };

const model = modelJson as unknown as ServiceModel;

/** Model validation as Scheduler answers it: ValidationException with Coral's message, in `Message`. */
function validateSchedulerInput(operation: string, input: unknown): void {
  const shape = model.operations[operation]?.input;
  if (!shape) return;
  checkTypes(model, shape, input);
  const violations = collectViolations(model, shape, input);
  if (violations.length > 0) throw schedulerErrors.validation(formatViolations(violations));
}

/**
 * Amazon EventBridge Scheduler (restJson1, signing name `scheduler`): schedules and schedule
 * groups in the injected store, fired on the injected clock to Lambda and SQS through their ports.
 */
export async function createScheduler(deps: ServiceDeps): Promise<ServiceDefinition> {
  await ensureSchedulerSchema(deps.store);
  const s: Scheduler = { store: deps.store, clock: deps.clock, log: deps.log, ports: deps.ports };
  const runner = new SchedulerRunner(s, deps.config.scheduler.pollIntervalMs);
  runner.start();
  const operations: Record<string, OperationHandler> = {};
  for (const [name, op] of Object.entries(OPERATIONS)) operations[name] = (input, ctx) => op(s, input, ctx);
  return {
    name: 'scheduler',
    signingName: 'scheduler',
    protocol: 'restJson1',
    model,
    operations,
    validate: validateSchedulerInput,
    close: () => runner.stop(),
  };
}
