"""A third, independent implementation of the three contracts, making the *other* open choices.

``python -m tests.reference_alt --port N`` serves Solvimon (``/v1/...``), ChargeOver (``/api/v3/...``)
and Keyline (``/api/v2/...``) from one process, seeded anew and deterministically at every start
(logical clocks, no randomness), state in memory. Written from ``openapi/*.yaml``, the seeds and
``contract-facts.md`` only: plain Starlette, no Connexion, nothing imported from ``mock_server``,
``invoice_contracts``, ``conformance`` or ``tests.reference`` (of which only the docstring was read).
Request bodies and parameters are checked with ``jsonschema`` against the contract's own schemas,
converted from OpenAPI 3.0 by ``contract.py``; routing and behaviour are hand-written.

Credentials (``CONFORMANCE_FLAGS`` gives them as ``conformance run`` flags):
Solvimon ``X-API-KEY: alt-solv-owner`` (or ``Authorization: Bearer alt.solv.jwt-owner``; every
permission; platforms ``plt_1001`` (default) and ``plt_2002``), ``alt-solv-auditor``
(``INVOICE.VIEW`` only, ``plt_1001``), ``alt-solv-tenant2`` (every permission, ``plt_2002`` only);
ChargeOver Basic ``alt-co-clerk:alt-co-pw-31``; Keyline ``Bearer alt-kl-7f3c19``.

What is honoured as documented: statuses, bodies and required fields; the auth schemes; each
operation's ``x-permission``; ``x-platform-id``; ApiError, the ChargeOver envelope (and seed 002's
401 message for a missing header) and Keyline's three error bodies; credit eligibility (FINAL
STANDARD/ONE_OFF -> CREDIT/ONE_OFF_CREDIT), the credited total capped at the invoice total, links
both ways, refund once and only when the original is paid (then ``payment_status: PAID`` and the
action on both invoices), no refresh of a FINAL invoice, version 1 only, Idempotency-Key replay
and 409; GET's 404 RESOURCE_NOT_FOUND for any id the platform lacks; 201 + Location, the create
requirements, exactly one customer key, duplicate ``external_key``; default page sizes 50 / 10;
Keyline's 100-per-page header pagination, reversal = negated copy billed on creation, once, never
changed (405), billed customer invoices locked (422).

Open choices (R = tests/reference, M = the mock; "=" where this one agrees with one of them):

Solvimon
- Ids are 26-character ULIDs (R: UUIDs, M: ``inv_alpha_0001``); numbers ``SI-1000`` / ``OO-1003``,
  credit notes ``CN-<original>-NNN``; platforms ``plt_1001`` / ``plt_2002``.
- Default list order is ``invoice_number`` descending (R, M: newest ``created_at`` first);
  ``order_by`` accepts any of 12 scalar fields (``id``, ``invoice_number``, ``status``, ``type``,
  ``customer_id``, the dates, ...), anything else is 400 INVALID_FIELD.
- List items leave out every null field and ``periods`` / ``closed_periods`` unless
  ``include_periods`` or ``include_lines`` is true; lines only with ``include_lines`` (M: ``[]``,
  R: listed unless false). GET always sends every field (its description: "every field").
- ``links`` are relative references (``/v1/invoices?page=2``); an empty result has 0 pages.
- All timestamps carry ``+01:00`` (R, M: ``Z``); time is a logical clock (90 s per write).
- Credit invoices are created ``DRAFT`` (``on_hold`` from ``force_init_on_hold``) with
  **negative** amounts (= M; R: positive, FINAL); the original's ``updated_at`` does not move.
- ``link_type`` is ``credit_note`` on the original and ``credited_invoice`` on the credit invoice
  (R: CREDITED_BY / CREDIT_OF, M: CREDIT / ORIGINAL); a refund's payment action type is ``refund``.
- Requested credit amounts are read in the invoice's own ``pricing_amount_type`` terms (a
  fifth of the seed is INCLUDING_TAX; an EXCLUDING_TAX amount is grossed up by the invoice's
  tax ratio); a period or group given without amount credits the sum of the amounts given below
  it, or the whole of it when none is; ``periods`` and deprecated ``groups`` may be combined.
- Money is rounded half down (R: half even).
- Validation reports the **first** problem in field-path order (R: the last).
- Order of checks: 401, 403 platform, 403 permission, version, query parameters or replay,
  id, 404, body, rule (R: 401,
  version, parameters, 403 permission, 403 platform, ...).
- On credit/refund/refresh an id that cannot be a ULID is 400 INVALID_ID (R, M: 404).
- ApiError leaves out ``field`` / ``resource_id`` / ``resource_type`` when they are null (M: null).
- Idempotency-Key is scoped per credential and platform; **every** answer but a 5xx is kept and
  replayed (R: only 200s); the fingerprint is path + body.
- Refresh with no ``type``/``types`` refreshes everything; DRAFT/OPEN invoices are seeded with a
  stale customer e-mail, no PO number and an 18 % tax rate (current 20 %).
- Seed: 64 invoices on ``plt_1001`` (FINAL STANDARD/ONE_OFF, two thirds paid, DRAFT, OPEN) plus
  five partial credits of the last period (FINAL, one refunded); 9 on ``plt_2002`` (GBP).

ChargeOver
- Ids: invoices from 2026001 step 13, customers 88001 step 2, items 640 step 10 (R: 5001/301/71
  step 7, M: 1, 2, 3).
- Invoice lists are ordered by ``date`` ascending, newest id first within a day; customers by
  company name; items by id descending.
- ``Location`` is a relative reference, ``/api/v3/invoice/<id>`` (M: absolute URL).
- Tax is 7.25 % of each taxed line, rounded per line half up (R: 8.25 %, half even on the sum).
- ``where`` on a field the object lacks matches nothing (200, empty) (R, M: 400); numbers
  compare as numbers, text case-insensitively.
- An ``invoice_id`` that is not a positive integer, ``0`` included, is 404 (M: 400).
- 400 envelopes name the field in ``details`` (``{"field": ...}``); wrong credentials get their
  own 401 messages.
- Invoice list items leave out ``line_items`` and null fields (GET: "with its line items"); invoices
  carry an extra ``customer_company``, their lines an extra ``item_external_key``.

Keyline
- Customer and reversal invoices share one id sequence from 310001 (R: 9001 step 3 and 40002
  step 11); line item ids from 6.
- Customer invoices are listed by ``number`` (``RG-NNNNN``, a scrambled sequence), reversal
  invoices by ``reversed_invoice_id`` (R: newest first).
- Only a missing or non-object root key is 400 ``missing_parameters``; every other problem,
  missing fields included, is 422 ``errors`` listing **all** problems Rails-style
  (``"can't be blank"``) (R: missing fields are 400, one problem).
- An ``id`` outside 1..2^31-1 (``0`` included) is 404 (R, M: 400).
- A reversal negates the unit price ``net`` and keeps ``qty`` (= M; R negates quantities), and
  recomputes its totals; reversing an unbilled invoice also sets its ``billed_at``.
- Money is rounded half up to whole cents, ``taxes`` too (R: half even, fractions kept); one
  ``taxes`` entry per rate, highest rate first.
- ``billed_at`` sent in any offset is stored as the same instant at ``+01:00``; all timestamps
  carry ``+01:00`` (logical clock, 45 s per write).
- List items leave out null fields, except ``billed_at`` and ``reversal_invoice_id`` (whose null
  the contract describes); invoices carry an extra ``state`` (``open``, ``billed``, ``reversed``).
- Writes to a reversal invoice are a JSON 405 ``{"error": ...}`` with ``Allow: GET, HEAD``
  (R: Starlette's plain-text 405).

Where the conformance suite objects to one of these choices, ``FALSE_ALARMS.md`` says why the
contract allows it.
"""

from .app import CONFORMANCE_FLAGS, create_app

__all__ = ["CONFORMANCE_FLAGS", "create_app"]
