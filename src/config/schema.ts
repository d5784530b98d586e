// zod/mini: the same validation as zod's chained API, as functions a bundler keeps only when used
// (28 KB bundled against 755 KB) and schemas without ~50 methods attached to each at construction:
// `overcast start` validates this schema on every start (docs/benchmarks.md, DynamoDB, stop 23).
import en from 'zod/v4/locales/en.js';
import * as z from 'zod/mini';

z.config(en());

/** An integer in [min, max] (max optional). */
const int = (min: number, max?: number) =>
  max === undefined ? z.int().check(z.minimum(min)) : z.int().check(z.minimum(min), z.maximum(max));

const credential = z.object({
  accessKeyId: z.string().check(z.minLength(1)),
  secretAccessKey: z.string().check(z.minLength(1)),
  account: z.string().check(z.regex(/^\d{12}$/, 'account must be a 12-digit account id')),
  userName: z.optional(z.string()),
});

/**
 * Every option Overcast takes, from flags, environment and an optional JSON config file. A section
 * (dynamodb, lambda, ...) absent or partial takes its options' defaults: `prefault` parses `{}`
 * through the section's schema.
 */
export const configSchema = z.object({
  port: z._default(int(0, 65535), 4566),
  host: z._default(z.string(), '127.0.0.1'),
  /** A second port that serves the OCI registry (and everything else) at its root, for clients that want one. */
  registryPort: z.optional(int(0, 65535)),
  dataDir: z._default(z.string(), './.overcast'),
  ephemeral: z._default(z.boolean(), false),
  region: z._default(z.string(), 'us-east-1'),
  account: z._default(z.string().check(z.regex(/^\d{12}$/)), '000000000000'),
  auth: z._default(z.enum(['accept', 'enforce']), 'accept'),
  credentials: z._default(z.array(credential), []),
  logLevel: z._default(z.enum(['debug', 'info', 'warn', 'error', 'silent']), 'info'),
  dynamodb: z.prefault(
    z.object({
      /** Milliseconds a table stays CREATING / UPDATING / DELETING. */
      tableStatusDelayMs: z._default(int(0), 0),
      /** Real-time period of the TTL sweeper that deletes expired items (0: never in the background). */
      ttlSweepIntervalMs: z._default(int(0), 10_000),
      /** Minimum time between two UpdateTimeToLive changes of a table (AWS: about 30 minutes). */
      ttlCooldownMs: z._default(int(0), 31 * 60 * 1000),
      /** Enforce provisioned capacity (ProvisionedThroughputExceededException); off for load tests. */
      throttle: z._default(z.boolean({ error: 'dynamodb.throttle must be on or off' }), true),
      /** Units per second an on-demand table may use (AWS's default table quota: 40,000). */
      onDemandReadCeiling: z._default(z.number().check(z.positive()), 40_000),
      onDemandWriteCeiling: z._default(z.number().check(z.positive()), 40_000),
    }),
    {},
  ),
  lambda: z.prefault(
    z.object({
      /** Milliseconds a function stays Pending (and an update InProgress). */
      stateDelayMs: z._default(int(0), 0),
      /** Idle execution environments are destroyed after this long. */
      idleMs: z._default(int(1000), 10 * 60 * 1000),
      /** Account concurrency limit per region (AWS default 1,000). */
      accountConcurrency: z._default(int(1), 1000),
    }),
    {},
  ),
  scheduler: z.prefault(
    z.object({
      /** Real-time period of EventBridge Scheduler's firing loop (due times read from the injected clock; 0: never). */
      pollIntervalMs: z._default(int(0), 1000),
    }),
    {},
  ),
  events: z.prefault(
    z.object({
      /** Real-time period of EventBridge's schedule-rule loop (due times read from the injected clock; 0: never). */
      pollIntervalMs: z._default(int(0), 1000),
    }),
    {},
  ),
  apigateway: z.prefault(
    z.object({
      /** JWKS of a REST API Cognito user pool authorizer's pool; `{issuer}`, `{region}`, `{poolId}` are filled in. */
      cognitoJwksUrl: z._default(z.string(), '{issuer}/.well-known/jwks.json'),
      /** The `iss` the pool's tokens must carry (AWS: `https://cognito-idp.{region}.amazonaws.com/{poolId}`). */
      cognitoIssuer: z._default(z.string(), 'https://cognito-idp.{region}.amazonaws.com/{poolId}'),
    }),
    {},
  ),
  ecs: z.prefault(
    z.object({
      /** First 127.0.0.1 port tried for an ECS service's load balancer (kept per service once given). */
      loadBalancerPortBase: z._default(int(1, 65535), 4600),
      /** How many ports from the base service load balancers may use. */
      loadBalancerPortRange: z._default(int(1, 65535), 400),
      /** Longest wait for a stopping service task's load-balanced connections to finish. */
      loadBalancerDrainSeconds: z._default(int(0, 3600), 30),
    }),
    {},
  ),
});

export type OvercastConfig = z.infer<typeof configSchema>;
export type OvercastConfigInput = z.input<typeof configSchema>;
