import Database from 'better-sqlite3';
const db = new Database('/tmp/sqlbench.db');
db.pragma('journal_mode = WAL'); db.pragma('locking_mode = EXCLUSIVE'); db.pragma('cache_size = -65536'); db.pragma('mmap_size = 268435456');
const variants = {
  full: ['SELECT item, size FROM t_text WHERE table_id = ? AND bucket = ? AND pk = ? ORDER BY sk ASC LIMIT ?', (p) => [1, (p * 7919) % 4096, Buffer.from('p' + p), 256]],
  nolimitparam: ['SELECT item, size FROM t_text WHERE table_id = ? AND bucket = ? AND pk = ? ORDER BY sk ASC LIMIT 256', (p) => [1, (p * 7919) % 4096, Buffer.from('p' + p)]],
  nolimit: ['SELECT item, size FROM t_text WHERE table_id = ? AND bucket = ? AND pk = ? ORDER BY sk ASC', (p) => [1, (p * 7919) % 4096, Buffer.from('p' + p)]],
  limitconst: ['SELECT item, size FROM t_text WHERE table_id = ? AND bucket = ? AND pk = ? ORDER BY sk ASC LIMIT ?', (p) => [1, (p * 7919) % 4096, Buffer.from('p' + p), 256]],
};
for (let r = 0; r < 2; r++) for (const [name, [sql, args]] of Object.entries(variants)) {
  const st = db.prepare(sql); const N = 20000;
  let t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) st.all(...args(i % 1000));
  console.log(name, (Number(process.hrtime.bigint() - t) / N / 1000).toFixed(1), 'µs');
}
