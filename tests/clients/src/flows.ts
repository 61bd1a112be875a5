// The main flow of each API through a client typed from its contract (openapi-typescript +
// openapi-fetch). `tsc --strict` checks the calls against the generated types; the runtime
// checks below fail the run when the mock answers something the types do not promise.
import createClient from "openapi-fetch";
import type { paths as Solvimon, components as SolvimonComponents } from "./generated/solvimon.js";
import type { paths as ChargeOver } from "./generated/chargeover.js";
import type { paths as Keyline, components as KeylineComponents } from "./generated/keyline.js";

type Invoice = SolvimonComponents["schemas"]["Invoice"];
type ReversalInvoice = KeylineComponents["schemas"]["ReversalInvoice"];

const base = process.env.MOCK_URL ?? "http://127.0.0.1:4010";

function check(condition: unknown, message: string): asserts condition {
  if (!condition) {
    throw new Error(message);
  }
}

function checkAmount(amount: Invoice["invoice_amount_including_tax"], where: string): void {
  check(amount !== null && amount !== undefined, `${where}: amount missing`);
  check(typeof amount.quantity === "string" && /^-?\d+(\.\d+)?$/.test(amount.quantity), `${where}: quantity is not a decimal string`);
  check(typeof amount.currency === "string" && amount.currency.length === 3, `${where}: currency is not a code`);
}

async function solvimon(): Promise<string> {
  const client = createClient<Solvimon>({ baseUrl: base, headers: { "X-API-KEY": "sk_test_all" } });
  const listed = await client.GET("/v{version}/invoices", {
    params: { path: { version: "1" }, query: { statuses: ["FINAL"], paid: true, limit: 100 } },
  });
  check(listed.data, `list failed: ${listed.response.status}`);
  check(Array.isArray(listed.data.data), "list: data is not an array");
  const original = listed.data.data.find((invoice) => invoice.type === "STANDARD" && !(invoice.linked_invoices ?? []).length);
  check(original?.id, "no uncredited paid FINAL STANDARD invoice");
  const credited = await client.POST("/v{version}/invoices/{resourceId}/credit", {
    params: { path: { version: "1", resourceId: original.id } },
    body: { note: "typed client" },
  });
  check(credited.data, `credit failed: ${credited.response.status}`);
  const credit: Invoice = credited.data;
  check(credit.type === "CREDIT", `credit type is ${credit.type}`);
  check(credit.credit?.original_invoice_id === original.id, "credit does not link to its original");
  checkAmount(credit.invoice_amount_including_tax, "credit");
  check(typeof credit.id === "string", "credit id is not a string");
  const refunded = await client.POST("/v{version}/invoices/{resourceId}/refund", {
    params: { path: { version: "1", resourceId: credit.id } },
  });
  check(refunded.data, `refund failed: ${refunded.response.status}`);
  check(refunded.data.payment_status === "PAID", `refund payment_status is ${refunded.data.payment_status}`);
  const again = await client.POST("/v{version}/invoices/{resourceId}/refund", {
    params: { path: { version: "1", resourceId: credit.id } },
  });
  check(again.error?.code === "INVALID_OPERATION", "a second refund was not refused with ApiError INVALID_OPERATION");
  return `solvimon: credited ${original.id} as ${credit.id} and refunded it once`;
}

async function chargeover(): Promise<string> {
  const authorization = "Basic " + Buffer.from("co_test_user:co_test_pass").toString("base64");
  const client = createClient<ChargeOver>({ baseUrl: `${base}/api/v3`, headers: { Authorization: authorization } });
  const created = await client.POST("/invoice", {
    body: { customer_id: 1, line_items: [{ item_id: 1, line_quantity: 3 }] },
  });
  check(created.data, `create failed: ${created.response.status}`);
  check(created.response.status === 201, `create answered ${created.response.status}`);
  const id = created.data.response.id;
  check(typeof id === "number", "response.id is not a number");
  const location = created.response.headers.get("Location");
  check(location, "no Location header");
  const followed = await fetch(location, { headers: { Authorization: authorization } });
  check(followed.status === 200, `Location answered ${followed.status}`);
  const fetched = await client.GET("/invoice/{invoice_id}", { params: { path: { invoice_id: id } } });
  check(fetched.data, `get failed: ${fetched.response.status}`);
  const invoice = fetched.data.response;
  check(invoice.invoice_id === id, "the fetched invoice is another one");
  check(typeof invoice.total === "number" && (invoice.line_items ?? []).length === 1, "invoice total or line items wrong");
  return `chargeover: created invoice ${id}, followed ${location}`;
}

async function keyline(): Promise<string> {
  const client = createClient<Keyline>({ baseUrl: `${base}/api/v2`, headers: { Authorization: "Bearer kl_test_token" } });
  const created = await client.POST("/accounting/customer_invoices", {
    body: {
      customer_invoice: {
        customer_id: 4711,
        line_items: [{ description: "Typed flyers", qty: 10, net: { cent_amount: 25, currency: "EUR" }, tax_rate: 0.19 }],
      },
    },
  });
  check(created.data, `create failed: ${created.response.status}`);
  const reversed = await client.POST("/accounting/customer_invoices/{id}/reversal_invoice", {
    params: { path: { id: created.data.id } },
  });
  check(reversed.data, `reverse failed: ${reversed.response.status}`);
  const reversal: ReversalInvoice = reversed.data;
  check(reversal.reversed_invoice_id === created.data.id, "reversal does not name its invoice");
  check(reversal.net_total.cent_amount === -created.data.net_total.cent_amount, "reversal is not negated");
  const total = await client.GET("/accounting/reversal_invoices", {});
  check(total.data, `list failed: ${total.response.status}`);
  const pages = Math.ceil(Number(total.response.headers.get("X-Keyline-Result-Total")) / 100);
  const last = await client.GET("/accounting/reversal_invoices", { params: { header: { "X-Keyline-Requested-Page": pages } } });
  check(last.data?.some((item) => item.id === reversal.id), "the new reversal is not on the last page");
  return `keyline: reversed ${created.data.id} as ${reversal.id}; ${pages} pages of reversals`;
}

for (const flow of [solvimon, chargeover, keyline]) {
  console.log(await flow());
}
