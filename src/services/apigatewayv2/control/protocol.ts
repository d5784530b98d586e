import { AwsError } from '../../../core/errors/aws-error.js';
import type { ServiceModel } from '../../../core/model/types.js';
import { checkTypes, collectViolations, formatViolations } from '../../../core/model/validate.js';
import { createRestJsonCodec } from '../../../core/protocols/rest-json.js';
import type { ProtocolCodec } from '../../../core/protocols/codec.js';
import { fromWire, toWire } from '../wire.js';

const badRequest = (message: string) => new AwsError('BadRequestException', message, { fields: { message } });

/**
 * API Gateway v2's restJson1: camelCase wire names (wire.ts: unknown members dropped, timestamps as
 * ISO 8601), and its own spelling of malformed bodies and unimplemented operations.
 */
export const v2Codec: ProtocolCodec = createRestJsonCodec({
  fromWire,
  toWire,
  badBody: (problem) =>
    new AwsError('BadRequestException', problem === 'json' ? 'Invalid JSON in request body' : 'Invalid request body', {
      fields: { message: problem === 'json' ? 'Invalid JSON in request body' : 'Invalid request body' },
    }),
  unknownOperation: () => new AwsError('NotFoundException', 'Unknown operation', { status: 404 }),
});

/** Model validation, answered as API Gateway does: BadRequestException with the violations. */
export function validator(model: ServiceModel): (operation: string, input: unknown) => void {
  return (operation, input) => {
    const shape = model.operations[operation]?.input;
    if (!shape) return;
    try {
      checkTypes(model, shape, input);
    } catch (err) {
      throw badRequest(`Invalid request body: ${(err as Error).message}`);
    }
    const violations = collectViolations(model, shape, input);
    if (violations.length > 0) throw badRequest(formatViolations(violations));
  };
}
