/** The API and the workers as their own processes, for fault and log tests. */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import path from "node:path";
import { projectRoot } from "../../src/config.js";
import { TEST_DATABASE_URL, TEST_ENV } from "./env.js";
import { rawRequest } from "./raw-http.js";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A database URL whose connections carry a name of their own, to find (and kill) exactly them. */
export function namedDatabaseUrl(label: string): { url: string; applicationName: string } {
  const applicationName = `doctorly-test-${label}-${randomUUID().slice(0, 8)}`;
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set("application_name", applicationName);
  return { url: url.toString(), applicationName };
}

export interface SpawnedApi {
  readonly baseUrl: string;
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  readonly exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `src/main.ts --api` as its own process (node + tsx, so the pid is the app's), on a free port. */
export async function spawnApi(env: Record<string, string> = {}): Promise<SpawnedApi> {
  const port = await freePort();
  const child = spawnMain("--api", { HOST: "127.0.0.1", ...env, PORT: String(port) });
  let out = "";
  child.stdout?.on("data", (c: Buffer) => {
    out += c.toString("utf8");
  });
  child.stderr?.on("data", (c: Buffer) => {
    out += c.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const up = await rawRequest(baseUrl, { method: "GET", path: "/health", timeoutMs: 1_000 })
      .then((a) => a.status === 200)
      .catch(() => false);
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the API did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    baseUrl,
    child,
    output: () => out,
    exited,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** `src/main.ts --api|--worker` as its own process, on the test database and Redis; `env` wins. */
function spawnMain(mode: "--api" | "--worker", env: Record<string, string>) {
  return spawn(process.execPath, ["--import", "tsx", path.join(projectRoot, "src/main.ts"), mode], {
    cwd: projectRoot,
    env: {
      ...process.env,
      ...TEST_ENV,
      LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** `src/main.ts --worker` (outbox relay + projector) as its own process; resolves once it has started. */
export async function spawnWorker(env: Record<string, string>) {
  const child = spawnMain("--worker", env);
  let out = "";
  const onData = (c: Buffer) => {
    out += c.toString("utf8");
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!out.includes("projection workers started")) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the worker did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, exited, output: () => out };
}
