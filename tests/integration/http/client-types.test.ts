import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_TYPES, clientTypes } from "../../../scripts/client-types.js";
import { createLogger } from "../../../src/adapters/logging/logger.pino.js";
import { buildHttpApp, compose, type Runtime } from "../../../src/container.js";
import { testConfig } from "../../support/env.js";

describe("the typed client", () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await compose(testConfig(), createLogger("silent"));
  });
  afterAll(async () => {
    await runtime?.close();
  });

  it("has the types of the current OpenAPI document checked in (else: npm run client:types)", async () => {
    const document = (await (await buildHttpApp(runtime).request("/openapi.json")).json()) as object;
    const fresh = await clientTypes(document);
    const checkedIn = readFileSync(CLIENT_TYPES, "utf8");
    expect(checkedIn === fresh, "client/doctorly-api.d.ts is stale: run `npm run client:types`").toBe(true);
  });
});
