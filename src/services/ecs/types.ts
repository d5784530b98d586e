/** AWS-shaped documents ECS stores (the fields DescribeX returns, plus a few internal ones prefixed `_`). */

export interface Tag {
  key: string;
  value: string;
}

export interface KeyValue {
  name: string;
  value: string;
}

export interface ClusterDoc {
  clusterArn: string;
  clusterName: string;
  status: 'ACTIVE' | 'INACTIVE';
  registeredContainerInstancesCount: number;
  runningTasksCount: number;
  pendingTasksCount: number;
  activeServicesCount: number;
  statistics: unknown[];
  tags: Tag[];
  settings: { name: string; value: string }[];
  capacityProviders: string[];
  defaultCapacityProviderStrategy: unknown[];
  configuration?: unknown;
  serviceConnectDefaults?: unknown;
}

export interface HealthCheck {
  command: string[];
  interval?: number;
  timeout?: number;
  retries?: number;
  startPeriod?: number;
}

export interface PortMapping {
  containerPort?: number;
  hostPort?: number;
  protocol?: string;
  name?: string;
  appProtocol?: string;
}

export interface ContainerDefinition {
  name: string;
  image: string;
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
  essential?: boolean;
  entryPoint?: string[];
  command?: string[];
  environment?: KeyValue[];
  environmentFiles?: { value: string; type: string }[];
  secrets?: { name: string; valueFrom: string }[];
  portMappings?: PortMapping[];
  mountPoints?: { sourceVolume?: string; containerPath?: string; readOnly?: boolean }[];
  volumesFrom?: { sourceContainer?: string; readOnly?: boolean }[];
  dependsOn?: { containerName: string; condition: 'START' | 'COMPLETE' | 'SUCCESS' | 'HEALTHY' }[];
  healthCheck?: HealthCheck;
  stopTimeout?: number;
  startTimeout?: number;
  workingDirectory?: string;
  user?: string;
  ulimits?: { name: string; softLimit: number; hardLimit: number }[];
  readonlyRootFilesystem?: boolean;
  logConfiguration?: { logDriver: string; options?: Record<string, string> };
  linuxParameters?: { capabilities?: { add?: string[]; drop?: string[] }; initProcessEnabled?: boolean };
  systemControls?: { namespace?: string; value?: string }[];
  hostname?: string;
  [k: string]: unknown;
}

export interface TaskDefinitionDoc {
  taskDefinitionArn: string;
  family: string;
  revision: number;
  containerDefinitions: ContainerDefinition[];
  status: 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS';
  networkMode: string;
  requiresCompatibilities?: string[];
  compatibilities: string[];
  cpu?: string;
  memory?: string;
  taskRoleArn?: string;
  executionRoleArn?: string;
  volumes: { name: string; host?: unknown }[];
  placementConstraints: unknown[];
  requiresAttributes: { name: string }[];
  registeredAt: number;
  registeredBy: string;
  deregisteredAt?: number;
  runtimePlatform?: unknown;
  ephemeralStorage?: unknown;
  _tags: Tag[];
  [k: string]: unknown;
}

export interface ContainerDoc {
  containerArn: string;
  taskArn: string;
  name: string;
  image: string;
  imageDigest?: string;
  runtimeId?: string;
  lastStatus: string;
  exitCode?: number;
  reason?: string;
  networkBindings: { bindIP: string; containerPort: number; hostPort: number; protocol: string }[];
  networkInterfaces: { attachmentId: string; privateIpv4Address: string }[];
  healthStatus?: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  cpu?: string;
  memory?: string;
  memoryReservation?: string;
}

export interface TaskDoc {
  taskArn: string;
  clusterArn: string;
  taskDefinitionArn: string;
  attachments: { id: string; type: string; status: string; details: KeyValue[] }[];
  attributes: KeyValue[];
  availabilityZone: string;
  connectivity?: string;
  connectivityAt?: number;
  containers: ContainerDoc[];
  cpu?: string;
  memory?: string;
  createdAt: number;
  desiredStatus: 'RUNNING' | 'STOPPED';
  lastStatus: string;
  enableExecuteCommand: boolean;
  group: string;
  healthStatus: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  launchType: string;
  capacityProviderName?: string;
  overrides: Record<string, unknown> & { containerOverrides: ContainerOverride[] };
  platformVersion: string;
  platformFamily: string;
  pullStartedAt?: number;
  pullStoppedAt?: number;
  startedAt?: number;
  startedBy?: string;
  stopCode?: string;
  stoppedReason?: string;
  stoppingAt?: number;
  stoppedAt?: number;
  executionStoppedAt?: number;
  tags: Tag[];
  version: number;
  ephemeralStorage: { sizeInGiB: number };
  _serviceName?: string;
  _deploymentId?: string;
  _networkConfiguration?: unknown;
}

export interface ContainerOverride {
  name?: string;
  command?: string[];
  environment?: KeyValue[];
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
}

export interface DeploymentDoc {
  id: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  taskDefinition: string;
  desiredCount: number;
  pendingCount: number;
  runningCount: number;
  failedTasks: number;
  createdAt: number;
  updatedAt: number;
  launchType: string;
  platformVersion: string;
  platformFamily: string;
  networkConfiguration?: unknown;
  rolloutState: 'COMPLETED' | 'FAILED' | 'IN_PROGRESS';
  rolloutStateReason: string;
  _rollback?: boolean;
}

export interface ServiceDoc {
  serviceArn: string;
  serviceName: string;
  clusterArn: string;
  loadBalancers: unknown[];
  serviceRegistries: unknown[];
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  launchType: string;
  platformVersion: string;
  platformFamily: string;
  taskDefinition: string;
  deploymentConfiguration: {
    deploymentCircuitBreaker: { enable: boolean; rollback: boolean };
    maximumPercent: number;
    minimumHealthyPercent: number;
  };
  deployments: DeploymentDoc[];
  events: { id: string; createdAt: number; message: string }[];
  createdAt: number;
  placementConstraints: unknown[];
  placementStrategy: unknown[];
  networkConfiguration?: unknown;
  healthCheckGracePeriodSeconds: number;
  schedulingStrategy: string;
  deploymentController: { type: string };
  createdBy: string;
  enableECSManagedTags: boolean;
  propagateTags: string;
  enableExecuteCommand: boolean;
  tags: Tag[];
  _lastSteadyAt?: number;
  /** The service's load balancers: stable host ports and their current targets (scheduler/load-balancers.ts). */
  _lb?: { hostPort: number; containerName?: string; containerPort?: number }[];
}
