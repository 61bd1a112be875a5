// Drives each contract's Swagger UI in headless Chromium (Debian's, through playwright-core):
// authorise with the default credential, "Try it out" on one GET, expect a 200 in the page,
// and save a screenshot under docs/img/. Run by scripts/check-swagger-ui.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const base = process.env.MOCK_URL ?? "http://127.0.0.1:4010";
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const out = process.env.SCREENSHOT_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../docs/img");
mkdirSync(out, { recursive: true });

const checks = [
  { api: "solvimon", ui: "/ui/", operation: "operations-Invoices-getInvoices", auth: { "API-Key": ["sk_test_all"] } },
  { api: "chargeover", ui: "/api/v3/ui/", operation: "operations-Invoices-listInvoices", auth: { basic: ["co_test_user", "co_test_pass"] } },
  { api: "keyline", ui: "/api/v2/ui/", operation: "operations-Reversal_invoices-listReversalInvoices", auth: { bearer: ["kl_test_token"] } },
];

const browser = await chromium.launch({
  executablePath,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let failed = false;
try {
  for (const check of checks) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    try {
      await page.goto(base + check.ui, { waitUntil: "networkidle" });
      await page.click("button.authorize");
      for (const [scheme, values] of Object.entries(check.auth)) {
        const section = page.locator(".modal-ux .auth-container", { hasText: scheme }).first();
        const inputs = section.locator("input");
        for (let index = 0; index < values.length; index++) {
          await inputs.nth(index).fill(values[index]);
        }
        await section.locator("button.authorize").click();
      }
      await page.click(".modal-ux button.btn-done");
      const block = page.locator(`#${check.operation}`);
      await block.locator(".opblock-summary").first().click();
      await block.locator("button.try-out__btn").click();
      await block.locator("button.execute").click();
      const status = block.locator(".live-responses-table tr.response .response-col_status").first();
      await status.waitFor({ timeout: 15000 });
      const text = (await status.innerText()).trim();
      await block.locator(".request-url").first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(out, `swagger-ui-${check.api}.png`), fullPage: false });
      if (!text.startsWith("200")) {
        throw new Error(`Swagger UI shows ${text}`);
      }
      console.log(`${check.api}: Swagger UI authorised and got ${text} (${path.join(out, `swagger-ui-${check.api}.png`)})`);
    } catch (error) {
      failed = true;
      console.error(`${check.api}: ${error.message}`);
    } finally {
      await page.close();
    }
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
