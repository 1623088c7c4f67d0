import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

describe("the interactive docs in a real browser", () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/ensure-chromium.sh`);
    server = await startTestServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("lists the operations, with nothing loaded from outside the app", async () => {
    const page = await browser.newPage();
    const foreign: string[] = [];
    page.on("request", (req) => {
      if (!req.url().startsWith(server.baseUrl)) foreign.push(req.url());
    });
    await page.goto(`${server.baseUrl}/`);
    await page.waitForSelector(".opblock-summary-path", { timeout: 15_000 });
    const paths = await page.locator(".opblock-summary-path").allTextContents();
    expect(paths.map((p) => p.replace(/\u200b/g, ""))).toEqual(
      expect.arrayContaining(["/health", "/ready", "/misc/specializations"]),
    );
    expect(foreign.filter((u) => !u.startsWith("data:"))).toEqual([]);
    await page.close();
  });
});
