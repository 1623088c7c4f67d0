/**
 * Two builds of the API side by side on the bench's data: `npm run bench:side-by-side -- <other checkout>`
 * after `npm run bench` (which leaves its database seeded and its Redis warm). Each checkout must be built
 * (`npm run build`, which the bench does). It starts `node dist/main.js --api` of this checkout and of the
 * other, reads every doctor once through each, then drives both with cached doctor reads (row 2a's load)
 * in turns, so that both see the same drift of the machine, and prints their throughput and ratio.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { pick, READ_CONNECTIONS } from "./context.js";
import { alternately, type LoadTarget, load } from "./load.js";
import { waitFor } from "./processes.js";
import { fmt, table } from "./report.js";

const other = process.argv[2];
if (!other) {
  process.stderr.write("usage: npm run bench:side-by-side -- <path of the other checkout, built>\n");
  process.exit(2);
}
const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const databaseUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/doctorly_bench";
const env = {
  ...process.env,
  DATABASE_URL: databaseUrl,
  REDIS_URL: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6382",
  LOG_LEVEL: "warn",
  HOST: "127.0.0.1",
  SEARCHES_PER_MINUTE: "10000000",
};
const basePort = Number(process.env.BENCH_BASE_PORT ?? 5180) + 40;
const builds = [
  { name: `this checkout (${here})`, dir: here, port: basePort },
  { name: `other (${path.resolve(other)})`, dir: path.resolve(other), port: basePort + 1 },
];

const db = new pg.Client({ connectionString: databaseUrl });
await db.connect();
const doctorIds = (await db.query<{ id: number }>("SELECT id FROM doctors ORDER BY id")).rows.map(
  (r) => r.id,
);
await db.end();

const started: ChildProcess[] = builds.map(({ dir, port }) =>
  spawn(process.execPath, ["dist/main.js", "--api"], {
    cwd: dir,
    env: { ...env, PORT: String(port) },
    stdio: ["ignore", "inherit", "inherit"],
  }),
);
try {
  for (const { port } of builds) await waitFor(`http://127.0.0.1:${port}/health`);
  for (const { port } of builds) {
    let cursor = 0;
    await load([{ port, next: () => ({ path: `/doctors/get/${doctorIds[cursor++ % doctorIds.length]}` }) }], {
      connections: 20,
      amount: doctorIds.length,
    });
  }
  const cachedReads = (port: number): LoadTarget[] => [
    { port, next: () => ({ path: `/doctors/get/${pick(doctorIds)}` }) },
  ];
  const [a, b] = await alternately(cachedReads(basePort), cachedReads(basePort + 1), {
    connections: READ_CONNECTIONS,
    seconds: 5,
    warmUpSeconds: 1,
    rounds: 8,
  });
  process.stdout.write(
    `${table(
      [a, b].map((result, i) => ({
        id: i === 0 ? "A" : "B",
        scenario: `GET /doctors/get/{id}, cache warm: ${builds[i]?.name}`,
        load: result,
        measured: i === 0 ? `${fmt(a.rps / b.rps, 2)} × B` : "",
        target: "",
        ok: null,
      })),
    )}\n`,
  );
} finally {
  for (const child of started) child.kill("SIGTERM");
}
