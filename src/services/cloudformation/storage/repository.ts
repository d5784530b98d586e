import type { Store } from '../../../storage/store.js';
import type { ChangeSetRecord, OutputRecord, StackEvent, StackRecord } from '../types.js';

/** Persistence of stacks, events, change sets and exports. */
export class StackRepository {
  private eventSeq = new Map<string, number>();

  constructor(private readonly store: Store) {}

  async save(stack: StackRecord): Promise<void> {
    const deleted = stack.status === 'DELETE_COMPLETE' ? 1 : 0;
    await this.store.run(
      `INSERT INTO cfn_stacks (id, account, region, name, deleted, created, body) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET deleted = excluded.deleted, body = excluded.body`,
      [stack.stackId, stack.account, stack.region, stack.stackName, deleted, stack.creationTime, JSON.stringify(stack)],
    );
  }

  async remove(stackId: string): Promise<void> {
    await this.store.run(`DELETE FROM cfn_stacks WHERE id = ?`, [stackId]);
    await this.store.run(`DELETE FROM cfn_events WHERE stack_id = ?`, [stackId]);
    await this.store.run(`DELETE FROM cfn_change_sets WHERE stack_id = ?`, [stackId]);
  }

  /** A live (not deleted) stack by name, or any stack by id (deleted ones included, as AWS does). */
  async find(account: string, region: string, nameOrId: string): Promise<StackRecord | undefined> {
    const row = nameOrId.startsWith('arn:')
      ? await this.store.get<{ body: string }>(
          `SELECT body FROM cfn_stacks WHERE id = ? AND account = ? AND region = ?`,
          [nameOrId, account, region],
        )
      : await this.store.get<{ body: string }>(
          `SELECT body FROM cfn_stacks WHERE account = ? AND region = ? AND name = ? AND deleted = 0`,
          [account, region, nameOrId],
        );
    return row ? (JSON.parse(row.body) as StackRecord) : undefined;
  }

  async list(account: string, region: string, includeDeleted: boolean): Promise<StackRecord[]> {
    const rows = await this.store.all<{ body: string }>(
      `SELECT body FROM cfn_stacks WHERE account = ? AND region = ?${includeDeleted ? '' : ' AND deleted = 0'} ORDER BY created DESC, id`,
      [account, region],
    );
    return rows.map((r) => JSON.parse(r.body) as StackRecord);
  }

  async addEvent(event: StackEvent): Promise<void> {
    let seq = this.eventSeq.get(event.StackId);
    if (seq === undefined) {
      const row = await this.store.get<{ m: number | null }>(
        `SELECT MAX(seq) AS m FROM cfn_events WHERE stack_id = ?`,
        [event.StackId],
      );
      seq = Number(row?.m ?? 0);
    }
    seq++;
    this.eventSeq.set(event.StackId, seq);
    await this.store.run(`INSERT INTO cfn_events (stack_id, seq, body) VALUES (?, ?, ?)`, [
      event.StackId,
      seq,
      JSON.stringify(event),
    ]);
  }

  /** Events newest first. */
  async events(stackId: string, offset: number, limit: number): Promise<StackEvent[]> {
    const rows = await this.store.all<{ body: string }>(
      `SELECT body FROM cfn_events WHERE stack_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?`,
      [stackId, limit, offset],
    );
    return rows.map((r) => JSON.parse(r.body) as StackEvent);
  }

  async saveChangeSet(cs: ChangeSetRecord): Promise<void> {
    await this.store.run(
      `INSERT INTO cfn_change_sets (id, stack_id, name, body) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET body = excluded.body`,
      [cs.changeSetId, cs.stackId, cs.changeSetName, JSON.stringify(cs)],
    );
  }

  async deleteChangeSet(id: string): Promise<void> {
    await this.store.run(`DELETE FROM cfn_change_sets WHERE id = ?`, [id]);
  }

  async changeSet(id: string): Promise<ChangeSetRecord | undefined> {
    const row = await this.store.get<{ body: string }>(`SELECT body FROM cfn_change_sets WHERE id = ?`, [id]);
    return row ? (JSON.parse(row.body) as ChangeSetRecord) : undefined;
  }

  async changeSetByName(stackId: string, name: string): Promise<ChangeSetRecord | undefined> {
    const row = await this.store.get<{ body: string }>(
      `SELECT body FROM cfn_change_sets WHERE stack_id = ? AND name = ?`,
      [stackId, name],
    );
    return row ? (JSON.parse(row.body) as ChangeSetRecord) : undefined;
  }

  async changeSets(stackId: string): Promise<ChangeSetRecord[]> {
    const rows = await this.store.all<{ body: string }>(
      `SELECT body FROM cfn_change_sets WHERE stack_id = ? ORDER BY id`,
      [stackId],
    );
    return rows.map((r) => JSON.parse(r.body) as ChangeSetRecord);
  }

  async exportValue(
    account: string,
    region: string,
    name: string,
  ): Promise<{ stackId: string; value: string } | undefined> {
    const row = await this.store.get<{ stack_id: string; value: string }>(
      `SELECT stack_id, value FROM cfn_exports WHERE account = ? AND region = ? AND name = ?`,
      [account, region, name],
    );
    return row ? { stackId: row.stack_id, value: row.value } : undefined;
  }

  async exports(account: string, region: string): Promise<{ name: string; stackId: string; value: string }[]> {
    const rows = await this.store.all<{ name: string; stack_id: string; value: string }>(
      `SELECT name, stack_id, value FROM cfn_exports WHERE account = ? AND region = ? ORDER BY name`,
      [account, region],
    );
    return rows.map((r) => ({ name: r.name, stackId: r.stack_id, value: r.value }));
  }

  /** Replace a stack's exports with those of its outputs. */
  async setExports(account: string, region: string, stackId: string, outputs: OutputRecord[]): Promise<void> {
    await this.store.transaction(async (tx) => {
      await tx.run(`DELETE FROM cfn_exports WHERE account = ? AND region = ? AND stack_id = ?`, [
        account,
        region,
        stackId,
      ]);
      for (const o of outputs)
        if (o.ExportName !== undefined)
          await tx.run(`INSERT INTO cfn_exports (account, region, name, stack_id, value) VALUES (?, ?, ?, ?, ?)`, [
            account,
            region,
            o.ExportName,
            stackId,
            o.OutputValue,
          ]);
    });
  }
}
