import Database from 'better-sqlite3';
import fs from 'node:fs';
const f = '/tmp/sqlbench.db'; for (const s of ['', '-wal', '-shm']) fs.rmSync(f + s, { force: true });
const db = new Database(f);
db.pragma('journal_mode = WAL'); db.pragma('locking_mode = EXCLUSIVE'); db.pragma('cache_size = -65536'); db.pragma('mmap_size = 268435456');
for (const [name, type] of [['t_text', 'TEXT'], ['t_blob', 'BLOB']]) {
  db.exec(`CREATE TABLE ${name} (table_id INTEGER NOT NULL, bucket INTEGER NOT NULL, pk BLOB NOT NULL, sk BLOB NOT NULL, item ${type} NOT NULL, size INTEGER NOT NULL)`);
  db.exec(`CREATE UNIQUE INDEX ${name}_key ON ${name} (table_id, bucket, pk, sk)`);
  const ins = db.prepare(`INSERT INTO ${name} VALUES (?, ?, ?, ?, ?, ?)`);
  db.transaction(() => { for (let p = 0; p < 1000; p++) for (let s = 0; s < 10; s++) { const it = JSON.stringify({ pk: { S: 'p' + p }, sk: { S: 's' + s }, data: { S: 'x'.repeat(900) } }); ins.run(1, (p * 7919) % 4096, Buffer.from('p' + p), Buffer.from('s' + s), type === 'TEXT' ? it : Buffer.from(it), it.length); } })();
}
for (const name of ['t_text', 't_blob', 't_text', 't_blob']) {
  const st = db.prepare(`SELECT item, size FROM ${name} WHERE table_id = ? AND bucket = ? AND pk = ? ORDER BY sk ASC LIMIT ?`);
  const N = 20000; let t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) { const p = i % 1000; st.all(1, (p * 7919) % 4096, Buffer.from('p' + p), 256); }
  console.log(name, 'all', Number(process.hrtime.bigint() - t) / N / 1000, 'µs');
  const st2 = db.prepare(`SELECT item, size FROM ${name} WHERE table_id = ? AND bucket = ? AND pk = ? ORDER BY sk ASC LIMIT ?`).raw();
  t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) { const p = i % 1000; st2.all(1, (p * 7919) % 4096, Buffer.from('p' + p), 256); }
  console.log(name, 'raw', Number(process.hrtime.bigint() - t) / N / 1000, 'µs');
  const st3 = db.prepare(`SELECT size FROM ${name} WHERE table_id = ? AND bucket = ? AND pk = ? ORDER BY sk ASC LIMIT ?`).raw();
  t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) { const p = i % 1000; st3.all(1, (p * 7919) % 4096, Buffer.from('p' + p), 256); }
  console.log(name, 'size only', Number(process.hrtime.bigint() - t) / N / 1000, 'µs');
}
