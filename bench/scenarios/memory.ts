/**
 * Scenario 7: the API processes' peak RSS, and where the first one's memory was after each scenario
 * (the reports bench/memory-report.mjs writes on SIGUSR2).
 */
import { existsSync, readFileSync } from "node:fs";
import type { BenchContext } from "../context.js";
import { peakMb } from "../processes.js";
import { fmt } from "../report.js";

/** Peak RSS of each API process after `after`, as the notes print them. */
export interface MemoryTrail {
  readonly peaks: string[];
  /** The scenario after which each memory report was asked for, in order. */
  readonly marks: string[];
}

export function memoryRow(ctx: BenchContext, trail: MemoryTrail, reportFile: string): void {
  ctx.notes.push(`API peak RSS (MB) after each scenario: ${trail.peaks.join(", ")}`);
  const mb = (bytes: number) => fmt(bytes / 2 ** 20);
  const reports = existsSync(reportFile)
    ? readFileSync(reportFile, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as Record<string, number> & { spaces: Record<string, number> })
    : [];
  ctx.notes.push(
    `API memory (MB: rss = V8 heap total [used] + external [of it array buffers] + the rest: code, native allocations, stacks): ${reports
      .map((r, i) => {
        const [rss, heap, used, external, buffers] = [
          r.rss,
          r.heapTotal,
          r.heapUsed,
          r.external,
          r.arrayBuffers,
        ].map((n) => n ?? 0) as [number, number, number, number, number];
        return `${trail.marks[i] ?? "?"} ${mb(rss)} = ${mb(heap)} [${mb(used)}] + ${mb(external)} [${mb(buffers)}] + ${mb(rss - heap - external)}`;
      })
      .join("; ")}; largest heap spaces at the end: ${Object.entries(reports.at(-1)?.spaces ?? {})
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([space, used]) => `${space} ${mb(used)}`)
      .join(", ")}`,
  );
  const peaks = ctx.apis.map((api) => peakMb(api.pid));
  ctx.rows.push({
    id: "7",
    scenario: "API process peak RSS (VmHWM)",
    measured: `${peaks.map((p) => `${fmt(p)} MB`).join(" + ")}`,
    target: "≤ 250 MB per process",
    ok: Math.max(...peaks) <= 250,
  });
}
