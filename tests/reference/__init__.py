"""A second, independent implementation of the three contracts, to prove the conformance suite.

``python -m tests.reference --port N`` serves Solvimon (``/v1/...``), ChargeOver (``/api/v3/...``)
and Keyline (``/api/v2/...``) from one process, seeded anew at every start, state in memory.
It was written from ``openapi/*.yaml``, the seeds and ``contract-facts.md`` only: plain Starlette
routes, no Connexion, no code shared with ``mock_server`` or ``oas``. Request bodies and
parameters are checked with ``jsonschema`` against the contract's own schemas (converted by
``common.Contract``); routing and behaviour are hand-written.

Credentials (``CONFORMANCE_FLAGS`` gives them as ``conformance run`` flags):
Solvimon ``X-API-KEY: ref-solv-full`` (or ``Authorization: Bearer ref-solv-jwt``; every
permission, platforms ``platform-north`` (default) and ``platform-south``), ``ref-solv-viewer``
(``INVOICE.VIEW`` only, north), ``ref-solv-south`` (every permission, south only); ChargeOver
Basic ``ref-co-admin:ref-co-secret``; Keyline ``Bearer ref-kl-token``.

What the contracts honour here: every documented status, body shape and required field; the
auth schemes; permissions from each operation's ``x-permission``; ``x-platform-id``; ApiError,
the ChargeOver envelope and Keyline's three error bodies; credit eligibility (FINAL STANDARD or
ONE_OFF), credit types, the credited total capped at the invoice total, links both ways, refund
once and only of a credit invoice whose original is paid, no refresh of a FINAL invoice, version
1 only, Idempotency-Key replay and 409; 201 + Location, the create requirements and duplicate
``external_key``; negated reversal copies billed on creation, once, never changed (405), billed
customer invoices locked (422), 100-per-page header pagination.

Choices the contracts leave open, made differently from the obvious (mock-like) implementation:

Solvimon
- Invoice ids are UUIDs; invoice numbers ``INV-7003``, ``CN-...`` (step 3); customer ids
  ``cust-NNN``; platform ids ``platform-north`` / ``platform-south``.
- Lists are newest first (``created_at`` descending) unless ``order_by`` / ``order_direction``
  say otherwise; ``order_by`` accepts only ``created_at``, ``invoice_date``, ``due_date``,
  ``updated_at``, ``invoice_number``, anything else is 400 INVALID_FIELD (the contract allows any
  string up to 64 characters and documents 400).
- ``invoice_date`` must read ``[YYYY-MM-DD...,YYYY-MM-DD...]`` with start <= end, else 400.
- Periods, groups and lines are numbered from 1 (``period_order`` 0 names no period).
- Credit invoices carry **positive** amounts (a credit note states what it gives back); the
  contract states no sign.
- ``link_type`` is ``CREDITED_BY`` on the original and ``CREDIT_OF`` on the credit invoice
  (the contract: a free string).
- A refund is recorded as a payment action of type ``REFUND_VIA_ORIGINAL_PAYMENT`` on both
  invoices (the contract: a free string).
- Credited amounts in a request are read as amounts including tax; a credit of periods without
  amounts credits those periods whole; the deprecated top-level ``groups`` credit the first
  period. Amounts must be more than zero and in the invoice's billing currency (400 INVALID_FIELD).
- Validation reports the **last** problem: schema problems and unknown period/group/line orders,
  sorted by field path, and the last one is named in ``field``.
- Order of checks: 401, version, parameters, 403 permission, 403 platform, 404, body, rule.
- A platform the credential may not use is 403 USER_NOT_ALLOWED with ``resource_type: PLATFORM``.
- Idempotency-Key is scoped per platform; only 200 answers are kept for replay; the fingerprint
  is path + body, so the same key on another invoice is 409.
- Seed: 84 FINAL (60 STANDARD, 24 ONE_OFF, two thirds paid), 10 DRAFT, 5 OPEN on north, 6 on
  south; four partial credits made at start (first period each), one of them refunded.
- Periods and lines are listed unless ``include_periods`` / ``include_lines`` is ``false``.

ChargeOver
- Ids start at 5001 (invoices), 301 (customers), 71 (items) and step by 7; lists are newest first.
- Tax is 8.25 % of taxed items' lines, rounded half to even, unless ``tax_override`` gives it;
  ``line_rate`` defaults to the item's price, ``line_quantity`` to 1.
- Naming the customer by two keys at once is 400 (the description says "exactly one").
- Of all create problems (schema, customer, items, duplicate external key) the last is reported.
- ``where`` on a field the object does not have is 400; numeric fields compare as numbers.
- Only a missing Authorization header gets the seed's 401 message; wrong ones get their own.

Keyline
- Customer invoice ids start at 9001 and step by 3, reversal ids at 40002 and step by 11, line
  item ids at 601; lists are newest first.
- A missing root key or required field is 400 ``missing_parameters``; other bad values are 422
  ``errors`` (field path to messages); an ``id`` that is not 1..2^31-1 is 400.
- Customers are not checked (the contract has no customer resource); line items of one invoice
  share one currency (422 otherwise).
- A reversal negates quantities and copies the totals negated (not recomputed); money is rounded
  half to even; ``taxes`` has one entry per rate with fractional cents kept.
- Writes to a reversal invoice are Starlette's plain-text 405 with ``Allow`` (body undocumented).
"""

from .app import CONFORMANCE_FLAGS, create_app

__all__ = ["CONFORMANCE_FLAGS", "create_app"]
