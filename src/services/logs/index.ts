import { formatViolations, checkTypes, collectViolations } from '../../core/model/validate.js';
import type { ServiceModel } from '../../core/model/types.js';
import type { OperationHandler, ServiceDefinition } from '../../core/service.js';
import type { ServiceDeps } from '../deps.js';
import type { Logs } from './context.js';
import { logsErrors } from './errors.js';
import { OPERATIONS } from './operations/index.js';
import { LogsRetention } from './retention.js';
import { ensureLogsSchema } from './storage/migrations.js';
import modelJson from './model.json' with { type: 'json' };

import { LOGS_PORT, logsPort } from './port.js';

export { LOGS_PORT, logsPort } from './port.js';
export type { LogEvent, LogsPort, LogsPortDeps } from './port.js';

const model = modelJson as unknown as ServiceModel;

/** Real time between two retention sweeps (the cut-off itself is read from the injected clock). */
export const RETENTION_SWEEP_INTERVAL_MS = 60_000;

/**
 * Model validation as CloudWatch Logs answers it: JSON type errors are SerializationException,
 * constraint violations are InvalidParameterException with Coral's message.
 */
function validateLogsInput(operation: string, input: unknown): void {
  const shape = model.operations[operation]?.input;
  if (!shape) return;
  checkTypes(model, shape, input);
  const violations = collectViolations(model, shape, input);
  if (violations.length > 0) throw logsErrors.invalidParameter(formatViolations(violations));
}

/** CloudWatch Logs (awsJson1.1, Logs_20140328) on the injected store. */
export async function createLogs(deps: ServiceDeps): Promise<ServiceDefinition> {
  await ensureLogsSchema(deps.store);
  const logs: Logs = { store: deps.store, clock: deps.clock };
  const retention = new LogsRetention(logs, RETENTION_SWEEP_INTERVAL_MS);
  retention.start();
  // Also reachable through the registry's ports (services created later find it there).
  if (deps.ports) deps.ports[LOGS_PORT] = logsPort(deps);
  const operations: Record<string, OperationHandler> = {};
  for (const [name, op] of Object.entries(OPERATIONS)) operations[name] = (input, ctx) => op(logs, input, ctx);
  return {
    name: 'logs',
    signingName: 'logs',
    protocol: 'awsJson1.1',
    model,
    operations,
    validate: validateLogsInput,
    close: () => retention.stop(),
  };
}
