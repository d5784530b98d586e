import type { Migration } from '../../../storage/store.js';

/**
 * CloudFormation's tables. A stack is one JSON document (template, parameters, resources,
 * outputs) keyed by its stack id; events are appended per stack; exports are unique per
 * account and region.
 */
export const CFN_MIGRATIONS: Migration[] = [
  {
    id: '001-stacks',
    statements: (d) => [
      `CREATE TABLE cfn_stacks (
        id ${d.text} PRIMARY KEY, account ${d.text} NOT NULL, region ${d.text} NOT NULL, name ${d.text} NOT NULL,
        deleted ${d.integer} NOT NULL, created ${d.integer} NOT NULL, body ${d.text} NOT NULL)`,
      `CREATE INDEX cfn_stacks_name ON cfn_stacks (account, region, name, deleted)`,
      `CREATE TABLE cfn_events (
        stack_id ${d.text} NOT NULL, seq ${d.integer} NOT NULL, body ${d.text} NOT NULL,
        PRIMARY KEY (stack_id, seq))`,
      `CREATE TABLE cfn_change_sets (
        id ${d.text} PRIMARY KEY, stack_id ${d.text} NOT NULL, name ${d.text} NOT NULL, body ${d.text} NOT NULL)`,
      `CREATE INDEX cfn_change_sets_stack ON cfn_change_sets (stack_id, name)`,
      `CREATE TABLE cfn_exports (
        account ${d.text} NOT NULL, region ${d.text} NOT NULL, name ${d.text} NOT NULL,
        stack_id ${d.text} NOT NULL, value ${d.text} NOT NULL,
        PRIMARY KEY (account, region, name))`,
    ],
  },
];
