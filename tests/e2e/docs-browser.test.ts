import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerAndSignIn } from "../support/accounts.js";
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

  it("keeps the credentials given to Authorize in the page only, not in storage that outlives the tab", async () => {
    const account = await registerAndSignIn(server);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/`);
    await page.locator("button.authorize").first().click();
    const scheme = (name: string) => page.locator(".auth-container", { hasText: name });
    await scheme("bearerAuth").locator("input").fill(account.token);
    await scheme("bearerAuth").locator("button.authorize").click();
    await scheme("basicAuth").locator("input[type=text]").fill(account.email);
    await scheme("basicAuth").locator("input[type=password]").fill(account.password);
    await scheme("basicAuth").locator("button.authorize").click();
    // Both are in use by the page: each offers a Logout now.
    await scheme("bearerAuth").locator("button", { hasText: "Logout" }).waitFor({ timeout: 5_000 });
    await scheme("basicAuth").locator("button", { hasText: "Logout" }).waitFor({ timeout: 5_000 });

    const secrets = [account.token, account.password, account.email];
    const basic = Buffer.from(`${account.email}:${account.password}`).toString("base64");
    // Everything the page keeps in web storage (a string: the tests are typed without the DOM library).
    const stored = (p: Page) =>
      p.evaluate("JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } })");
    const duringVisit = String(await stored(page));
    expect(duringVisit).not.toContain("authorized");
    for (const secret of [...secrets, basic]) expect(duringVisit).not.toContain(secret);

    await page.close();
    const later = await context.newPage();
    await later.goto(`${server.baseUrl}/`);
    await later.waitForSelector(".opblock-summary-path", { timeout: 15_000 });
    const afterTab = String(await stored(later));
    for (const secret of [...secrets, basic]) expect(afterTab).not.toContain(secret);
    // The new tab starts signed out: the Authorize button shows an open lock.
    expect(await later.locator("button.authorize").first().getAttribute("class")).toContain("unlocked");

    // What an earlier version persisted is forgotten on the next visit.
    await later.evaluate(
      `localStorage.setItem("authorized", ${JSON.stringify(JSON.stringify({ bearerAuth: { value: account.token } }))})`,
    );
    await later.reload();
    await later.waitForSelector(".opblock-summary-path", { timeout: 15_000 });
    expect(String(await stored(later))).not.toContain(account.token);
    expect(await later.locator("button.authorize").first().getAttribute("class")).toContain("unlocked");
    await context.close();
  });
});
