/**
 * Legacy AttributeUpdates (UpdateItem) converted to an update tree. Each entry updates one
 * top-level attribute: PUT (the default) replaces it; ADD adds to a number, set or list (a missing
 * attribute takes the value); DELETE without a value removes the attribute, with a set value it
 * removes those elements.
 */
import { invalid } from '../../errors.js';
import type { AttributeValue } from '../../types.js';
import { typeOf } from '../../types.js';
import type { UpdateAction, UpdateExpression } from '../ast.js';
import { insertPath, newPathTree } from '../path-tree.js';
import { attachActions } from '../update-validate.js';

export interface AttributeValueUpdate {
  readonly Value?: AttributeValue;
  readonly Action?: string;
}

export interface AttributeUpdatesOptions {
  /** Validates one AttributeValue, returning AWS's message for an invalid one. */
  readonly validateValue?: (value: AttributeValue) => string | undefined;
}

const INVALID = 'One or more parameter values were invalid: ';
const ADD_TYPES: ReadonlySet<string> = new Set(['N', 'SS', 'NS', 'BS', 'L']);
const DELETE_TYPES: ReadonlySet<string> = new Set(['SS', 'NS', 'BS']);

/**
 * Validate and convert AttributeUpdates. Throws ValidationException, e.g.
 * "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified".
 * An empty map yields an update with no actions (UpdateItem then only creates the item).
 */
export function convertAttributeUpdates(
  updates: Readonly<Record<string, AttributeValueUpdate>>,
  options: AttributeUpdatesOptions = {},
): UpdateExpression {
  const actions: UpdateAction[] = [];
  for (const attribute of Object.keys(updates)) {
    const update = updates[attribute]!;
    const value = update.Value ?? undefined;
    const action = update.Action ?? 'PUT';
    if (value !== undefined && options.validateValue) {
      const problem = options.validateValue(value);
      if (problem) throw invalid(problem);
    }
    if (value === undefined && action !== 'DELETE') {
      throw invalid(`${INVALID}Only DELETE action is allowed when no attribute value is specified`);
    }
    const path = [attribute];
    if (action === 'DELETE') {
      if (value !== undefined && !DELETE_TYPES.has(typeOf(value))) {
        throw invalid(`${INVALID}DELETE action with value is not supported for the type ${typeOf(value)}`);
      }
      actions.push(value === undefined ? { action: 'LEGACY_DELETE', path } : { action: 'LEGACY_DELETE', path, value });
    } else if (action === 'ADD') {
      if (!ADD_TYPES.has(typeOf(value!)))
        throw invalid(`${INVALID}ADD action is not supported for the type ${typeOf(value!)}`);
      actions.push({ action: 'LEGACY_ADD', path, value: value! });
    } else if (action === 'PUT') {
      actions.push({ action: 'SET', path, value: { type: 'value', value: value! } });
    } else {
      throw invalid(
        `1 validation error detected: Value '${action}' at 'attributeUpdates.${attribute}.member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, DELETE, PUT]`,
      );
    }
  }
  const tree = newPathTree();
  for (const a of actions) insertPath(tree, a.path);
  attachActions(tree, actions);
  return { actions, tree };
}
