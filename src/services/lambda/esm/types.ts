/** EventSourceMappingConfiguration as the API shows it (stored as is). */
export interface EsmConfig {
  UUID: string;
  EventSourceArn: string;
  FunctionArn: string;
  BatchSize: number;
  MaximumBatchingWindowInSeconds: number;
  StartingPosition?: string;
  StartingPositionTimestamp?: number;
  ParallelizationFactor?: number;
  MaximumRecordAgeInSeconds?: number;
  BisectBatchOnFunctionError?: boolean;
  MaximumRetryAttempts?: number;
  TumblingWindowInSeconds?: number;
  FunctionResponseTypes?: string[];
  FilterCriteria?: { Filters?: { Pattern?: string }[] };
  DestinationConfig?: { OnFailure?: { Destination?: string }; OnSuccess?: { Destination?: string } };
  ScalingConfig?: { MaximumConcurrency?: number };
  State: string;
  StateTransitionReason: string;
  LastModified: number;
  LastProcessingResult: string;
  EventSourceMappingArn?: string;
}

/** One polled source (DynamoDB Streams now; SQS with the SQS work). */
export interface EsmSource {
  /** Polls once and invokes the function for what it found; resolves when that batch is done. */
  poll(): Promise<void>;
  stop(): void;
}
