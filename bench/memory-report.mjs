// Preloaded into the bench's API process (node --import): on SIGUSR2 it appends where its memory is to
// MEMORY_REPORT_FILE, one JSON line (process.memoryUsage and the V8 heap spaces' used bytes). When the file
// `<MEMORY_REPORT_FILE>.collect` exists at that moment (the bench's last sample), a second line follows,
// taken after a full garbage collection (the process runs with --expose-gc): what is still live, apart
// from what V8 had not collected yet; with MEMORY_HEAP_SNAPSHOT_DIR set, a heap snapshot is written there
// too (open it in Chrome DevTools → Memory).
import { appendFileSync, existsSync } from "node:fs";
import path from "node:path";
import v8 from "node:v8";

const file = process.env.MEMORY_REPORT_FILE;
const sample = () => ({
  at: Date.now(),
  ...process.memoryUsage(),
  spaces: Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size])),
});
const write = (line) => appendFileSync(file, `${JSON.stringify(line)}\n`);
if (file) {
  process.on("SIGUSR2", () => {
    write(sample());
    if (!existsSync(`${file}.collect`)) return;
    globalThis.gc?.();
    // Measured before the snapshot, which needs memory of its own; written after it, so that the bench,
    // waiting for this line, does not stop the process in the middle of the snapshot.
    const collected = { ...sample(), afterGc: true };
    const dir = process.env.MEMORY_HEAP_SNAPSHOT_DIR;
    const snapshot = dir
      ? v8.writeHeapSnapshot(path.join(dir, `api-0-${Date.now()}.heapsnapshot`))
      : undefined;
    write({ ...collected, snapshot });
  });
}
