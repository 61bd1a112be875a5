"""What the mock server and the conformance tools share: the API registry and OpenAPI helpers.

``invoice_contracts.registry`` is the one list of APIs (contracts, fixtures, rules modules and
scenario packs found by file stem); ``invoice_contracts.oas`` reads OpenAPI documents;
``invoice_contracts.credentials`` turns an API's fixture credentials into roles a test can use.
The name is the distribution's own, so installing it next to other packages cannot collide
(the shared helpers used to be a top-level ``oas`` package).
"""

__all__: list[str] = []
