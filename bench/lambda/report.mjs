// Human-readable output (text and Markdown). --json prints the results object itself.

export function fmtMs(ms) {
  if (!Number.isFinite(ms)) return '-';
  if (ms < 1) return ms.toFixed(3);
  if (ms < 10) return ms.toFixed(2);
  if (ms < 1000) return ms.toFixed(1);
  return Math.round(ms).toLocaleString('en-US');
}

function fmtRps(rps) {
  if (!Number.isFinite(rps)) return '-';
  return rps >= 100 ? Math.round(rps).toLocaleString('en-US') : rps.toFixed(1);
}

const fmtRatio = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '-');
const PEERS = ['sls', 'arc'];
const OC = ['overcast-httpapi', 'overcast-invoke', 'overcast-url'];
/** Overcast's ways in: [table label, short name]. */
export const OC_NAMES = {
  'overcast-httpapi': ['Overcast (HTTP API → Lambda)', 'HTTP API'],
  'overcast-invoke': ['Overcast (Invoke API)', 'Invoke API'],
  'overcast-url': ['Overcast (function URL)', 'function URL'],
};
export const short = (n) => OC_NAMES[n]?.[1] ?? n;

function table(header, rows, markdown) {
  if (markdown) {
    const line = (cells) => `| ${cells.join(' | ')} |`;
    return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The numbers of one system, for the table: undefined where not measured. */
function row(results, name) {
  const w = results.warm[name]?.median ?? {};
  const c = results.config.concurrency;
  const lo = Math.min(...c);
  const hi = Math.max(...c);
  const coldStart = OC.includes(name) ? results.cold.overcastProcess?.totalMs : results.cold[name]?.totalMs;
  const deploy = OC.includes(name) ? results.cold[name]?.deployToFirstMs : undefined;
  return {
    start: coldStart,
    deploy,
    p50lo: w[lo]?.p50ms,
    p99lo: w[lo]?.p99ms,
    p50hi: w[hi]?.p50ms,
    p99hi: w[hi]?.p99ms,
    rps: w[hi]?.rps,
    errors: Object.values(w).reduce((a, m) => a + (m.errors ?? 0), 0),
  };
}

const LOWER_BETTER = ['start', 'p50lo', 'p99lo', 'p50hi', 'p99hi'];

/** The better peer per metric (lower latency, higher req/s). */
function betterPeer(results) {
  const out = {};
  for (const k of [...LOWER_BETTER, 'rps']) {
    let best;
    for (const p of PEERS) {
      const v = row(results, p)[k];
      if (!Number.isFinite(v)) continue;
      if (!best || (k === 'rps' ? v > best.v : v < best.v)) best = { v, p };
    }
    out[k] = best;
  }
  return out;
}

function mainTable(results, markdown) {
  const c = results.config.concurrency;
  const lo = Math.min(...c);
  const hi = Math.max(...c);
  const header = [
    'system',
    'process start → 1st response ms',
    'deploy → 1st response ms',
    `c=${lo} p50 ms`,
    `c=${lo} p99 ms`,
    `c=${hi} p50 ms`,
    `c=${hi} p99 ms`,
    `req/s c=${hi}`,
  ];
  const rows = [];
  const names = [...OC, 'sls', 'arc', 'baseline'];
  for (const n of names) {
    if (!results.warm[n] && !results.cold[n] && !(OC.includes(n) && results.config.targets.includes(n))) continue;
    const r = row(results, n);
    const label =
      results.warm[n]?.label ??
      OC_NAMES[n]?.[0] ??
      { sls: 'serverless-offline', arc: 'Architect sandbox', baseline: 'bare node:http' }[n];
    rows.push([
      n === 'baseline' ? `${label} (floor, not a peer)` : label,
      fmtMs(r.start),
      OC.includes(n) ? fmtMs(r.deploy) : '(= start)',
      fmtMs(r.p50lo),
      fmtMs(r.p99lo),
      fmtMs(r.p50hi),
      fmtMs(r.p99hi),
      fmtRps(r.rps) + (r.errors ? '!' : ''),
    ]);
  }
  const best = betterPeer(results);
  for (const n of OC) {
    if (!results.warm[n]) continue;
    const r = row(results, n);
    const ratio = (k) => (best[k] && Number.isFinite(r[k]) ? r[k] / best[k].v : NaN);
    rows.push([
      `${short(n)} ÷ better peer`,
      fmtRatio(ratio('start')),
      best.start && Number.isFinite(r.deploy) ? fmtRatio(r.deploy / best.start.v) : '-',
      fmtRatio(ratio('p50lo')),
      fmtRatio(ratio('p99lo')),
      fmtRatio(ratio('p50hi')),
      fmtRatio(ratio('p99hi')),
      fmtRatio(ratio('rps')),
    ]);
  }
  return table(header, rows, markdown);
}

function coldLines(results) {
  const out = [];
  const { cold } = results;
  const n = (s) => `median of ${s.n}`;
  if (cold.overcastProcess) {
    const s = cold.overcastProcess;
    out.push(
      `  Overcast from nothing (${n(s)}): spawn → GET / 200 ${fmtMs(s.readyMs)} ms, CreateFunction ${fmtMs(s.createMs)} ms, ` +
        `first Invoke ${fmtMs(s.firstMs)} ms = ${fmtMs(s.totalMs)} ms to the first answer; next Invoke ${fmtMs(s.secondMs)} ms`,
    );
  }
  for (const name of OC) {
    const s = cold[name];
    if (!s) continue;
    const extra =
      { 'overcast-url': ' (+ CreateFunctionUrlConfig)', 'overcast-httpapi': ' (+ CreateApi quick create)' }[name] ?? '';
    out.push(
      `  Overcast deploy in a running server, via ${short(name)} (${n(s)}, a new function each): ` +
        `CreateFunction ${fmtMs(s.createMs)} ms${extra}, first response ${fmtMs(s.firstMs)} ms ` +
        `= ${fmtMs(s.deployToFirstMs)} ms; next ${fmtMs(s.secondMs)} ms`,
    );
  }
  for (const p of ['sls', 'arc', 'baseline']) {
    const s = cold[p];
    if (!s) continue;
    const label = { sls: 'serverless-offline', arc: 'Architect sandbox', baseline: 'bare node:http' }[p];
    out.push(
      `  ${label} (${n(s)}): spawn → port accepts ${fmtMs(s.listenMs)} ms, first GET / ${fmtMs(s.firstMs)} ms ` +
        `= ${fmtMs(s.totalMs)} ms to the first 'hello'; next GET ${fmtMs(s.secondMs)} ms`,
    );
  }
  return out;
}

/** Verdicts against the issue's targets. */
function targetLines(results) {
  const out = [];
  const best = betterPeer(results);
  const lo = Math.min(...results.config.concurrency);
  for (const name of OC) {
    const c = results.cold[name];
    if (!c) continue;
    out.push(
      `  cold start < 150 ms (deploy → first answer, ${short(name)}): ${fmtMs(c.deployToFirstMs)} ms → ${c.deployToFirstMs < 150 ? 'MET' : 'NOT MET'}` +
        (results.cold.overcastProcess
          ? ` (from process start: ${fmtMs(results.cold.overcastProcess.totalMs)} ms)`
          : ''),
    );
  }
  const floor = results.warm.baseline?.median?.[lo]?.p50ms;
  for (const n of OC) {
    const p50 = results.warm[n]?.median?.[lo]?.p50ms;
    if (!Number.isFinite(p50)) continue;
    out.push(
      `  warm overhead at c=${lo} p50 < 1 ms, ${short(n)}: p50 ${fmtMs(p50)} ms` +
        (Number.isFinite(floor) ? ` (${fmtMs(p50 - floor)} ms over bare node:http's ${fmtMs(floor)} ms)` : '') +
        ` → ${p50 < 1 ? 'MET' : Number.isFinite(floor) && p50 - floor < 1 ? 'MET only net of the HTTP floor' : 'NOT MET'}`,
    );
  }
  for (const n of OC) {
    const rps = results.warm[n]?.median && row(results, n).rps;
    if (!Number.isFinite(rps) || !best.rps) continue;
    const ratio = rps / best.rps.v;
    out.push(
      `  throughput ≥ 2× the better peer, ${short(n)}: ${fmtRps(rps)} vs ${fmtRps(best.rps.v)} req/s ` +
        `(${best.rps.p === 'sls' ? 'serverless-offline' : 'Architect sandbox'}) = ${fmtRatio(ratio)} → ${ratio >= 2 ? 'MET' : 'NOT MET'}`,
    );
  }
  return out;
}

function headerLines(results) {
  const { config, machine, versions } = results;
  const gen = machine.generator === 'wrk' ? `wrk ${machine.wrkVersion ?? ''} (1 thread)` : 'autocannon';
  const out = [
    `Lambda benchmark (${machine.startedAt.slice(0, 10)}): \`${config.handler}\` (${config.runtime}, this machine's Node ${machine.node}) behind HTTP.`,
    `Warm: ${config.reps} interleaved round(s) of ${config.durationSec} s per system × concurrency after a ${config.warmupSec} s warm-up; medians of the rounds. ` +
      `Load generator: ${gen}, the same for every system, on the same machine.`,
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memGiB} GiB, ${machine.kernel}; load average ${machine.loadAvgAtStart.toFixed(2)} at start, ${machine.loadAvgAtEnd?.toFixed(2) ?? '?'} at end.`,
    `Versions: ${[`Overcast ${versions.overcast}`, versions.sls, versions.arc].filter(Boolean).join('; ')}.`,
  ];
  if (machine.loadAvgAtStart > 0.5 * machine.cpus)
    out.push('WARNING: the machine was busy at start: other processes compete for the CPUs, numbers are noisy.');
  return out;
}

export function renderText(results) {
  const out = [...headerLines(results), '', 'Cold start:', ...coldLines(results), '', mainTable(results, false)];
  out.push(
    '',
    'Ratios are Overcast ÷ the better of serverless-offline and Architect sandbox per column: below 1× is better for times, above 1× for req/s.',
  );
  out.push('', 'Targets of the Lambda issue:', ...targetLines(results));
  out.push(
    '',
    results.errors.length
      ? ['Errors:', ...results.errors.map((e) => `  ${e.split('\n')[0]}`)].join('\n')
      : 'Errors: none.',
  );
  const bad = Object.values(results.warm).filter((w) => Object.values(w.median ?? {}).some((m) => m.errors));
  if (bad.length)
    out.push(`'!' marks runs with non-2xx responses or socket errors: ${bad.map((w) => w.label).join(', ')}.`);
  return out.join('\n');
}

export function renderMarkdown(results) {
  return [
    ...headerLines(results),
    '',
    mainTable(results, true),
    '',
    ...coldLines(results).map((l) => `- ${l.trim()}`),
    '',
    ...targetLines(results).map((l) => `- ${l.trim()}`),
  ].join('\n');
}
