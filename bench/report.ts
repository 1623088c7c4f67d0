/** The bench's report: one table row per scenario, with its load columns, what it measured and its target. */
import type { Ceiling } from "./ceilings.js";
import type { LoadResult } from "./load.js";

/** What a row prints in its req/s, p50, p99 and error columns. */
export type Measured = Pick<LoadResult, "rps" | "p50" | "p99" | "failed" | "socketErrors">;

/** A ceiling in the table's columns: its errors are counted as non-2xx/3xx. */
export const asMeasured = (c: Ceiling): Measured => ({
  rps: c.rps,
  p50: c.p50,
  p99: c.p99,
  failed: c.errors,
  socketErrors: 0,
});

export interface Row {
  readonly id: string;
  readonly scenario: string;
  readonly load?: Measured;
  readonly measured: string;
  readonly target: string;
  readonly ok: boolean | null;
}

export const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "–");

export function table(rows: readonly Row[]): string {
  const header = [
    "#",
    "scenario",
    "req/s",
    "p50 ms",
    "p99 ms",
    "non-2xx/3xx",
    "socket errors",
    "measured",
    "target",
    "",
  ];
  const lines = rows.map((r) => [
    r.id,
    r.scenario,
    r.load ? fmt(r.load.rps) : "",
    r.load ? fmt(r.load.p50, 1) : "",
    r.load ? fmt(r.load.p99, 1) : "",
    r.load ? String(r.load.failed) : "",
    r.load ? String(r.load.socketErrors) : "",
    r.measured,
    r.target,
    r.ok === null ? "" : r.ok ? "✓" : "✗",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const fmtLine = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [fmtLine(header), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...lines.map(fmtLine)].join(
    "\n",
  );
}
