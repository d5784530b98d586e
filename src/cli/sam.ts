// `overcast sam translate [template]`: print the CloudFormation the SAM transform produces.
import { readFileSync } from 'node:fs';
import { normalise } from '../services/cloudformation/sam/compare.js';
import { parseTemplate } from '../services/cloudformation/sam/template-file.js';
import { transformSam } from '../services/cloudformation/sam/transform.js';
import { CliError, fail } from './output/cli-error.js';

/** `Key=Value Key2=Value2` or `ParameterKey=K,ParameterValue=V` → map. */
export function parseOverrides(list: string[] | string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const items = (Array.isArray(list) ? list : list ? [list] : []).flatMap(
    (s) => s.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [],
  );
  for (const item of items) {
    const cfn = /^ParameterKey=([^,]+),ParameterValue=(.*)$/.exec(item);
    if (cfn) out[cfn[1]!] = cfn[2]!;
    else {
      const i = item.indexOf('=');
      if (i < 1)
        throw new CliError(`bad parameter override '${item}'`, 'use Key=Value (repeatable or space separated)');
      out[item.slice(0, i)] = item.slice(i + 1).replace(/^"(.*)"$/, '$1');
    }
  }
  return out;
}

export function readTemplate(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
  } catch {
    throw new CliError(
      `cannot read template ${path}`,
      'pass the template path, e.g. `overcast sam translate template.yaml`',
    );
  }
  try {
    return parseTemplate(text);
  } catch (e) {
    throw new CliError(`${path} is not valid YAML or JSON: ${(e as Error).message}`);
  }
}

export interface TranslateFlags {
  parameterOverrides?: string[];
  region?: string;
  account?: string;
  stackName?: string;
  managedPolicyMap?: string;
  normalise?: boolean;
  json?: boolean;
}

/** What `overcast sam translate` prints for a parsed template (the conformance runner calls it in process). */
export function translate(t: Record<string, unknown>, flags: TranslateFlags): Record<string, unknown> {
  const managed = flags.managedPolicyMap
    ? (JSON.parse(readFileSync(flags.managedPolicyMap, 'utf8')) as Record<string, string>)
    : undefined;
  const out = transformSam(t, {
    parameters: parseOverrides(flags.parameterOverrides),
    account: flags.account ?? '123456789012',
    region: flags.region ?? process.env['AWS_REGION'] ?? 'us-east-1',
    stackName: flags.stackName ?? 'sam-app',
    ...(managed ? { managedPolicies: managed } : {}),
  });
  return flags.normalise ? normalise(out) : out;
}

export function translateCommand(template: string | undefined, flags: TranslateFlags): void {
  try {
    const out = translate(readTemplate(template ?? 'template.yaml'), flags);
    process.stdout.write(JSON.stringify(out, null, flags.json ? 0 : 2) + '\n');
  } catch (e) {
    const msg = (e as Error).message;
    fail(
      /Invalid Serverless Application/.test(msg)
        ? new CliError(
            `Transform AWS::Serverless-2016-10-31 failed with: ${msg}`,
            'fix the resources named above and run again',
            2,
          )
        : e,
      flags.json,
    );
  }
}
