// Preloaded into the bench's API process (node --import): on SIGUSR2 it appends where its memory is to
// MEMORY_REPORT_FILE, one JSON line (process.memoryUsage and the V8 heap spaces' used bytes).
import { appendFileSync } from "node:fs";
import v8 from "node:v8";

const file = process.env.MEMORY_REPORT_FILE;
if (file) {
  process.on("SIGUSR2", () => {
    const spaces = Object.fromEntries(
      v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]),
    );
    appendFileSync(file, `${JSON.stringify({ at: Date.now(), ...process.memoryUsage(), spaces })}\n`);
  });
}
