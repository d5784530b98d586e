// Which corpus cases the conformance runner covers (shared with ad-hoc tools).

const OK_TYPES = new Set(
  ['Function', 'Api', 'HttpApi', 'SimpleTable', 'LayerVersion', 'WebSocketApi'].map((t) => `AWS::Serverless::${t}`),
);
const OK_EVENTS = new Set(['Api', 'HttpApi', 'DynamoDB', 'Schedule', 'ScheduleV2', 'S3', 'SQS']);

/** In scope: success cases a–m using only the supported SAM types and event types (no DeploymentPreference; PackageType Image included: images exist). */
export function inScope(name: string, t: Record<string, any>): boolean {
  if (/^(error_|translate_|feature_toggle_)/.test(name) || !/^[a-m]/.test(name)) return false;
  if ('DeploymentPreference' in (t.Globals?.Function ?? {})) return false;
  for (const r of Object.values<any>(t.Resources ?? {})) {
    if (typeof r?.Type !== 'string') continue;
    if (r.Type.startsWith('AWS::Serverless::') && !OK_TYPES.has(r.Type)) return false;
    if (r.Type !== 'AWS::Serverless::Function') continue;
    const p = r.Properties ?? {};
    if ('DeploymentPreference' in p) return false;
    for (const e of Object.values<any>(p.Events ?? {})) if (e && !OK_EVENTS.has(e.Type)) return false;
  }
  return true;
}
