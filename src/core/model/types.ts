/** A trimmed botocore service model (see scripts/gen-model.mjs). */
export interface MemberRef {
  shape: string;
  location?: 'header' | 'headers' | 'querystring' | 'uri' | 'statusCode';
  locationName?: string;
  flattened?: boolean;
  jsonvalue?: boolean;
  idempotencyToken?: boolean;
}

export interface Shape {
  type:
    | 'structure'
    | 'list'
    | 'map'
    | 'string'
    | 'integer'
    | 'long'
    | 'double'
    | 'float'
    | 'boolean'
    | 'blob'
    | 'timestamp';
  required?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  members?: Record<string, MemberRef>;
  member?: MemberRef;
  key?: MemberRef;
  value?: MemberRef;
  exception?: boolean;
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
  flattened?: boolean;
  timestampFormat?: string;
  /** restJson1/restXml: the member that is the whole body. */
  payload?: string;
  streaming?: boolean;
}

export interface OperationModel {
  http?: { method: string; requestUri: string; responseCode?: number };
  input?: string;
  output?: string;
  resultWrapper?: string;
  errors: string[];
}

export interface ServiceModel {
  metadata: {
    apiVersion: string;
    endpointPrefix: string;
    jsonVersion?: string;
    protocol: string;
    signingName?: string;
    targetPrefix?: string;
    xmlNamespace?: string;
    serviceId?: string;
  };
  operations: Record<string, OperationModel>;
  shapes: Record<string, Shape>;
}
