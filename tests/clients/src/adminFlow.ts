// The admin helper (mockAdmin.ts) against a live mock: a per-route fault that runs out,
// verification, near misses and a reset. Prints "admin: ok"; throws on any surprise.
import { MockAdmin } from "./mockAdmin.js";

const base = process.env.MOCK_URL ?? "http://127.0.0.1:4010";
const chargeover = { Authorization: "Basic " + btoa("co_test_user:co_test_pass"), "Content-Type": "application/json" };

function check(condition: unknown, message: string): asserts condition {
  if (!condition) {
    throw new Error(message);
  }
}

async function createInvoice(): Promise<number> {
  const response = await fetch(`${base}/api/v3/invoice`, {
    method: "POST",
    headers: chargeover,
    body: JSON.stringify({ customer_id: 1, line_items: [{ item_id: 1 }] }),
  });
  return response.status;
}

const admin = new MockAdmin({ baseUrl: base });
await admin.reset();
const stub = await admin.stub({ request: { api: "chargeover", operationId: "createInvoice" }, fault: "error_503", times: 2 });
check(stub.id, "the stub has no id");
const statuses = [await createInvoice(), await createInvoice(), await createInvoice()];
check(JSON.stringify(statuses) === "[503,503,201]", `statuses ${JSON.stringify(statuses)}`);
check((await admin.count({ api: "chargeover", method: "POST", path: "/api/v3/invoice" })) === 3, "count");
const found = await admin.find({ operationId: "createInvoice" });
check(found[0]?.stub === stub.id, "the first create was answered by the stub");
check(found[0]?.headers?.["authorization"] === "Basic [REDACTED]", "credentials are redacted");
const misses = await admin.nearMisses({ method: "POST", path: "/api/v3/customer" });
check(misses[0]?.differences?.[0]?.startsWith("path:"), "near miss names the path");
await admin.controls({ latency_ms: { min: 1, max: 2 } });
await admin.reset({ keep: ["journal"] });
check((await admin.stubs()).length === 0, "reset removes stubs");
check((await admin.count()) === 3, "keep=journal keeps the journal");
console.log("admin: ok");
