import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/config.js";

const SCENARIO_ROWS = [
  "1",
  "2a",
  "2b",
  "2c",
  "2d",
  "3a",
  "3a′",
  "3b",
  "3d",
  "3e",
  "3f",
  "3g",
  "3h",
  "4a",
  "4b",
  "4c",
  "4d",
  "4e",
  "5",
  "6",
  "7",
  "7a",
  "8",
];

/** Runs a command to its end; answers its exit code and everything it printed. */
function runToEnd(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d;
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d;
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, output }));
  });
}

// Numbers are not asserted (they depend on the machine and its load): only that the bench runs to the
// end on a tiny data set, keeps the booking guarantees, and prints every scenario.
describe("npm run bench -- --quick --tiny", () => {
  it("runs every scenario to the end and prints the table", { timeout: 180_000 }, async () => {
    const { code, output } = await runToEnd("npx", ["tsx", "bench/run.ts", "--quick", "--tiny"]);
    expect(code, output).toBe(0);
    for (const id of SCENARIO_ROWS) expect(output, `row ${id}`).toMatch(new RegExp(`^\\| ${id} +\\|`, "m"));
    expect(output).toMatch(/^machine: /m);
    expect(output).toMatch(/0 overbooked sittings, 0 seats given twice, 0 patients twice in a sitting/);
  });
});
