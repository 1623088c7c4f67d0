import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/adapters/logging/logger.pino.js";
import { buildHttpApp, compose, type Runtime } from "../../../src/container.js";
import { testConfig } from "../../support/env.js";

interface Media {
  schema?: { $ref?: string; type?: string; format?: string; example?: unknown };
  example?: unknown;
  examples?: Record<string, unknown>;
}
interface Operation {
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media> }>;
}

describe("the OpenAPI document's shapes", () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await compose(testConfig(), createLogger("silent"));
  });
  afterAll(async () => {
    await runtime?.close();
  });

  it("names every JSON body and answer as a shared component (no inline copies); only binary pictures are inline", async () => {
    const document = (await (await buildHttpApp(runtime).request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const inline: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        const media = [
          ...Object.entries(op.requestBody?.content ?? {}).map(([type, m]) => ["body", type, m] as const),
          ...Object.entries(op.responses).flatMap(([status, r]) =>
            Object.entries(r.content ?? {}).map(([type, m]) => [status, type, m] as const),
          ),
        ];
        for (const [where, type, m] of media) {
          if (m.schema?.$ref !== undefined || m.schema?.format === "binary") continue;
          inline.push(`${method.toUpperCase()} ${path} ${where} ${type}`);
        }
      }
    }
    expect(inline).toEqual([]);
  });

  it("shows an example of every answer: in the answer itself or in the component it names", async () => {
    const document = (await (await buildHttpApp(runtime).request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, { example?: unknown }> };
    };
    const missing: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        for (const [status, answer] of Object.entries(op.responses)) {
          for (const [type, m] of Object.entries(answer.content ?? {})) {
            const named = m.schema?.$ref?.split("/").pop();
            const example =
              m.example ??
              m.examples ??
              m.schema?.example ??
              (named && document.components.schemas[named]?.example);
            if (example === undefined) missing.push(`${method.toUpperCase()} ${path} ${status} ${type}`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
