// Human-readable output. (--json output is just the results object.)

/** Milliseconds with enough decimals for sub-ms values. */
export function fmtMs(ms) {
  if (!Number.isFinite(ms)) return '-';
  if (ms < 1) return ms.toFixed(3);
  if (ms < 10) return ms.toFixed(2);
  return ms.toFixed(1);
}

function fmtRps(rps) {
  if (!Number.isFinite(rps)) return '-';
  return rps >= 100 ? Math.round(rps).toLocaleString('en-US') : rps.toFixed(1);
}

function fmtRatio(a, b) {
  if (!a || !b || !Number.isFinite(a.rps) || !Number.isFinite(b.rps) || b.rps === 0) return '-';
  return `${(a.rps / b.rps).toFixed(2)}x`;
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells.map((c, i) => (i < 2 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Cold-start samples as whole milliseconds: `412, 398, …`. */
const msList = (samples) => samples.map((s) => s.toFixed(0)).join(', ');

export function renderText(results) {
  const out = [];
  const { config, peers, coldStart } = results;
  out.push(
    `DynamoDB benchmark: ${config.durationSec}s per op x concurrency (after ${config.warmupSec}s warm-up${(config.rounds ?? 1) > 1 ? `; each figure the median of ${config.rounds} interleaved rounds` : ''}), ` +
      `${config.partitions} partitions x ${config.itemsPerPartition} items of ~1 KB, ` +
      `load generator ${config.generator === 'wrk' ? 'wrk (1 thread)' : `autocannon ${config.autocannonVersion}`} (the same for all peers), ` +
      `${config.cpus} CPUs, Node ${config.node}`,
  );
  if (config.loadAvgAtStart > 0.5 * config.cpus) {
    out.push(
      `WARNING: load average was ${config.loadAvgAtStart.toFixed(2)} at start: other processes compete for the CPUs, numbers will be noisy.`,
    );
  }
  out.push('');
  out.push(
    results.order === 'sequential'
      ? 'Peers (each run alone, one after the other):'
      : 'Peers (all started; each op measured on each peer in turn, the order rotating per op and round):',
  );
  for (const p of peers) {
    const state = p.error ? `FAILED: ${p.error.split('\n')[0]}` : `ready in ${Math.round(p.readyMs)} ms`;
    out.push(`  ${p.label.padEnd(15)} storage: ${p.storage ?? '?'}; ${state}`);
  }
  if (coldStart) {
    out.push('');
    out.push(
      coldStart.error
        ? `Overcast cold start: FAILED: ${coldStart.error.split('\n')[0]}`
        : `Overcast cold start (spawn 'overcast start --ephemeral' -> its first DynamoDB answer, a signed ListTables): ` +
            `median ${coldStart.medianMs.toFixed(0)} ms of ${coldStart.samplesMs.length} ` +
            `[${msList(coldStart.samplesMs)}]; every service constructed (its ready line): median ` +
            `${coldStart.readyLineMedianMs.toFixed(0)} ms`,
    );
    if (coldStart.withoutExtraCaCerts) {
      const w = coldStart.withoutExtraCaCerts;
      out.push(
        `  (with NODE_EXTRA_CA_CERTS=${coldStart.extraCaCerts} as in this environment, which the launcher hands ` +
          `over so that Node does not parse it at start-up; without it: median ${w.medianMs.toFixed(0)} ms [${msList(w.samplesMs)}], ready line ${w.readyLineMedianMs.toFixed(0)} ms)`,
      );
    }
  }

  const ok = peers.filter((p) => !p.error);
  const header = ['op', 'conc'];
  for (const p of ok) header.push(`${p.label} req/s`, 'p50 ms', 'p99 ms');
  const oc = ok.find((p) => p.name === 'overcast');
  const others = ok.filter((p) => p.name !== 'overcast');
  if (oc) for (const p of others) header.push(`OC/${p.name === 'ddblocal' ? 'DDBLocal' : p.label}`);

  const rows = [];
  for (const op of config.ops) {
    for (const c of config.concurrency) {
      const row = [op, c];
      for (const p of ok) {
        const r = p.results?.[op]?.[c];
        if (!r || r.failed) row.push(r?.failed ? 'FAILED' : '-', '-', '-');
        else row.push(fmtRps(r.rps) + (r.non2xx || r.socketErrors ? '!' : ''), fmtMs(r.p50ms), fmtMs(r.p99ms));
      }
      if (oc) for (const p of others) row.push(fmtRatio(oc.results?.[op]?.[c], p.results?.[op]?.[c]));
      rows.push(row);
    }
  }
  out.push('');
  out.push(table(header, rows));
  out.push('');
  out.push('req/s counts 2xx responses only; p50/p99 are 2xx latencies. "!" marks a run with errors (listed below).');
  if (oc && others.length) out.push('OC/x = Overcast req/s divided by x req/s (>1 means Overcast is faster).');

  const problems = [];
  for (const p of ok) {
    for (const op of config.ops) {
      for (const c of config.concurrency) {
        const r = p.results?.[op]?.[c];
        if (!r) continue;
        if (r.failed) problems.push(`  ${p.label} ${op} c=${c}: verification failed, not run: ${r.failed}`);
        else if (r.non2xx || r.socketErrors) {
          problems.push(
            `  ${p.label} ${op} c=${c}: ${r.non2xx} non-2xx of ${r.requests} (status ${JSON.stringify(r.statusCounts)}), ` +
              `${r.socketErrors} socket errors (${r.timeouts} timeouts)`,
          );
          for (const s of r.errorSamples) problems.push(`      ${s}`);
        }
      }
    }
  }
  out.push('');
  out.push(problems.length ? ['Errors:', ...problems].join('\n') : 'Errors: none (every response was 2xx).');
  return out.join('\n');
}
