import type { OperationContext } from '../../../core/service.js';
import type { DynamoDb } from '../context.js';
import { invalid } from '../errors.js';
import { importSummary } from '../imports/describe.js';
import { importsSql } from '../imports/store.js';

/** NextToken (the model wants 112+ hexadecimal digits): the hex of the last listed import's id, zero-padded. */
const encodeToken = (id: number) => Buffer.from(String(id).padStart(56, '0'), 'utf8').toString('hex');

/**
 * Imports of the account and region, newest first, PageSize (1-25, default 25) at a time; with
 * TableArn, only those into that table name.
 */
export async function listImports(
  ddb: DynamoDb,
  input: { TableArn?: string; PageSize?: number; NextToken?: string },
  ctx: OperationContext,
) {
  let before: number | undefined;
  if (input.NextToken !== undefined) {
    const decoded = Buffer.from(input.NextToken, 'hex').toString('utf8');
    if (!/^\d{56}$/.test(decoded)) throw invalid(`Invalid NextToken: ${input.NextToken}`);
    before = Number(decoded);
  }
  const tableName =
    input.TableArn !== undefined ? input.TableArn.slice(input.TableArn.indexOf(':table/') + 7) : undefined;
  const all = (await importsSql.list(ddb.store, ctx.account, ctx.region, tableName)).filter(
    (r) => (input.TableArn === undefined || r.tableArn === input.TableArn) && (before === undefined || r.id < before),
  );
  // AWS's default page: 10.
  const limit = input.PageSize ?? 10;
  const page = all.slice(0, limit);
  return {
    ImportSummaryList: page.map(importSummary),
    ...(all.length > limit ? { NextToken: encodeToken(page[page.length - 1]!.id) } : {}),
  };
}
