import type { Migration } from '../../../storage/store.js';

/**
 * Lambda's tables. Configurations are JSON documents (the API's own shapes); keys are columns.
 * `lambda_async` is the durable queue of Event invocations: it survives a restart.
 */
export const LAMBDA_MIGRATIONS: Migration[] = [
  {
    id: '001-functions',
    statements: (d) => [
      `CREATE TABLE lambda_functions (
        account ${d.text} NOT NULL, region ${d.text} NOT NULL, name ${d.text} NOT NULL,
        next_version ${d.integer} NOT NULL, reserved ${d.integer}, tags ${d.text} NOT NULL, policy ${d.text},
        created_at ${d.integer} NOT NULL,
        PRIMARY KEY (account, region, name))`,
      `CREATE TABLE lambda_versions (
        account ${d.text} NOT NULL, region ${d.text} NOT NULL, name ${d.text} NOT NULL, version ${d.text} NOT NULL,
        config ${d.text} NOT NULL, code ${d.text} NOT NULL, ready_at ${d.integer} NOT NULL,
        PRIMARY KEY (account, region, name, version))`,
      `CREATE TABLE lambda_aliases (
        account ${d.text} NOT NULL, region ${d.text} NOT NULL, function_name ${d.text} NOT NULL, name ${d.text} NOT NULL,
        config ${d.text} NOT NULL,
        PRIMARY KEY (account, region, function_name, name))`,
      `CREATE TABLE lambda_layers (
        account ${d.text} NOT NULL, region ${d.text} NOT NULL, name ${d.text} NOT NULL, version ${d.integer} NOT NULL,
        config ${d.text} NOT NULL, code ${d.text} NOT NULL, policy ${d.text}, deleted ${d.integer} NOT NULL,
        PRIMARY KEY (account, region, name, version))`,
      `CREATE TABLE lambda_settings (
        account ${d.text} NOT NULL, region ${d.text} NOT NULL, function_name ${d.text} NOT NULL,
        kind ${d.text} NOT NULL, qualifier ${d.text} NOT NULL, config ${d.text} NOT NULL,
        PRIMARY KEY (account, region, function_name, kind, qualifier))`,
      `CREATE TABLE lambda_esms (
        uuid ${d.text} NOT NULL PRIMARY KEY, account ${d.text} NOT NULL, region ${d.text} NOT NULL,
        function_name ${d.text} NOT NULL, config ${d.text} NOT NULL, checkpoint ${d.text})`,
      `CREATE TABLE lambda_async (
        id ${d.rowId}, account ${d.text} NOT NULL, region ${d.text} NOT NULL, function_name ${d.text} NOT NULL,
        qualifier ${d.text}, request_id ${d.text} NOT NULL, payload ${d.blob} NOT NULL, attempts ${d.integer} NOT NULL, system_retries ${d.integer} NOT NULL DEFAULT 0,
        enqueued_at ${d.integer} NOT NULL, next_at ${d.integer} NOT NULL)`,
      `CREATE INDEX lambda_async_due ON lambda_async (next_at)`,
    ],
  },
];
