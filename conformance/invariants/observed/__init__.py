"""The checks that follow from every response a run received (issue 25): read paths agree, every
link is followed, values at the schema's edges read back, documented derivations and action
results hold on every record, time moves with writes only. ``responses.py`` reads the run's
responses through the contract; ``problems.py`` reports many problems as one result.

The layer (:mod:`conformance.invariants.layer`) lists the families; nothing here is public beyond it.
"""

__all__: list[str] = []
