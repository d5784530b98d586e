import { coreErrors } from '../errors/aws-error.js';
import type { HttpRequest } from '../http/types.js';
import type { ServiceModel, Shape } from '../model/types.js';

/** Converts a string from a URI label, query string or header into the member's type. */
export function fromText(model: ServiceModel, shapeName: string, text: string): unknown {
  const shape = model.shapes[shapeName];
  switch (shape?.type) {
    case 'integer':
    case 'long': {
      if (!/^-?\d+$/.test(text.trim())) throw coreErrors.serialization(`Unable to parse '${text}' as a number`);
      return Number(text);
    }
    case 'double':
    case 'float': {
      const n = Number(text);
      if (Number.isNaN(n)) throw coreErrors.serialization(`Unable to parse '${text}' as a number`);
      return n;
    }
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw coreErrors.serialization(`Unable to parse '${text}' as a boolean`);
      return text === 'true';
    default:
      return text;
  }
}

function decodeLabel(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * Members bound to the URI, query string and headers (the REST protocols' shared part).
 * Returns the input with those members set, and the names of the members left for the body.
 */
export function decodeBindings(
  model: ServiceModel,
  inputShape: Shape,
  req: HttpRequest,
  labels: Record<string, string>,
): { input: Record<string, unknown>; bodyMembers: string[] } {
  const input: Record<string, unknown> = {};
  const bodyMembers: string[] = [];
  for (const [name, ref] of Object.entries(inputShape.members ?? {})) {
    const wire = ref.locationName ?? name;
    switch (ref.location) {
      case 'uri': {
        const raw = labels[wire];
        if (raw !== undefined) input[name] = fromText(model, ref.shape, decodeLabel(raw));
        break;
      }
      case 'querystring': {
        const shape = model.shapes[ref.shape];
        if (shape?.type === 'list') {
          const values = req.query.getAll(wire);
          if (values.length > 0) input[name] = values.map((v) => fromText(model, shape.member!.shape, v));
        } else if (shape?.type === 'map') {
          const map: Record<string, string> = {};
          for (const [k, v] of req.query) map[k] = v;
          input[name] = map;
        } else {
          const value = req.query.get(wire);
          if (value !== null) input[name] = fromText(model, ref.shape, value);
        }
        break;
      }
      case 'header': {
        const value = req.headers[wire.toLowerCase()];
        if (value === undefined) break;
        const shape = model.shapes[ref.shape];
        if (ref.jsonvalue) {
          try {
            input[name] = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
          } catch {
            throw coreErrors.serialization(`Header ${wire} is not base64-encoded JSON`);
          }
        } else if (shape?.type === 'list') {
          input[name] = value.split(',').map((v) => fromText(model, shape.member!.shape, v.trim()));
        } else {
          input[name] = fromText(model, ref.shape, value);
        }
        break;
      }
      case 'headers': {
        const prefix = wire.toLowerCase();
        const map: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers))
          if (k.startsWith(prefix) && v !== undefined) map[k.slice(prefix.length)] = v;
        if (Object.keys(map).length > 0) input[name] = map;
        break;
      }
      default:
        bodyMembers.push(name);
    }
  }
  return { input, bodyMembers };
}

/** Splits an output into response headers / status code and the members left for the body. */
export function encodeBindings(
  model: ServiceModel,
  outputShape: Shape | undefined,
  output: Record<string, unknown>,
): { headers: Record<string, string>; status: number | undefined; body: Record<string, unknown> } {
  const headers: Record<string, string> = {};
  let status: number | undefined;
  const body: Record<string, unknown> = {};
  const members = outputShape?.members ?? {};
  for (const [name, value] of Object.entries(output)) {
    const ref = members[name];
    if (value === undefined) continue;
    if (!ref) {
      body[name] = value;
      continue;
    }
    const wire = ref.locationName ?? name;
    if (ref.location === 'header') {
      headers[wire.toLowerCase()] = ref.jsonvalue
        ? Buffer.from(JSON.stringify(value)).toString('base64')
        : String(value);
    } else if (ref.location === 'headers') {
      for (const [k, v] of Object.entries(value as Record<string, string>)) headers[`${wire}${k}`.toLowerCase()] = v;
    } else if (ref.location === 'statusCode') {
      status = Number(value);
    } else {
      body[name] = value;
    }
  }
  void model;
  return { headers, status, body };
}
