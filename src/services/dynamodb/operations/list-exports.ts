import type { OperationContext } from '../../../core/service.js';
import type { DynamoDb } from '../context.js';
import { invalid } from '../errors.js';
import { exportsSql } from '../exports/store.js';

/** NextToken: the hex of the last listed export's id (exports are listed by descending id). */
const encodeToken = (id: number) => Buffer.from(String(id), 'utf8').toString('hex');

/**
 * Exports of the account and region, newest first; with TableArn, only those of the table that
 * carries that ARN now (none once it is deleted or re-created, as in AWS).
 */
export async function listExports(
  ddb: DynamoDb,
  input: { TableArn?: string; MaxResults?: number; NextToken?: string },
  ctx: OperationContext,
) {
  let before: number | undefined;
  if (input.NextToken !== undefined) {
    const decoded = /^[0-9a-f]+$/.test(input.NextToken) ? Buffer.from(input.NextToken, 'hex').toString('utf8') : '';
    if (!/^\d{1,15}$/.test(decoded))
      throw invalid(`Invalid Request: Provided nextToken is invalid: ${input.NextToken}`);
    before = Number(decoded);
  }
  let tableId: string | undefined;
  let tableName: string | undefined;
  if (input.TableArn !== undefined) {
    tableName = input.TableArn.slice(input.TableArn.indexOf(':table/') + 7);
    const table = ddb.catalog.get(ctx.account, ctx.region, tableName);
    if (!table || table.record.arn !== input.TableArn) return { ExportSummaries: [] };
    tableId = table.record.tableId;
  }
  const all = (await exportsSql.list(ddb.store, ctx.account, ctx.region, tableName)).filter(
    (e) => (tableId === undefined || e.tableId === tableId) && (before === undefined || e.id < before),
  );
  // AWS's default page: 10.
  const limit = input.MaxResults ?? 10;
  const page = all.slice(0, limit);
  return {
    ExportSummaries: page.map((e) => ({ ExportArn: e.arn, ExportStatus: e.status, ExportType: e.exportType })),
    ...(all.length > limit ? { NextToken: encodeToken(page[page.length - 1]!.id) } : {}),
  };
}
