import type { Template } from './template/parse.js';

export type StackStatus =
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_FAILED'
  | 'CREATE_COMPLETE'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_FAILED'
  | 'ROLLBACK_COMPLETE'
  | 'DELETE_IN_PROGRESS'
  | 'DELETE_FAILED'
  | 'DELETE_COMPLETE'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'
  | 'UPDATE_COMPLETE'
  | 'UPDATE_FAILED'
  | 'UPDATE_ROLLBACK_IN_PROGRESS'
  | 'UPDATE_ROLLBACK_FAILED'
  | 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'
  | 'UPDATE_ROLLBACK_COMPLETE'
  | 'REVIEW_IN_PROGRESS';

/** One resource of a stack as CloudFormation tracks it. */
export interface ResourceRecord {
  logicalId: string;
  type: string;
  physicalId?: string;
  status: string;
  statusReason?: string;
  timestamp: number;
  /** Properties as resolved when the resource was last created or updated. */
  properties: Record<string, unknown>;
  /** Fn::GetAtt attributes (and `Ref` under the key `Ref` when it differs from the physical id). */
  attributes: Record<string, unknown>;
  deletionPolicy?: string;
  updateReplacePolicy?: string;
  /** Logical ids this resource depended on when it was created (for reverse-order deletion). */
  dependsOn: string[];
  metadata?: unknown;
  description?: string;
}

export interface OutputRecord {
  OutputKey: string;
  OutputValue: string;
  Description?: string;
  ExportName?: string;
}

export interface StackRecord {
  stackId: string;
  stackName: string;
  account: string;
  region: string;
  status: StackStatus;
  statusReason?: string;
  description?: string;
  creationTime: number;
  lastUpdatedTime?: number;
  deletionTime?: number;
  /** The template as submitted (GetTemplate Original). */
  templateBody: string;
  /** The template after transforms (GetTemplate Processed; what the engine runs). */
  processed: Template;
  /** Declared parameter values (unmasked). */
  parameters: Record<string, string>;
  capabilities: string[];
  tags: { Key: string; Value: string }[];
  notificationArns: string[];
  disableRollback: boolean;
  roleArn?: string;
  timeoutInMinutes?: number;
  terminationProtection: boolean;
  outputs: OutputRecord[];
  /** Export names this stack imports (Fn::ImportValue), for ListImports. */
  imports: string[];
  resources: Record<string, ResourceRecord>;
  changeSetId?: string;
  /** The access key of the last caller that changed the stack (providers act with its permissions). */
  callerAccessKeyId?: string;
  /** Set while a stack exists only as the target of a CREATE change set. */
  reviewOnly?: boolean;
}

export interface StackEvent {
  StackId: string;
  EventId: string;
  StackName: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceType: string;
  Timestamp: number;
  ResourceStatus: string;
  ResourceStatusReason?: string;
  ResourceProperties?: string;
  ClientRequestToken?: string;
}

export interface ChangeSetRecord {
  changeSetId: string;
  changeSetName: string;
  stackId: string;
  stackName: string;
  description?: string;
  type: 'CREATE' | 'UPDATE' | 'IMPORT';
  status: 'CREATE_PENDING' | 'CREATE_IN_PROGRESS' | 'CREATE_COMPLETE' | 'DELETE_COMPLETE' | 'FAILED';
  statusReason?: string;
  executionStatus:
    'UNAVAILABLE' | 'AVAILABLE' | 'EXECUTE_IN_PROGRESS' | 'EXECUTE_COMPLETE' | 'EXECUTE_FAILED' | 'OBSOLETE';
  creationTime: number;
  templateBody: string;
  processed: Template;
  parameters: Record<string, string>;
  capabilities: string[];
  tags: { Key: string; Value: string }[];
  notificationArns: string[];
  roleArn?: string;
  changes: unknown[];
}
