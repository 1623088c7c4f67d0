import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/config.js";

/** Every .ts file under `dir`, relative to the project root, with its text. */
function sources(dir: string): { file: string; text: string }[] {
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) return walk(full);
      return entry.name.endsWith(".ts") ? [full] : [];
    });
  return walk(path.join(projectRoot, dir)).map((full) => ({
    file: path.relative(projectRoot, full),
    text: readFileSync(full, "utf8"),
  }));
}

const src = sources("src");
/** What the project runs besides the app: its tools use src like the app does. */
const tools = [...sources("bench"), ...sources("scripts")];
const tests = sources("tests");

/**
 * Exported values (functions, constants, classes, enums) of src. Exported types are not checked: a type
 * in an exported signature is exported with it.
 */
const exportedValues = src.flatMap(({ file, text }) =>
  [...text.matchAll(/^export (?:async )?(?:abstract )?(?:function\*?|const|let|class|enum) (\w+)/gm)].map(
    (m) => ({ file, name: m[1] as string }),
  ),
);
const mentions = (name: string, text: string) => new RegExp(`\\b${name}\\b`).test(text);

/**
 * Modules whose parts are unit-tested on their own, each with its reason: their exports that only tests
 * read are allowed. Anything else that only tests read is either used by the app (then the app imports
 * it) or not (then it is deleted, or tested through what the app does use).
 */
const TESTED_PARTS: readonly { file: string; names: readonly string[]; reason: string }[] = [
  {
    file: "src/adapters/postgres/read-routing.pg.ts",
    names: ["parseLsn"],
    reason: "WAL positions compared as numbers, unit-tested on PostgreSQL's text form",
  },
  {
    file: "src/adapters/redis/client.ts",
    names: ["createQueueRedis"],
    reason: "the delayed-jobs test opens its worker connection with the options BullMQ's workers need",
  },
  {
    file: "src/application/mail/mail-messages.ts",
    names: ["escapeHtml"],
    reason: "the HTML mail's escaping of markup characters, unit-tested",
  },
  {
    file: "src/config.ts",
    names: ["redactedUrl"],
    reason: "the start log's and /ready's password redaction, unit-tested URL form by URL form",
  },
  {
    file: "src/adapters/http/client-address.ts",
    names: ["UNKNOWN_CLIENT"],
    reason: "the fallback key of a client without an address, asserted by its unit test",
  },
  {
    file: "src/adapters/http/compressed.ts",
    names: ["acceptedCoding"],
    reason: "Accept-Encoding q-value rules, unit-tested case by case",
  },
  {
    file: "src/adapters/http/problem-types.ts",
    names: ["problemCode"],
    reason: "the OpenAPI test support reads a problem's code from its type URI",
  },
  {
    file: "src/adapters/postgres/constraint-errors.ts",
    names: ["domainErrorOfConstraintName"],
    reason: "the fake unit of work maps constraint names to errors exactly as PostgreSQL's adapter does",
  },
  {
    file: "src/adapters/redis/near-cache.ts",
    names: ["INVALIDATION_CHANNEL"],
    reason: "the near cache's unit test publishes invalidations on the real channel",
  },
  {
    file: "src/adapters/search/doctor-search.query.ts",
    names: [
      "skeleton",
      "escapeTag",
      "NO_FEE",
      "MAX_SEARCH_WORDS",
      "MAX_WORD_LENGTH",
      "searchWords",
      "numberLiteral",
    ],
    reason: "the RediSearch query builder's escaping and word rules, unit-tested without Redis",
  },
  {
    file: "src/adapters/search/doctor-search.redisearch.ts",
    names: ["detectSearchModuleMajor"],
    reason: "the RediSearch version probe, tested against each supported version",
  },
  {
    file: "src/adapters/search/search-replies.ts",
    names: ["infoField"],
    reason: "the reply reader's RESP2/RESP3 contract test",
  },
  {
    file: "src/adapters/webhooks/webhook-target-guard.dns.ts",
    names: ["isPublicAddress"],
    reason: "the SSRF guard's address rules, unit-tested address by address",
  },
  {
    file: "src/application/commands/accounts/change-password.ts",
    names: ["wrongPassword"],
    reason: "the log test asserts the refusal a wrong password gets",
  },
  {
    file: "src/application/commands/patients/change-patient.ts",
    names: ["checkPatientChange"],
    reason: "the patient-change rules, unit-tested on plain data",
  },
  {
    file: "src/application/maintenance/purges.ts",
    names: ["PURGE_EVERY_MS", "PURGE_BATCH_SIZE", "purgeInBatches"],
    reason:
      "the purge schedule and batching, unit-tested with a fixed clock and run by the accounts contract",
  },
  {
    file: "src/application/projections/outbox-relay.ts",
    names: ["jobIdOfOutboxBatch"],
    reason: "the integration test enqueues a batch again under the relay's own job id",
  },
  {
    file: "src/application/queries/calendar/calendar.queries.ts",
    names: ["firstNameOf"],
    reason: "how a feed names a patient, unit-tested on odd names",
  },
  {
    file: "src/domain/slot/slot.ts",
    names: ["parseClock"],
    reason: "the HH:MM parser, unit-tested on edge cases",
  },
];

describe("architecture: exports", () => {
  it("finds the exports it checks", () => {
    expect(exportedValues.length).toBeGreaterThan(100);
  });

  it("exports no value only tests use, apart from modules whose parts are unit-tested (each with its reason)", () => {
    const allowed = (file: string, name: string) =>
      TESTED_PARTS.some((t) => t.file === file && t.names.includes(name));
    const orphans = exportedValues
      .filter(
        ({ file, name }) =>
          ![...src.filter((s) => s.file !== file), ...tools].some((s) => mentions(name, s.text)),
      )
      .filter(({ file, name }) => !allowed(file, name))
      .map(({ file, name }) =>
        tests.some((t) => mentions(name, t.text))
          ? `${file}: ${name} is used only by tests`
          : `${file}: ${name} is exported and used by no other file`,
      );
    expect(orphans).toEqual([]);
  });

  it("keeps the allow-list honest: each name listed is still exported and still read by tests only", () => {
    const stale = TESTED_PARTS.flatMap(({ file, names }) =>
      names
        .filter(
          (name) =>
            !exportedValues.some((e) => e.file === file && e.name === name) ||
            [...src.filter((s) => s.file !== file), ...tools].some((s) => mentions(name, s.text)),
        )
        .map((name) => `${file}: ${name}`),
    );
    expect(stale).toEqual([]);
  });
});
