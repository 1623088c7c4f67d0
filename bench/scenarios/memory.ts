/**
 * Scenario 7: the API processes' peak RSS, and where the first one's memory was after each scenario
 * (the reports bench/memory-report.mjs writes on SIGUSR2).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { BenchContext } from "../context.js";
import { peakMb } from "../processes.js";
import { fmt } from "../report.js";

type MemoryReport = Record<string, number> & {
  spaces: Record<string, number>;
  afterGc?: boolean;
  snapshot?: string;
};

const readReports = (reportFile: string): MemoryReport[] =>
  existsSync(reportFile)
    ? readFileSync(reportFile, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as MemoryReport)
    : [];

/**
 * The last sample ("end"): the first API process reports, then collects its garbage and reports again
 * (bench/memory-report.mjs), so the notes tell what the heap still holds from what V8 had not collected.
 */
export async function sampleAfterCollection(ctx: BenchContext, reportFile: string): Promise<number[]> {
  // Read before the collection: a heap snapshot needs memory of its own, which is not the API's.
  const peaks = ctx.apis.map((api) => peakMb(api.pid));
  writeFileSync(`${reportFile}.collect`, "");
  try {
    ctx.sampleMemory("end");
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !readReports(reportFile).some((r) => r.afterGc)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    rmSync(`${reportFile}.collect`, { force: true });
  }
  return peaks;
}

/** Peak RSS of each API process after `after`, as the notes print them. */
export interface MemoryTrail {
  readonly peaks: string[];
  /** The scenario after which each memory report was asked for, in order. */
  readonly marks: string[];
}

/** Rows 7a and 7; `peaks`, each API process's VmHWM as `sampleAfterCollection` read it. */
export function memoryRow(
  ctx: BenchContext,
  trail: MemoryTrail,
  reportFile: string,
  peaks: readonly number[],
): void {
  ctx.notes.push(`API peak RSS (MB) after each scenario: ${trail.peaks.join(", ")}`);
  const mb = (bytes: number) => fmt(bytes / 2 ** 20);
  const all = readReports(reportFile);
  const reports = all.filter((r) => !r.afterGc);
  const collected = all.find((r) => r.afterGc);
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
  if (collected) {
    ctx.notes.push(
      `API memory at the end after a full GC: rss ${mb(collected.rss ?? 0)}, heap total ${mb(collected.heapTotal ?? 0)} [used ${mb(collected.heapUsed ?? 0)}], external ${mb(collected.external ?? 0)}${collected.snapshot ? `; heap snapshot ${collected.snapshot}` : ""}`,
    );
  }
  const idle = reports[0]?.rss;
  if (idle !== undefined) {
    ctx.rows.push({
      id: "7a",
      scenario: "API process RSS idle (after the sign-ins, before any scenario)",
      measured: `${fmt(idle / 2 ** 20)} MB`,
      target: "≤ 120 MB",
      ok: idle / 2 ** 20 <= 120,
    });
  }
  ctx.rows.push({
    id: "7",
    scenario: "API process peak RSS (VmHWM) over the whole run",
    measured: `${peaks.map((p) => `${fmt(p)} MB`).join(" + ")}`,
    target: "≤ 200 MB per process",
    ok: Math.max(...peaks) <= 200,
  });
}
