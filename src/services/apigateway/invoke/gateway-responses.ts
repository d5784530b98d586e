import type { ApiSnapshot } from '../types.js';

export const GATEWAY_RESPONSE_TYPES = [
  'REQUEST_TOO_LARGE',
  'RESOURCE_NOT_FOUND',
  'AUTHORIZER_CONFIGURATION_ERROR',
  'MISSING_AUTHENTICATION_TOKEN',
  'BAD_REQUEST_BODY',
  'INVALID_SIGNATURE',
  'INVALID_API_KEY',
  'BAD_REQUEST_PARAMETERS',
  'AUTHORIZER_FAILURE',
  'UNAUTHORIZED',
  'INTEGRATION_TIMEOUT',
  'ACCESS_DENIED',
  'DEFAULT_4XX',
  'DEFAULT_5XX',
  'WAF_FILTERED',
  'QUOTA_EXCEEDED',
  'THROTTLED',
  'API_CONFIGURATION_ERROR',
  'UNSUPPORTED_MEDIA_TYPE',
  'INTEGRATION_FAILURE',
  'EXPIRED_TOKEN',
];

/** Default status per gateway response type (DEFAULT_4XX / DEFAULT_5XX have none). */
export const DEFAULT_GATEWAY_STATUS: Record<string, number | undefined> = {
  ACCESS_DENIED: 403,
  API_CONFIGURATION_ERROR: 500,
  AUTHORIZER_CONFIGURATION_ERROR: 500,
  AUTHORIZER_FAILURE: 500,
  BAD_REQUEST_PARAMETERS: 400,
  BAD_REQUEST_BODY: 400,
  EXPIRED_TOKEN: 403,
  INTEGRATION_FAILURE: 504,
  INTEGRATION_TIMEOUT: 504,
  INVALID_API_KEY: 403,
  INVALID_SIGNATURE: 403,
  MISSING_AUTHENTICATION_TOKEN: 403,
  QUOTA_EXCEEDED: 429,
  REQUEST_TOO_LARGE: 413,
  RESOURCE_NOT_FOUND: 404,
  THROTTLED: 429,
  UNAUTHORIZED: 401,
  UNSUPPORTED_MEDIA_TYPE: 415,
  WAF_FILTERED: 403,
};

/** x-amzn-ErrorType per gateway response type. */
const ERROR_TYPE: Record<string, string> = {
  ACCESS_DENIED: 'AccessDeniedException',
  API_CONFIGURATION_ERROR: 'ApiConfigurationException',
  AUTHORIZER_CONFIGURATION_ERROR: 'AuthorizerConfigurationException',
  AUTHORIZER_FAILURE: 'AuthorizerFailureException',
  BAD_REQUEST_PARAMETERS: 'BadRequestException',
  BAD_REQUEST_BODY: 'BadRequestException',
  EXPIRED_TOKEN: 'ExpiredTokenException',
  INTEGRATION_FAILURE: 'InternalServerErrorException',
  INTEGRATION_TIMEOUT: 'InternalServerErrorException',
  INVALID_API_KEY: 'ForbiddenException',
  INVALID_SIGNATURE: 'InvalidSignatureException',
  MISSING_AUTHENTICATION_TOKEN: 'MissingAuthenticationTokenException',
  QUOTA_EXCEEDED: 'LimitExceededException',
  REQUEST_TOO_LARGE: 'RequestTooLargeException',
  RESOURCE_NOT_FOUND: 'ResourceNotFoundException',
  THROTTLED: 'TooManyRequestsException',
  UNAUTHORIZED: 'UnauthorizedException',
  UNSUPPORTED_MEDIA_TYPE: 'BadRequestException',
  WAF_FILTERED: 'WafFilteredException',
  DEFAULT_4XX: 'BadRequestException',
  DEFAULT_5XX: 'InternalServerErrorException',
};

/** A failure the gateway answers itself, shaped by the API's gateway responses. */
export class GatewayError extends Error {
  constructor(
    readonly type: string,
    /** `$context.error.message`; null for AUTHORIZER_CONFIGURATION_ERROR. */
    readonly errorMessage: string | null,
    /** Status when the type has no default (the DEFAULT_4XX / DEFAULT_5XX family). */
    readonly status?: number,
    /** `x-amzn-ErrorType` when AWS sends another than the type's (IAM failures), and the body key. */
    readonly detail?: { errorType?: string; key?: 'message' },
  ) {
    super(errorMessage ?? type);
  }
}

export interface GatewayAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Renders a gateway error: the API's own response for the type, else its DEFAULT_4XX/5XX, else the
 * built-in `{"message":$context.error.messageString}`. `render` evaluates a custom template (VTL);
 * `param` resolves a response parameter source (`'literal'`, `method.request.header.x`, ...).
 */
export function gatewayAnswer(
  err: GatewayError,
  snapshot: ApiSnapshot | undefined,
  render: (template: string) => string,
  param: (source: string) => string | undefined,
): GatewayAnswer {
  const base = DEFAULT_GATEWAY_STATUS[err.type] ?? err.status ?? 500;
  const family = base >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
  const custom = snapshot?.gatewayResponses[err.type] ?? snapshot?.gatewayResponses[family];
  const status = custom?.statusCode ? Number(custom.statusCode) : base;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-amzn-errortype': err.detail?.errorType ?? ERROR_TYPE[err.type] ?? 'BadRequestException',
  };
  for (const [name, source] of Object.entries(custom?.responseParameters ?? {})) {
    const m = /^gatewayresponse\.header\.(.+)$/.exec(name);
    const v = m ? param(source) : undefined;
    if (m && v !== undefined) headers[m[1]!.toLowerCase()] = v;
  }
  const template = custom?.responseTemplates?.['application/json'] ?? Object.values(custom?.responseTemplates ?? {})[0];
  let body: string;
  if (template !== undefined && template !== null && template !== '') body = render(template);
  else if (err.type === 'ACCESS_DENIED' && err.detail?.key === undefined)
    body = JSON.stringify({ Message: err.errorMessage });
  else body = JSON.stringify({ message: err.errorMessage });
  return { status, headers, body };
}
