// Translator conformance: the SAM translator's own corpus (aws/serverless-application-model,
// tests/translator/{input,output}) run through `overcast sam translate`, compared as its harness does.
// Set SAM_TRANSLATOR_REPO to a checkout (or an extracted tree with tests/translator). Skips loudly without it.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { normalise } from '../../src/services/cloudformation/sam/compare.js';
import { parseTemplate } from '../../src/services/cloudformation/sam/template-file.js';

const run = promisify(execFile);
const REPO = process.env['SAM_TRANSLATOR_REPO'];
const DIR = REPO ? join(REPO, 'tests', 'translator') : '';
const OK_TYPES = new Set(
  ['Function', 'Api', 'HttpApi', 'SimpleTable', 'LayerVersion', 'WebSocketApi'].map((t) => `AWS::Serverless::${t}`),
);
const OK_EVENTS = new Set(['Api', 'HttpApi', 'DynamoDB', 'Schedule', 'ScheduleV2', 'S3', 'SQS']);

/** In scope: success cases a–m using only the supported SAM types and event types (no DeploymentPreference, no images). */
export function inScope(name: string, t: Record<string, any>): boolean {
  if (/^(error_|translate_|feature_toggle_)/.test(name) || !/^[a-m]/.test(name)) return false;
  if ('DeploymentPreference' in (t.Globals?.Function ?? {})) return false;
  for (const r of Object.values<any>(t.Resources ?? {})) {
    if (typeof r?.Type !== 'string') continue;
    if (r.Type.startsWith('AWS::Serverless::') && !OK_TYPES.has(r.Type)) return false;
    if (r.Type !== 'AWS::Serverless::Function') continue;
    const p = r.Properties ?? {};
    if ('DeploymentPreference' in p || p.PackageType === 'Image') return false;
    for (const e of Object.values<any>(p.Events ?? {})) if (e && !OK_EVENTS.has(e.Type)) return false;
  }
  return true;
}

describe.skipIf(!REPO || !existsSync(DIR))('SAM translator conformance (a–m, in scope)', () => {
  it('translates the corpus through `overcast sam translate`', async () => {
    const cases = readdirSync(join(DIR, 'input'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -5))
      .filter((n) => existsSync(join(DIR, 'output', `${n}.json`)))
      .filter((n) => inScope(n, parseTemplate(readFileSync(join(DIR, 'input', `${n}.yaml`), 'utf8'))))
      .sort();
    const failures: string[] = [];
    let passed = 0;
    const bin = join(process.cwd(), 'bin', 'overcast.js');
    const one = async (n: string): Promise<void> => {
      const args = [
        bin,
        'sam',
        'translate',
        join(DIR, 'input', `${n}.yaml`),
        '--region',
        'ap-southeast-1',
        '--normalise',
        '--json',
        '--parameter-overrides',
        'param1=value1',
        'param2=value2',
      ];
      try {
        const { stdout } = await run(process.execPath, args, { maxBuffer: 64 << 20 });
        const expected = normalise(JSON.parse(readFileSync(join(DIR, 'output', `${n}.json`), 'utf8')));
        if (JSON.stringify(JSON.parse(stdout)) === JSON.stringify(expected)) passed++;
        else failures.push(n);
      } catch {
        failures.push(`${n} (error)`);
      }
    };
    const queue = [...cases];
    await Promise.all(
      [0, 1].map(async () => {
        for (let n = queue.shift(); n; n = queue.shift()) await one(n);
      }),
    );
    const rate = ((passed / cases.length) * 100).toFixed(1);
    console.log(
      `SAM conformance: ${passed}/${cases.length} (${rate}%) in-scope cases pass\nfailing: ${failures.join(', ')}`,
    );
    expect(cases.length).toBeGreaterThan(200);
    expect(passed / cases.length).toBeGreaterThan(0.55); // floor: the rate documented in docs/compat/sam.md
  }, 600_000);
});

if (!REPO)
  console.warn('SKIPPED SAM conformance: set SAM_TRANSLATOR_REPO to a checkout of aws/serverless-application-model');
