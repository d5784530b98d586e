#!/usr/bin/env node
// Generates a trimmed service model (shapes and constraints, no documentation) from botocore's
// JSON service models, the source of truth for shapes and errors. Output is committed under
// src/services/<service>/model.json. Usage: node scripts/gen-model.mjs <botocore-name> <version> <out>
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';

const [name, version, out] = process.argv.slice(2);
if (!name || !version || !out) {
  console.error('usage: gen-model.mjs <botocore-name> <version> <out.json>');
  process.exit(2);
}
const root = execFileSync('python3', ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__))'])
  .toString()
  .trim();
const file = join(root, 'data', name, version, 'service-2.json.gz');
const model = JSON.parse(gunzipSync(readFileSync(file)).toString());

const KEEP = ['type', 'required', 'min', 'max', 'pattern', 'enum', 'flattened', 'timestampFormat', 'exception', 'error', 'sensitive', 'payload', 'streaming', 'eventstream', 'event'];
const shapes = {};
for (const [id, shape] of Object.entries(model.shapes)) {
  const s = {};
  for (const k of KEEP) if (shape[k] !== undefined) s[k] = shape[k];
  if (shape.members) {
    s.members = {};
    for (const [m, ref] of Object.entries(shape.members)) {
      const r = { shape: ref.shape };
      for (const k of ['location', 'locationName', 'flattened', 'xmlNamespace', 'jsonvalue', 'idempotencyToken', 'timestampFormat'])
        if (ref[k] !== undefined) r[k] = ref[k];
      s.members[m] = r;
    }
  }
  if (shape.member) s.member = { shape: shape.member.shape, ...(shape.member.locationName ? { locationName: shape.member.locationName } : {}) };
  if (shape.key) s.key = { shape: shape.key.shape };
  if (shape.value) s.value = { shape: shape.value.shape };
  shapes[id] = s;
}
const operations = {};
for (const [id, op] of Object.entries(model.operations)) {
  operations[id] = {
    http: op.http,
    ...(op.input ? { input: op.input.shape } : {}),
    ...(op.output ? { output: op.output.shape, ...(op.output.resultWrapper ? { resultWrapper: op.output.resultWrapper } : {}) } : {}),
    errors: (op.errors ?? []).map((e) => e.shape),
  };
}
const metadata = {};
for (const k of ['apiVersion', 'endpointPrefix', 'jsonVersion', 'protocol', 'signingName', 'targetPrefix', 'xmlNamespace', 'serviceId'])
  if (model.metadata[k] !== undefined) metadata[k] = model.metadata[k];
writeFileSync(out, JSON.stringify({ metadata, operations, shapes }) + '\n');
console.log(`wrote ${out}: ${Object.keys(operations).length} operations, ${Object.keys(shapes).length} shapes`);
