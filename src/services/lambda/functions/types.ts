/** The API's FunctionConfiguration, as stored per version (dynamic fields are filled on read). */
export interface FunctionConfiguration {
  FunctionName: string;
  FunctionArn: string;
  Runtime?: string;
  Role: string;
  Handler?: string;
  CodeSize: number;
  Description: string;
  Timeout: number;
  MemorySize: number;
  LastModified: string;
  CodeSha256: string;
  Version: string;
  Environment?: { Variables: Record<string, string> };
  TracingConfig: { Mode: string };
  RevisionId: string;
  Layers?: { Arn: string; CodeSize: number }[];
  State?: string;
  StateReason?: string;
  StateReasonCode?: string;
  LastUpdateStatus?: string;
  LastUpdateStatusReason?: string;
  LastUpdateStatusReasonCode?: string;
  PackageType: string;
  Architectures: string[];
  EphemeralStorage: { Size: number };
  SnapStart: { ApplyOn: string; OptimizationStatus: string };
  LoggingConfig: { LogFormat: string; LogGroup: string; ApplicationLogLevel?: string; SystemLogLevel?: string };
  DeadLetterConfig?: { TargetArn?: string };
  KMSKeyArn?: string;
  VpcConfig?: { SubnetIds: string[]; SecurityGroupIds: string[]; VpcId: string; Ipv6AllowedForDualStack?: boolean };
  ImageConfigResponse?: {
    ImageConfig?: { EntryPoint?: string[]; Command?: string[]; WorkingDirectory?: string };
    Error?: { ErrorCode?: string; Message?: string };
  };
  RuntimeVersionConfig?: { RuntimeVersionArn: string };
  FileSystemConfigs?: unknown[];
}

/** Where a version's code lives. */
export interface CodeRecord {
  sha256Hex: string;
  dir: string;
  zip: string;
  /** Unpacked layer directories in order. */
  layerDirs: string[];
  /** For a published version: the $LATEST RevisionId it was published from. */
  sourceRevision?: string;
  /** PackageType Image: the ImageUri as given, and the manifest digest it resolved to. */
  image?: { imageUri: string; resolvedImageUri: string; resolvedDigest: string };
}

export interface VersionRecord {
  config: FunctionConfiguration;
  code: CodeRecord;
  /** Clock time the function (or its last update) becomes Active / Successful. */
  readyAt: number;
}

export interface FunctionMeta {
  account: string;
  region: string;
  name: string;
  nextVersion: number;
  reserved: number | undefined;
  tags: Record<string, string>;
  policy: PolicyDocument | undefined;
  createdAt: number;
}

export interface PolicyDocument {
  Version: string;
  Id: string;
  Statement: Record<string, unknown>[];
}

export interface AliasConfiguration {
  AliasArn: string;
  Name: string;
  FunctionVersion: string;
  Description: string;
  RevisionId: string;
  RoutingConfig?: { AdditionalVersionWeights: Record<string, number> };
}
