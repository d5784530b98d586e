/** The stored documents: the API's own shapes (what Get* answers), kept whole per REST API. */

export interface MethodResponseDoc {
  statusCode: string;
  responseParameters?: Record<string, boolean>;
  responseModels?: Record<string, string>;
}

export interface IntegrationResponseDoc {
  statusCode: string;
  selectionPattern?: string;
  responseParameters?: Record<string, string>;
  responseTemplates?: Record<string, string | null>;
  contentHandling?: string;
}

export interface IntegrationDoc {
  type: string;
  httpMethod?: string;
  uri?: string;
  connectionType?: string;
  connectionId?: string;
  credentials?: string;
  requestParameters?: Record<string, string>;
  requestTemplates?: Record<string, string | null>;
  passthroughBehavior?: string;
  contentHandling?: string;
  timeoutInMillis: number;
  cacheNamespace?: string;
  cacheKeyParameters: string[];
  integrationResponses?: Record<string, IntegrationResponseDoc>;
  tlsConfig?: { insecureSkipVerification?: boolean };
}

export interface MethodDoc {
  httpMethod: string;
  authorizationType: string;
  authorizerId?: string;
  apiKeyRequired: boolean;
  requestValidatorId?: string;
  operationName?: string;
  requestParameters?: Record<string, boolean>;
  requestModels?: Record<string, string>;
  authorizationScopes?: string[];
  methodResponses?: Record<string, MethodResponseDoc>;
  methodIntegration?: IntegrationDoc;
}

export interface ResourceDoc {
  id: string;
  parentId?: string;
  pathPart?: string;
  path: string;
  resourceMethods?: Record<string, MethodDoc>;
}

export interface AuthorizerDoc {
  id: string;
  name: string;
  type: 'TOKEN' | 'REQUEST' | 'COGNITO_USER_POOLS';
  providerARNs?: string[];
  authType?: string;
  authorizerUri?: string;
  authorizerCredentials?: string;
  identitySource?: string;
  identityValidationExpression?: string;
  authorizerResultTtlInSeconds?: number;
}

export interface ModelDoc {
  id: string;
  name: string;
  description?: string;
  schema?: string;
  contentType: string;
}

export interface RequestValidatorDoc {
  id: string;
  name?: string;
  validateRequestBody: boolean;
  validateRequestParameters: boolean;
}

export interface GatewayResponseDoc {
  responseType: string;
  statusCode?: string;
  responseParameters?: Record<string, string>;
  responseTemplates?: Record<string, string>;
  defaultResponse: boolean;
}

/** What a deployment freezes: the parts of the API the data plane reads. */
export interface ApiSnapshot {
  resources: Record<string, ResourceDoc>;
  authorizers: Record<string, AuthorizerDoc>;
  models: Record<string, ModelDoc>;
  requestValidators: Record<string, RequestValidatorDoc>;
  gatewayResponses: Record<string, GatewayResponseDoc>;
  binaryMediaTypes?: string[];
  apiKeySource: string;
  policy?: string;
}

export interface DeploymentDoc {
  id: string;
  description?: string;
  createdDate: number;
  apiSummary?: Record<string, Record<string, { authorizationType: string; apiKeyRequired: boolean }>>;
  snapshot: ApiSnapshot;
}

export interface MethodSettingDoc {
  metricsEnabled: boolean;
  loggingLevel: string;
  dataTraceEnabled: boolean;
  throttlingBurstLimit: number;
  throttlingRateLimit: number;
  cachingEnabled: boolean;
  cacheTtlInSeconds: number;
  cacheDataEncrypted: boolean;
  requireAuthorizationForCacheControl: boolean;
  unauthorizedCacheControlHeaderStrategy: string;
}

export interface StageDoc {
  stageName: string;
  deploymentId: string;
  description?: string;
  clientCertificateId?: string;
  cacheClusterEnabled: boolean;
  cacheClusterSize?: string;
  cacheClusterStatus: string;
  methodSettings: Record<string, MethodSettingDoc>;
  variables?: Record<string, string>;
  documentationVersion?: string;
  accessLogSettings?: { format?: string; destinationArn?: string };
  canarySettings?: Record<string, unknown>;
  tracingEnabled: boolean;
  webAclArn?: string;
  tags?: Record<string, string>;
  createdDate: number;
  lastUpdatedDate: number;
}

export interface RestApiDoc {
  id: string;
  name: string;
  description?: string;
  createdDate: number;
  version?: string;
  warnings?: string[];
  binaryMediaTypes?: string[];
  minimumCompressionSize?: number;
  apiKeySource: string;
  endpointConfiguration: { types: string[]; ipAddressType?: string; vpcEndpointIds?: string[] };
  policy?: string;
  tags?: Record<string, string>;
  disableExecuteApiEndpoint: boolean;
  rootResourceId: string;
  resources: Record<string, ResourceDoc>;
  authorizers: Record<string, AuthorizerDoc>;
  models: Record<string, ModelDoc>;
  requestValidators: Record<string, RequestValidatorDoc>;
  gatewayResponses: Record<string, GatewayResponseDoc>;
  deployments: Record<string, DeploymentDoc>;
  stages: Record<string, StageDoc>;
}

export interface ApiKeyDoc {
  id: string;
  value: string;
  name?: string;
  customerId?: string;
  description?: string;
  enabled: boolean;
  createdDate: number;
  lastUpdatedDate: number;
  stageKeys: string[];
  tags?: Record<string, string>;
}

export interface ThrottleDoc {
  burstLimit?: number;
  rateLimit?: number;
}

export interface UsagePlanDoc {
  id: string;
  name: string;
  description?: string;
  apiStages: { apiId: string; stage: string; throttle?: Record<string, ThrottleDoc> }[];
  throttle?: ThrottleDoc;
  quota?: { limit: number; offset?: number; period: 'DAY' | 'WEEK' | 'MONTH' };
  productCode?: string;
  tags?: Record<string, string>;
  /** Key ids (API keys) attached to the plan. */
  keys: string[];
}

export interface AccountDoc {
  cloudwatchRoleArn?: string;
}
