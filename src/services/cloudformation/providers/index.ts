import {
  apiAccount,
  apiAuthorizer,
  apiDeployment,
  apiKey,
  apiMethod,
  apiModel,
  apiRequestValidator,
  apiResource,
  apiStage,
  gatewayResponse,
  restApi,
  usagePlan,
  usagePlanKey,
} from './apigateway.js';
import { httpApi, httpAuthorizer, httpDeployment, httpIntegration, httpRoute, httpStage } from './apigatewayv2.js';
import { dynamodbTable } from './dynamodb.js';
import { iamInstanceProfile, iamManagedPolicy, iamPolicy, iamRole } from './iam.js';
import {
  lambdaAlias,
  lambdaEventInvokeConfig,
  lambdaEventSourceMapping,
  lambdaFunction,
  lambdaLayerVersion,
  lambdaPermission,
  lambdaUrl,
  lambdaVersion,
} from './lambda.js';
import { ecrRepository, logGroup } from './logs-ecr.js';
import { ecsCluster, ecsService, ecsTaskDefinition } from './ecs.js';
import { eventsEventBus, eventsRule } from './events.js';
import { nestedStack } from './nested-stack.js';
import { schedulerSchedule, schedulerScheduleGroup } from './scheduler.js';
import { s3Bucket, s3BucketPolicy, sqsQueue, sqsQueuePolicy } from './sqs-s3.js';
import type { ResourceProvider } from './types.js';

/** The resource types Overcast provisions, by CloudFormation type name. */
export const PROVIDERS: Record<string, ResourceProvider> = {
  'AWS::Lambda::Function': lambdaFunction,
  'AWS::Lambda::Version': lambdaVersion,
  'AWS::Lambda::Alias': lambdaAlias,
  'AWS::Lambda::Permission': lambdaPermission,
  'AWS::Lambda::LayerVersion': lambdaLayerVersion,
  'AWS::Lambda::EventSourceMapping': lambdaEventSourceMapping,
  'AWS::Lambda::Url': lambdaUrl,
  'AWS::Lambda::EventInvokeConfig': lambdaEventInvokeConfig,
  'AWS::DynamoDB::Table': dynamodbTable,
  'AWS::DynamoDB::GlobalTable': dynamodbTable,
  'AWS::IAM::Role': iamRole,
  'AWS::IAM::Policy': iamPolicy,
  'AWS::IAM::ManagedPolicy': iamManagedPolicy,
  'AWS::IAM::InstanceProfile': iamInstanceProfile,
  'AWS::Logs::LogGroup': logGroup,
  'AWS::ECR::Repository': ecrRepository,
  'AWS::ECS::Cluster': ecsCluster,
  'AWS::ECS::TaskDefinition': ecsTaskDefinition,
  'AWS::ECS::Service': ecsService,
  'AWS::SQS::Queue': sqsQueue,
  'AWS::SQS::QueuePolicy': sqsQueuePolicy,
  'AWS::S3::Bucket': s3Bucket,
  'AWS::S3::BucketPolicy': s3BucketPolicy,
  'AWS::ApiGateway::RestApi': restApi,
  'AWS::ApiGateway::Resource': apiResource,
  'AWS::ApiGateway::Method': apiMethod,
  'AWS::ApiGateway::Deployment': apiDeployment,
  'AWS::ApiGateway::Stage': apiStage,
  'AWS::ApiGateway::Authorizer': apiAuthorizer,
  'AWS::ApiGateway::ApiKey': apiKey,
  'AWS::ApiGateway::UsagePlan': usagePlan,
  'AWS::ApiGateway::UsagePlanKey': usagePlanKey,
  'AWS::ApiGateway::RequestValidator': apiRequestValidator,
  'AWS::ApiGateway::Model': apiModel,
  'AWS::ApiGateway::GatewayResponse': gatewayResponse,
  'AWS::ApiGateway::Account': apiAccount,
  'AWS::ApiGatewayV2::Api': httpApi,
  'AWS::ApiGatewayV2::Route': httpRoute,
  'AWS::ApiGatewayV2::Integration': httpIntegration,
  'AWS::ApiGatewayV2::Stage': httpStage,
  'AWS::ApiGatewayV2::Authorizer': httpAuthorizer,
  'AWS::ApiGatewayV2::Deployment': httpDeployment,
  'AWS::CloudFormation::Stack': nestedStack,
  'AWS::Events::Rule': eventsRule,
  'AWS::Events::EventBus': eventsEventBus,
  'AWS::Scheduler::Schedule': schedulerSchedule,
  'AWS::Scheduler::ScheduleGroup': schedulerScheduleGroup,
  'AWS::CloudFormation::WaitConditionHandle': {
    replaceOn: [],
    async create(_p, ctx) {
      return {
        physicalId: `https://cloudformation-waitcondition-${ctx.region}.s3.amazonaws.com/${encodeURIComponent(ctx.stackId)}/${ctx.logicalId}`,
      };
    },
    async update(id) {
      return { physicalId: id };
    },
    async delete() {},
  },
};

/** Stands in for a type Overcast does not provide when the stack opts in to skipping them. */
export const SKIPPED_PROVIDER: ResourceProvider = {
  replaceOn: [],
  async create(_p, ctx) {
    return { physicalId: ctx.physicalName(64) };
  },
  async update(id) {
    return { physicalId: id };
  },
  async delete() {},
};

/** Custom resources: any `Custom::<Name>` and `AWS::CloudFormation::CustomResource`. */
export function isCustomType(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}
