import { z } from 'zod';

const credential = z.object({
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  account: z.string().regex(/^\d{12}$/, 'account must be a 12-digit account id'),
  userName: z.string().optional(),
});

/** Every option Overcast takes, from flags, environment and an optional JSON config file. */
export const configSchema = z.object({
  port: z.number().int().min(0).max(65535).default(4566),
  host: z.string().default('127.0.0.1'),
  /** A second port that serves the OCI registry (and everything else) at its root, for clients that want one. */
  registryPort: z.number().int().min(0).max(65535).optional(),
  dataDir: z.string().default('./.overcast'),
  ephemeral: z.boolean().default(false),
  region: z.string().default('us-east-1'),
  account: z
    .string()
    .regex(/^\d{12}$/)
    .default('000000000000'),
  auth: z.enum(['accept', 'enforce']).default('accept'),
  credentials: z.array(credential).default([]),
  logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  dynamodb: z
    .object({
      /** Milliseconds a table stays CREATING / UPDATING / DELETING. */
      tableStatusDelayMs: z.number().int().min(0).default(0),
      /** Real-time period of the TTL sweeper that deletes expired items (0: never in the background). */
      ttlSweepIntervalMs: z.number().int().min(0).default(10_000),
      /** Minimum time between two UpdateTimeToLive changes of a table (AWS: about 30 minutes). */
      ttlCooldownMs: z
        .number()
        .int()
        .min(0)
        .default(31 * 60 * 1000),
      /** Enforce provisioned capacity (ProvisionedThroughputExceededException); off for load tests. */
      throttle: z.boolean({ message: 'dynamodb.throttle must be on or off' }).default(true),
      /** Units per second an on-demand table may use (AWS's default table quota: 40,000). */
      onDemandReadCeiling: z.number().positive().default(40_000),
      onDemandWriteCeiling: z.number().positive().default(40_000),
    })
    .default({
      tableStatusDelayMs: 0,
      ttlSweepIntervalMs: 10_000,
      ttlCooldownMs: 31 * 60 * 1000,
      throttle: true,
      onDemandReadCeiling: 40_000,
      onDemandWriteCeiling: 40_000,
    }),
  lambda: z
    .object({
      /** Milliseconds a function stays Pending (and an update InProgress). */
      stateDelayMs: z.number().int().min(0).default(0),
      /** Idle execution environments are destroyed after this long. */
      idleMs: z
        .number()
        .int()
        .min(1000)
        .default(10 * 60 * 1000),
      /** Account concurrency limit per region (AWS default 1,000). */
      accountConcurrency: z.number().int().min(1).default(1000),
    })
    .default({ stateDelayMs: 0, idleMs: 10 * 60 * 1000, accountConcurrency: 1000 }),
  scheduler: z
    .object({
      /** Real-time period of EventBridge Scheduler's firing loop (due times read from the injected clock; 0: never). */
      pollIntervalMs: z.number().int().min(0).default(1000),
    })
    .default({ pollIntervalMs: 1000 }),
  events: z
    .object({
      /** Real-time period of EventBridge's schedule-rule loop (due times read from the injected clock; 0: never). */
      pollIntervalMs: z.number().int().min(0).default(1000),
    })
    .default({ pollIntervalMs: 1000 }),
  apigateway: z
    .object({
      /** JWKS of a REST API Cognito user pool authorizer's pool; `{issuer}`, `{region}`, `{poolId}` are filled in. */
      cognitoJwksUrl: z.string().default('{issuer}/.well-known/jwks.json'),
      /** The `iss` the pool's tokens must carry (AWS: `https://cognito-idp.{region}.amazonaws.com/{poolId}`). */
      cognitoIssuer: z.string().default('https://cognito-idp.{region}.amazonaws.com/{poolId}'),
    })
    .default({
      cognitoJwksUrl: '{issuer}/.well-known/jwks.json',
      cognitoIssuer: 'https://cognito-idp.{region}.amazonaws.com/{poolId}',
    }),
  ecs: z
    .object({
      /** First 127.0.0.1 port tried for an ECS service's load balancer (kept per service once given). */
      loadBalancerPortBase: z.number().int().min(1).max(65535).default(4600),
      /** How many ports from the base service load balancers may use. */
      loadBalancerPortRange: z.number().int().min(1).max(65535).default(400),
      /** Longest wait for a stopping service task's load-balanced connections to finish. */
      loadBalancerDrainSeconds: z.number().int().min(0).max(3600).default(30),
    })
    .default({ loadBalancerPortBase: 4600, loadBalancerPortRange: 400, loadBalancerDrainSeconds: 30 }),
});

export type OvercastConfig = z.infer<typeof configSchema>;
export type OvercastConfigInput = z.input<typeof configSchema>;
