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
import { readTemplate, translate } from '../../src/cli/sam.js';
import { ensureBuilt, ROOT } from '../helpers/process.js';
import { inScope } from './conformance-scope.js';

const run = promisify(execFile);
const REPO = process.env['SAM_TRANSLATOR_REPO'];
const DIR = REPO ? join(REPO, 'tests', 'translator') : '';
/** The pass rate documented in docs/compat/sam.md, as a floor. */
const FLOOR = 0.94;
const FLAGS = { region: 'ap-southeast-1', normalise: true, parameterOverrides: ['param1=value1', 'param2=value2'] };

function inScopeCases(): string[] {
  return readdirSync(join(DIR, 'input'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -5))
    .filter((n) => existsSync(join(DIR, 'output', `${n}.json`)))
    .filter((n) => inScope(n, parseTemplate(readFileSync(join(DIR, 'input', `${n}.yaml`), 'utf8'))))
    .sort();
}

const expected = (n: string): unknown => normalise(JSON.parse(readFileSync(join(DIR, 'output', `${n}.json`), 'utf8')));

describe.skipIf(!REPO || !existsSync(DIR))('SAM translator conformance (a–m, in scope)', () => {
  // Every case through the module `overcast sam translate` runs (translate() in src/cli/sam.ts), in process.
  it('translates the corpus as `overcast sam translate` does', () => {
    const cases = inScopeCases();
    const failures: string[] = [];
    let passed = 0;
    for (const n of cases) {
      try {
        const out = translate(readTemplate(join(DIR, 'input', `${n}.yaml`)), FLAGS);
        if (JSON.stringify(out) === JSON.stringify(expected(n))) passed++;
        else failures.push(n);
      } catch {
        failures.push(`${n} (error)`);
      }
    }
    const rate = ((passed / cases.length) * 100).toFixed(1);
    console.log(
      `SAM conformance: ${passed}/${cases.length} (${rate}%) in-scope cases pass\nfailing: ${failures.join(', ')}`,
    );
    expect(cases.length).toBeGreaterThan(200);
    expect(passed / cases.length).toBeGreaterThan(FLOOR); // the rate documented in docs/compat/sam.md
  }, 120_000);

  // And end to end through the CLI binary for a few cases: same output as in process.
  it('prints the same through the `overcast sam translate` command', async () => {
    ensureBuilt();
    const cases = inScopeCases().filter((_, i, all) => i % Math.ceil(all.length / 3) === 0);
    for (const n of cases) {
      const args = ['sam', 'translate', join(DIR, 'input', `${n}.yaml`), '--region', 'ap-southeast-1'];
      args.push('--normalise', '--json', '--parameter-overrides', 'param1=value1', 'param2=value2');
      const { stdout } = await run(process.execPath, [join(ROOT, 'bin', 'overcast.js'), ...args], {
        maxBuffer: 64 << 20,
      });
      const inProcess = translate(readTemplate(join(DIR, 'input', `${n}.yaml`)), FLAGS);
      expect(JSON.parse(stdout), n).toEqual(JSON.parse(JSON.stringify(inProcess)));
    }
  }, 60_000);
});
if (!REPO)
  console.warn('SKIPPED SAM conformance: set SAM_TRANSLATOR_REPO to a checkout of aws/serverless-application-model');
