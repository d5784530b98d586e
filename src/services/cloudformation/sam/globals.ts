// The Globals section: properties merged into every resource of a type (resource wins; maps merge;
// lists concatenate global + local; intrinsics count as primitives).
import { clone, isIntrinsic, isObj, SamError, type Obj } from './util.js';

const FUNCTION = [
  'Handler', 'Runtime', 'CodeUri', 'DeadLetterQueue', 'Description', 'MemorySize', 'Timeout', 'VpcConfig',
  'Environment', 'Tags', 'PropagateTags', 'Tracing', 'KmsKeyArn', 'AutoPublishAlias', 'AutoPublishAliasAllProperties',
  'Layers', 'DeploymentPreference', 'RolePath', 'PermissionsBoundary', 'ReservedConcurrentExecutions',
  'ProvisionedConcurrencyConfig', 'AssumeRolePolicyDocument', 'EventInvokeConfig', 'FileSystemConfigs',
  'CodeSigningConfigArn', 'Architectures', 'SnapStart', 'EphemeralStorage', 'FunctionUrlConfig',
  'RuntimeManagementConfig', 'LoggingConfig', 'RecursiveLoop', 'SourceKMSKeyArn', 'TenancyConfig', 'DurableConfig',
  'CapacityProviderConfig', 'FunctionScalingConfig', 'PublishToLatestPublished', 'VersionDeletionPolicy',
]; // prettier-ignore
const API = [
  'Auth', 'Name', 'DefinitionUri', 'CacheClusterEnabled', 'CacheClusterSize', 'MergeDefinitions', 'Variables',
  'EndpointConfiguration', 'MethodSettings', 'BinaryMediaTypes', 'MinimumCompressionSize', 'Cors', 'GatewayResponses',
  'AccessLogSetting', 'CanarySetting', 'TracingEnabled', 'OpenApiVersion', 'Domain', 'AlwaysDeploy', 'PropagateTags',
  'SecurityPolicy', 'EndpointAccessMode',
]; // prettier-ignore
const HTTP_API = [
  'Auth', 'AccessLogSettings', 'StageVariables', 'Tags', 'CorsConfiguration', 'DefaultRouteSettings', 'Domain',
  'RouteSettings', 'FailOnWarnings', 'PropagateTags',
]; // prettier-ignore
const WEBSOCKET = [
  'AccessLogSettings', 'ApiKeySelectionExpression', 'DefaultRouteSettings', 'DisableExecuteApiEndpoint',
  'DisableSchemaValidation', 'Domain', 'FailOnWarnings', 'IpAddressType', 'PropagateTags', 'RouteSelectionExpression',
  'RouteSettings', 'StageVariables', 'Tags',
]; // prettier-ignore

export const GLOBAL_PROPERTIES: Record<string, string[]> = {
  Function: FUNCTION,
  Api: API,
  HttpApi: HTTP_API,
  SimpleTable: ['SSESpecification'],
  StateMachine: ['PropagateTags'],
  LayerVersion: ['PublishLambdaVersion'],
  CapacityProvider: [
    'VpcConfig',
    'OperatorRole',
    'Tags',
    'InstanceRequirements',
    'ScalingConfig',
    'KmsKeyArn',
    'PropagateTags',
  ],
  WebSocketApi: WEBSOCKET,
};

function token(v: unknown): 'p' | 'd' | 'l' {
  if (Array.isArray(v)) return 'l';
  if (isObj(v) && !isIntrinsic(v)) return 'd';
  return 'p';
}

export function mergeGlobal(g: unknown, l: unknown): unknown {
  const tg = token(g);
  if (tg !== token(l) || tg === 'p') return l;
  if (tg === 'l') return [...(g as unknown[]), ...(l as unknown[])];
  const out: Obj = { ...(g as Obj) };
  for (const [k, v] of Object.entries(l as Obj)) out[k] = k in out ? mergeGlobal(out[k], v) : v;
  return out;
}

/** Parse and validate the Globals section; returns type name → properties. */
export function parseGlobals(globals: unknown): Record<string, Obj> {
  if (globals === undefined) return {};
  const sections = Object.keys(GLOBAL_PROPERTIES).sort();
  if (!isObj(globals))
    throw new SamError('Globals', "'Globals' section is invalid. It must be a non-empty dictionary", 'document');
  const out: Record<string, Obj> = {};
  for (const [section, props] of Object.entries(globals)) {
    const allowed = GLOBAL_PROPERTIES[section];
    if (!allowed)
      throw new SamError(
        'Globals',
        `'Globals' section is invalid. '${section}' is not supported. Must be one of the following values - [${sections.map((s) => `'${s}'`).join(', ')}]`,
        'document',
      );
    if (!isObj(props))
      throw new SamError(
        'Globals',
        `'Globals' section is invalid. Value of ${section} must be a dictionary.`,
        'document',
      );
    for (const k of Object.keys(props))
      if (!allowed.includes(k))
        throw new SamError(
          'Globals',
          `'Globals' section is invalid. '${k}' is not a supported property of '${section}'. Must be one of the following values - [${allowed.map((s) => `'${s}'`).join(', ')}]`,
          'document',
        );
    out[section] = props;
  }
  return out;
}

/** Merge globals into each AWS::Serverless::* resource, honouring IgnoreGlobals. */
export function applyGlobals(resources: Obj, globals: Record<string, Obj>): void {
  for (const res of Object.values(resources)) {
    if (!isObj(res) || typeof res.Type !== 'string' || !res.Type.startsWith('AWS::Serverless::')) continue;
    const section = globals[res.Type.slice('AWS::Serverless::'.length)];
    if (!section) continue;
    const ignore = res.IgnoreGlobals;
    let g = clone(section);
    if (ignore === '*') continue;
    if (Array.isArray(ignore)) g = Object.fromEntries(Object.entries(g).filter(([k]) => !ignore.includes(k)));
    const props = isObj(res.Properties) ? res.Properties : {};
    res.Properties = mergeGlobal(g, props);
  }
}
