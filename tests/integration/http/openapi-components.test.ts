import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/adapters/logging/pino.js";
import { buildHttpApp, compose, type Runtime } from "../../../src/container.js";
import { testConfig } from "../../support/env.js";

interface Media {
  schema?: { $ref?: string; type?: string; format?: string };
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
});
