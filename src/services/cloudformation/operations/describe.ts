import type { StackRecord, ResourceRecord } from '../types.js';
import { describeParameters } from '../template/parameters.js';

export function describeStack(s: StackRecord) {
  return {
    StackId: s.stackId,
    StackName: s.stackName,
    ...(s.changeSetId ? { ChangeSetId: s.changeSetId } : {}),
    ...(s.description !== undefined ? { Description: s.description } : {}),
    Parameters: describeParameters(s.processed, s.parameters),
    CreationTime: new Date(s.creationTime),
    ...(s.deletionTime !== undefined ? { DeletionTime: new Date(s.deletionTime) } : {}),
    ...(s.lastUpdatedTime !== undefined ? { LastUpdatedTime: new Date(s.lastUpdatedTime) } : {}),
    RollbackConfiguration: {},
    StackStatus: s.status,
    ...(s.statusReason !== undefined ? { StackStatusReason: s.statusReason } : {}),
    DisableRollback: s.disableRollback,
    NotificationARNs: s.notificationArns,
    ...(s.timeoutInMinutes !== undefined ? { TimeoutInMinutes: s.timeoutInMinutes } : {}),
    ...(s.capabilities.length ? { Capabilities: s.capabilities } : {}),
    ...(s.outputs.length ? { Outputs: s.outputs } : {}),
    ...(s.roleArn ? { RoleARN: s.roleArn } : {}),
    Tags: s.tags,
    EnableTerminationProtection: s.terminationProtection,
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
  };
}

export function stackSummary(s: StackRecord) {
  return {
    StackId: s.stackId,
    StackName: s.stackName,
    ...(s.description !== undefined ? { TemplateDescription: s.description } : {}),
    CreationTime: new Date(s.creationTime),
    ...(s.lastUpdatedTime !== undefined ? { LastUpdatedTime: new Date(s.lastUpdatedTime) } : {}),
    ...(s.deletionTime !== undefined ? { DeletionTime: new Date(s.deletionTime) } : {}),
    StackStatus: s.status,
    ...(s.statusReason !== undefined ? { StackStatusReason: s.statusReason } : {}),
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
  };
}

export function visibleResources(s: StackRecord): ResourceRecord[] {
  return Object.values(s.resources).sort((a, b) => a.logicalId.localeCompare(b.logicalId));
}

export function stackResource(s: StackRecord, r: ResourceRecord) {
  return {
    StackName: s.stackName,
    StackId: s.stackId,
    LogicalResourceId: r.logicalId,
    ...(r.physicalId !== undefined ? { PhysicalResourceId: r.physicalId } : {}),
    ResourceType: r.type,
    Timestamp: new Date(r.timestamp),
    ResourceStatus: r.status,
    ...(r.statusReason !== undefined ? { ResourceStatusReason: r.statusReason } : {}),
    DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
  };
}

export function stackResourceDetail(s: StackRecord, r: ResourceRecord) {
  const { Timestamp, ...rest } = stackResource(s, r);
  return {
    ...rest,
    LastUpdatedTimestamp: Timestamp,
    ...(r.metadata !== undefined ? { Metadata: JSON.stringify(r.metadata) } : {}),
  };
}

export function resourceSummary(r: ResourceRecord) {
  return {
    LogicalResourceId: r.logicalId,
    ...(r.physicalId !== undefined ? { PhysicalResourceId: r.physicalId } : {}),
    ResourceType: r.type,
    LastUpdatedTimestamp: new Date(r.timestamp),
    ResourceStatus: r.status,
    ...(r.statusReason !== undefined ? { ResourceStatusReason: r.statusReason } : {}),
    DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
  };
}
