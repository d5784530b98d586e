import type { Migration } from '../../../storage/store.js';

/**
 * ECS keeps each resource (cluster, task definition revision, task, service) as its AWS-shaped
 * JSON document keyed by kind and ARN; the service holds them in memory and writes through.
 */
export const ECS_MIGRATIONS: Migration[] = [
  {
    id: '001-resources',
    statements: (d) => [
      `CREATE TABLE ecs_resources (
        account ${d.text} NOT NULL, region ${d.text} NOT NULL, kind ${d.text} NOT NULL, arn ${d.text} NOT NULL,
        doc ${d.text} NOT NULL, updated_at ${d.integer} NOT NULL,
        PRIMARY KEY (account, region, kind, arn))`,
    ],
  },
];
