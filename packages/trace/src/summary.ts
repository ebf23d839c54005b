import { readFileSync } from 'node:fs';

/** The events the runtime writes to ISOLATE_DEPS_TRACE, one JSON object per line. */
export interface TraceEvent {
  type: 'call' | 'capability' | 'denial' | 'instance';
  package: string;
  [key: string]: unknown;
}

export interface PackageTraceSummary {
  package: string;
  calls: number;
  totalMs: number;
  p50Us: number;
  p99Us: number;
  /** Share of all traced call time spent in this package (0..1). */
  share: number;
  outcomes: Record<string, number>;
  capabilitiesUsed: Record<string, number>;
  capabilitiesDenied: Record<string, number>;
  /** Per denied capability, each target (env name, path, host:port) with its count. */
  deniedTargets: Record<string, Record<string, number>>;
  instancesCreated: number;
  traps: number;
}

export class TraceFileError extends Error {
  readonly code = 'ERR_TRACE_FILE';
}

/** Reads a JSONL trace; a malformed line is an error naming the file and the line. */
export function readTrace(file: string): TraceEvent[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new TraceFileError(`${file}: cannot read the trace file (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  return text.split('\n').flatMap((line, index) => {
    if (line.trim() === '') return [];
    try {
      const event = JSON.parse(line) as TraceEvent;
      if (typeof event !== 'object' || event === null || typeof event.type !== 'string' || typeof event.package !== 'string') throw new Error('not an event');
      return [event];
    } catch (error) {
      throw new TraceFileError(`${file}:${index + 1}: expected one trace event as JSON, got ${printable(JSON.stringify(line.slice(0, 60)))}`);
    }
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const count = (record: Record<string, number>, key: string) => {
  record[key] = (record[key] ?? 0) + 1;
};

/** Per package: calls, total and p50/p99 time, share of time, capabilities used and denied, instances and traps. */
export function summarizeTrace(events: TraceEvent[]): PackageTraceSummary[] {
  const byPackage = new Map<string, { durations: number[]; summary: PackageTraceSummary }>();
  const entry = (name: string) => {
    let found = byPackage.get(name);
    if (!found) {
      found = { durations: [], summary: { package: name, calls: 0, totalMs: 0, p50Us: 0, p99Us: 0, share: 0, outcomes: {}, capabilitiesUsed: {}, capabilitiesDenied: {}, deniedTargets: {}, instancesCreated: 0, traps: 0 } };
      byPackage.set(name, found);
    }
    return found;
  };
  for (const event of events) {
    const { durations, summary } = entry(event.package);
    switch (event.type) {
      case 'call': {
        summary.calls++;
        durations.push(Number(event.durationUs) || 0);
        const outcome = String(event.outcome);
        count(summary.outcomes, outcome);
        if (outcome === 'trap' || outcome === 'timeout' || outcome === 'memory-limit') summary.traps++;
        break;
      }
      case 'capability':
        count(summary.capabilitiesUsed, String(event.capability));
        break;
      case 'denial':
        count(summary.capabilitiesDenied, String(event.capability));
        count((summary.deniedTargets[String(event.capability)] ??= {}), String(event.target));
        break;
      case 'instance':
        if (event.action === 'create') summary.instancesCreated++;
        break;
    }
  }
  const totalUs = [...byPackage.values()].reduce((sum, p) => sum + p.durations.reduce((a, b) => a + b, 0), 0);
  return [...byPackage.values()]
    .map(({ durations, summary }) => {
      const sorted = [...durations].sort((a, b) => a - b);
      const sum = sorted.reduce((a, b) => a + b, 0);
      return { ...summary, totalMs: sum / 1000, p50Us: percentile(sorted, 50), p99Us: percentile(sorted, 99), share: totalUs === 0 ? 0 : sum / totalUs };
    })
    .sort((a, b) => b.totalMs - a.totalMs);
}

// A trace holds the guest's own words (a denial's capability is whatever the package reported), and the
// table goes to a terminal: control characters are escaped, and a name that is not a plain identifier is
// quoted so it cannot pose as several entries. Same rule as packages/runtime/src/terminal-text.ts; this
// package reads trace files and depends on nothing.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
const printable = (text: string) => text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const name = (text: string) => (/^[A-Za-z_@][\w.\-/@]*$/.test(text) ? text : `"${printable(text.replace(/["\\]/g, '\\$&'))}"`);

const list = (record: Record<string, number>) =>
  Object.entries(record)
    .map(([k, v]) => `${name(k)}×${v}`)
    .join(', ') || '-';

// Targets shown per denied capability; the rest are counted.
const TARGETS_SHOWN = 6;

/** "env×41 (LOG_TOKENS×40, LOG_STREAM×1)": what was refused, by name, most frequent first. */
const deniedList = (s: PackageTraceSummary) =>
  Object.entries(s.capabilitiesDenied)
    .map(([capability, n]) => {
      const targets = Object.entries(s.deniedTargets?.[capability] ?? {}).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
      const shown = targets.slice(0, TARGETS_SHOWN).map(([t, k]) => `${name(t)}×${k}`);
      if (targets.length > TARGETS_SHOWN) shown.push(`… ${targets.length - TARGETS_SHOWN} more`);
      return `${name(capability)}×${n}${shown.length > 0 ? ` (${shown.join(', ')})` : ''}`;
    })
    .join(', ') || '-';

/** A readable table of summaries. */
export function formatTraceText(summaries: PackageTraceSummary[]): string {
  const header = ['package', 'calls', 'total ms', 'p50 µs', 'p99 µs', 'share', 'instances', 'traps', 'capabilities used', 'denied'];
  const rows = summaries.map((s) => [name(s.package), String(s.calls), s.totalMs.toFixed(1), String(s.p50Us), String(s.p99Us), `${(s.share * 100).toFixed(1)}%`, String(s.instancesCreated), String(s.traps), list(s.capabilitiesUsed), deniedList(s)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
