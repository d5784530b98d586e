/**
 * What a target receives: the whole event, the target's constant Input, the part InputPath
 * selects, or an InputTransformer's template with `<variable>` placeholders filled from the
 * event (InputPathsMap) and the reserved `aws.events.*` variables.
 */
import { parsePath, select } from './json-path.js';
import { eventsErrors } from './errors.js';

export interface InputTransformer {
  InputPathsMap?: Record<string, string>;
  InputTemplate: string;
}

export interface TargetInput {
  Input?: string;
  InputPath?: string;
  InputTransformer?: InputTransformer;
}

export interface RuleInfo {
  name: string;
  arn: string;
}

const RESERVED = /^aws\.events\./i;

/** Validates a target's input options as PutTargets does (ValidationException). */
export function checkTargetInput(t: TargetInput): void {
  const given = [t.Input, t.InputPath, t.InputTransformer].filter((x) => x !== undefined).length;
  if (given > 1) {
    throw eventsErrors.validation('Only one of Input, InputPath, or InputTransformer must be provided.');
  }
  if (t.Input !== undefined) {
    try {
      JSON.parse(t.Input);
    } catch {
      throw eventsErrors.validation('Target Input is not valid JSON text.');
    }
  }
  if (t.InputPath !== undefined && !parsePath(t.InputPath)) {
    throw eventsErrors.validation('Target InputPath is not a valid JSON path.');
  }
  const tr = t.InputTransformer;
  if (tr) {
    const map = tr.InputPathsMap ?? {};
    if (Object.keys(map).length > 100) {
      throw eventsErrors.validation('InputTransformer InputPathsMap can have at most 100 entries.');
    }
    for (const [name, path] of Object.entries(map)) {
      if (RESERVED.test(name)) {
        throw eventsErrors.validation(`InputTransformer InputPathsMap variable ${name} is a reserved name.`);
      }
      if (!parsePath(path)) {
        throw eventsErrors.validation(`InputTransformer InputPathsMap path ${path} is not a valid JSON path.`);
      }
    }
  }
}

function isJsonTemplate(template: string): boolean {
  const t = template.trim();
  return t.startsWith('{') || t.startsWith('[');
}

/** The payload (JSON text) a target receives for an event. */
export function targetPayload(t: TargetInput, event: Record<string, unknown>, rule: RuleInfo): string {
  if (t.Input !== undefined) return t.Input;
  if (t.InputPath !== undefined) {
    const v = select(event, parsePath(t.InputPath) ?? []);
    return v === undefined ? 'null' : JSON.stringify(v);
  }
  const tr = t.InputTransformer;
  if (!tr) return JSON.stringify(event);
  const values = new Map<string, unknown>();
  for (const [name, path] of Object.entries(tr.InputPathsMap ?? {}))
    values.set(name, select(event, parsePath(path) ?? []));
  values.set('aws.events.rule-arn', rule.arn);
  values.set('aws.events.rule-name', rule.name);
  values.set('aws.events.event.ingestion-time', event['time']);
  const json = isJsonTemplate(tr.InputTemplate);
  return tr.InputTemplate.replace(
    /(")?<([^<>\s]+)>(")?/g,
    (whole, open: string | undefined, name: string, close: string | undefined) => {
      const quoted = open !== undefined && close !== undefined;
      if (name === 'aws.events.event' || name === 'aws.events.event.json') {
        return (open ?? '') + JSON.stringify(event) + (close ?? '');
      }
      if (!values.has(name)) return whole;
      const v = values.get(name);
      let text: string;
      if (v === undefined || v === null) text = quoted ? '' : 'null';
      else if (typeof v === 'string') text = json && quoted ? JSON.stringify(v).slice(1, -1) : v;
      else text = JSON.stringify(v);
      return (open ?? '') + text + (close ?? '');
    },
  );
}
