import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { ScanCommandInput } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, expectError, keyedTable, N, putAll, S, scanAll } from '../helpers/ddb.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

const T = 'scan-main';
const COUNT = 240;
const key = (i: number) => `item-${String(i).padStart(4, '0')}`;

describe('DynamoDB Scan', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await createTable(server.ddb, keyedTable(T, 'S', 'N'));
    // Several items per partition so segments have to keep item collections together.
    await putAll(
      server.ddb,
      T,
      Array.from({ length: COUNT }, (_, i) => ({
        pk: S(key(Math.floor(i / 3))),
        sk: N(i % 3),
        n: N(i),
        even: { BOOL: i % 2 === 0 },
      })),
    );
  });
  afterAll(() => server.stop());

  const id = (i: Record<string, any>) => `${i['pk'].S}/${i['sk'].N}`;

  it('returns every item once, however it is paged', async () => {
    const whole = await scanAll(server.ddb, { TableName: T });
    expect(whole.items).toHaveLength(COUNT);
    expect(new Set(whole.items.map(id)).size).toBe(COUNT);
    for (const Limit of [1, 17, 100, COUNT, COUNT + 1]) {
      const paged = await scanAll(server.ddb, { TableName: T, Limit });
      expect(paged.items.map(id)).toEqual(whole.items.map(id));
      expect(Math.max(...paged.pages)).toBeLessThanOrEqual(Limit);
    }
  });

  it('keeps the items of one partition together and in sort key order', async () => {
    const { items } = await scanAll(server.ddb, { TableName: T, Limit: 10 });
    const byPartition = new Map<string, string[]>();
    const order: string[] = [];
    for (const i of items) {
      const pk = i['pk']!.S!;
      if (!byPartition.has(pk)) {
        byPartition.set(pk, []);
        order.push(pk);
      } else expect(order[order.length - 1]).toBe(pk);
      byPartition.get(pk)!.push(i['sk']!.N!);
    }
    for (const sks of byPartition.values()) expect(sks).toEqual(['0', '1', '2']);
  });

  it('FilterExpression: Count is what matched, ScannedCount what was read', async () => {
    const out = await server.ddb.send(
      new ScanCommand({
        TableName: T,
        FilterExpression: 'even = :t AND n < :max',
        ExpressionAttributeValues: { ':t': { BOOL: true }, ':max': N(20) },
      }),
    );
    expect(out.Count).toBe(10);
    expect(out.ScannedCount).toBe(COUNT);
    expect(out.Items!.map((i) => Number(i['n']!.N)).sort((a, b) => a - b)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    const count = await server.ddb.send(new ScanCommand({ TableName: T, Select: 'COUNT' }));
    expect(count).toMatchObject({ Count: COUNT, ScannedCount: COUNT });
    expect(count.Items).toBeUndefined();
  });

  it('ProjectionExpression limits the attributes returned', async () => {
    const out = await server.ddb.send(new ScanCommand({ TableName: T, ProjectionExpression: 'n', Limit: 5 }));
    for (const item of out.Items!) expect(Object.keys(item)).toEqual(['n']);
  });

  describe('parallel scan', () => {
    const segments = async (TotalSegments: number, extra: Partial<ScanCommandInput> = {}) =>
      Promise.all(
        Array.from({ length: TotalSegments }, (_, Segment) =>
          scanAll(server.ddb, { TableName: T, Segment, TotalSegments, ...extra }).then((r) => r.items.map(id)),
        ),
      );

    it.each([1, 2, 4, 7, 16])('%d segments are disjoint and together cover the table', async (total) => {
      const parts = await segments(total, { Limit: 13 });
      const all = parts.flat();
      expect(all).toHaveLength(COUNT);
      expect(new Set(all).size).toBe(COUNT);
      if (total > 1 && total <= 4) {
        // With 80 partitions, every one of a few segments gets some.
        for (const p of parts) expect(p.length).toBeGreaterThan(0);
      }
    });

    it('a partition never straddles two segments', async () => {
      const parts = await segments(5);
      const owner = new Map<string, number>();
      parts.forEach((ids, seg) => {
        for (const i of ids) {
          const pk = i.split('/')[0]!;
          expect(owner.get(pk) ?? seg).toBe(seg);
          owner.set(pk, seg);
        }
      });
    });

    it('a segment is stable: scanning it twice gives the same items', async () => {
      const a = await segments(3);
      const b = await segments(3);
      expect(b.map((x) => [...x].sort())).toEqual(a.map((x) => [...x].sort()));
    });

    it('validates Segment and TotalSegments', async () => {
      await expectError(
        server.ddb.send(new ScanCommand({ TableName: T, Segment: 0 })),
        'ValidationException',
        'The TotalSegments parameter is required but was not present in the request when Segment parameter is present',
      );
      await expectError(
        server.ddb.send(new ScanCommand({ TableName: T, TotalSegments: 2 })),
        'ValidationException',
        'The Segment parameter is required but was not present in the request when parameter TotalSegments is present',
      );
      await expectError(
        server.ddb.send(new ScanCommand({ TableName: T, Segment: 5, TotalSegments: 5 })),
        'ValidationException',
        'The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 5 is not less than TotalSegments: 5',
      );
      await expectError(
        server.ddb.send(new ScanCommand({ TableName: T, Segment: 0, TotalSegments: 1000001 })),
        'ValidationException',
        "1 validation error detected: Value '1000001' at 'totalSegments' failed to satisfy constraint: Member must have value less than or equal to 1000000",
      );
      await expectError(
        server.ddb.send(new ScanCommand({ TableName: T, Segment: -1, TotalSegments: 2 })),
        'ValidationException',
        "1 validation error detected: Value '-1' at 'segment' failed to satisfy constraint: Member must have value greater than or equal to 0",
      );
      await expectError(
        server.ddb.send(new ScanCommand({ TableName: T, Limit: 0 })),
        'ValidationException',
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
      );
    });

    it('the maximum TotalSegments works (most segments are empty)', async () => {
      const out = await server.ddb.send(new ScanCommand({ TableName: T, Segment: 999_999, TotalSegments: 1_000_000 }));
      expect(out.Count).toBeLessThanOrEqual(3);
    });
  });

  it('Scan of a missing table is ResourceNotFoundException', async () => {
    await expectError(
      server.ddb.send(new ScanCommand({ TableName: 'scan-missing' })),
      'ResourceNotFoundException',
      'Requested resource not found',
    );
  });
});
