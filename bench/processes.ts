/** The processes a bench run starts (app entry points compiled, bench scripts through tsx), and stops. */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { projectRoot } from "../src/config.js";

/** The compiled entry point of `src/<name>.ts` (as production runs it: `npm run build`, then node). */
export const compiled = (script: string) => script.replace(/^src\/(.+)\.ts$/, "dist/$1.js");

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Peak resident memory of a process (VmHWM), in MB. */
export function peakMb(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

export async function waitFor(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await sleep(100);
  }
}

export interface ProcessOptions {
  /** Where each process's log (and --cpu-prof files) go. */
  readonly logDir: string;
  /** The environment every process gets, under its own. */
  readonly appEnv: Record<string, string>;
  /** API processes write --cpu-prof files. */
  readonly profile: boolean;
  /** Where the first API process writes its memory reports on SIGUSR2 (bench/memory-report.mjs). */
  readonly memoryReportFile: string;
  readonly say: (line: string) => void;
}

export class Processes {
  private readonly children: { name: string; process: ChildProcess }[] = [];
  private stopping = false;

  constructor(private readonly options: ProcessOptions) {
    process.on("exit", () => {
      for (const { process: child } of this.children) if (child.exitCode === null) child.kill("SIGKILL");
    });
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.on(signal, () => void this.stopAll().then(() => process.exit(130)));
    }
  }

  get count(): number {
    return this.children.length;
  }

  /** `node dist/<script>.js` for app entry points, `node --import tsx` for bench scripts: one process each. */
  start(name: string, script: string, args: string[], env: Record<string, string>): ChildProcess {
    const { logDir, appEnv, profile, memoryReportFile, say } = this.options;
    mkdirSync(logDir, { recursive: true });
    const log = openSync(path.join(logDir, `${name}.log`), "w");
    const cpuProfile = profile && name.startsWith("api") ? ["--cpu-prof", "--cpu-prof-dir", logDir] : [];
    const entry = script.startsWith("src/") ? [compiled(script)] : ["--import", "tsx", script];
    // The first API process reports where its memory is on SIGUSR2 (bench/memory-report.mjs).
    const memory =
      name === "api-0"
        ? [
            "--expose-gc",
            "--import",
            pathToFileURL(path.join(projectRoot, "bench", "memory-report.mjs")).href,
          ]
        : [];
    const child = spawn(process.execPath, [...cpuProfile, ...memory, ...entry, ...args], {
      cwd: projectRoot,
      env: { ...process.env, ...appEnv, MEMORY_REPORT_FILE: memoryReportFile, ...env },
      stdio: ["ignore", log, log],
    });
    closeSync(log);
    child.on("exit", (code, signal) => {
      if (!this.stopping)
        say(`${name} exited early (code ${code}, signal ${signal}); see ${logDir}/${name}.log`);
    });
    this.children.push({ name, process: child });
    return child;
  }

  /** Runs a command to its end with the app's environment; its output, or an error with it. */
  run(command: string, args: string[], env: Record<string, string> = {}): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, {
        cwd: projectRoot,
        env: { ...process.env, ...this.options.appEnv, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d;
      });
      child.stderr.on("data", (d: Buffer) => {
        out += d;
      });
      child.on("error", reject);
      child.on("exit", (code) =>
        code === 0
          ? resolve(out)
          : reject(new Error(`${command} ${args.join(" ")} failed (${code}):\n${out}`)),
      );
    });
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.children.map(async ({ process: child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
