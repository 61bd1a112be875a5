"""The store keeps records as (compressed) JSON bytes: reads, evictions and bulk loads keep its guarantees."""

from __future__ import annotations

import pytest

from mock_server.serving.responses.encoding import EncodingCache
from mock_server.state.identity import IdentityCache
from mock_server.state.store import Commit, Store

INVOICE = {"id": "inv_1", "lines": [{"amount": "1.00", "tags": ["a"]}], "paid": False, "total": 1.5, "note": "é"}


def test_reads_return_the_same_object_while_cached_and_an_equal_one_after_eviction() -> None:
    store = Store(cached_records=2)
    with store.transaction("api", "t") as tx:
        for number in range(5):
            tx.put("invoices", number, dict(INVOICE, id=f"inv_{number}"))
    with store.transaction("api", "t") as tx:
        first = tx.get("invoices", 4)
        assert tx.get("invoices", 4) is first
        evicted = tx.get("invoices", 0)  # records 0..2 left the cache of 2: stored compressed
    assert evicted == dict(INVOICE, id="inv_0")
    assert [record for _, _, record in store.snapshot()[0].records] == [dict(INVOICE, id=f"inv_{n}") for n in range(5)]
    with store.transaction("api", "t") as tx:
        assert [record["id"] for record in tx.values("invoices")] == [f"inv_{n}" for n in range(5)]


def test_get_for_update_decodes_a_private_copy() -> None:
    store = Store(cached_records=1)
    with store.transaction("api", "t") as tx:
        tx.put("invoices", 1, dict(INVOICE))
    with store.transaction("api", "t") as tx:
        copy = tx.get_for_update("invoices", 1)
        assert copy is not None
        copy["lines"][0]["tags"].append("changed")
        assert tx.get("invoices", 1) == INVOICE


def test_a_record_that_cannot_be_encoded_fails_the_whole_transaction() -> None:
    store = Store()
    with pytest.raises(TypeError), store.transaction("api", "t") as tx:
        tx.put("invoices", 1, dict(INVOICE))
        tx.put("invoices", 2, {"id": "inv_2", "bad": object()})
    with store.transaction("api", "t") as tx:
        assert tx.values("invoices") == []
    assert store.record_count == 0


def test_a_bulk_load_reads_back_equal_and_lists_see_later_writes() -> None:
    store = Store()
    store.replace([Commit("api", "t", [("invoices", f"inv_{n}", dict(INVOICE, id=f"inv_{n}")) for n in range(3)], {})])
    with store.transaction("api", "t") as tx:
        assert [record["id"] for record in tx.values("invoices")] == ["inv_0", "inv_1", "inv_2"]
        tx.put("invoices", "inv_3", dict(INVOICE, id="inv_3"))
    with store.transaction("api", "t") as tx:
        listed = tx.values("invoices")
        assert [record["id"] for record in listed] == ["inv_0", "inv_1", "inv_2", "inv_3"]
        assert listed[0] == dict(INVOICE, id="inv_0")
    assert store.record_count == 4


def test_the_encoder_sends_a_stored_record_as_it_was_stored() -> None:
    store = Store()
    with store.transaction("api", "t") as tx:
        tx.put("invoices", 1, dict(INVOICE))
    encoder = EncodingCache(known=store.json_of)
    with store.transaction("api", "t") as tx:
        record = tx.get("invoices", 1)
    assert store.json_of(record) is not None
    assert encoder.encode(record) == store.json_of(record)
    assert encoder.encode(record) == EncodingCache().encode(dict(INVOICE))


def test_sorted_lists_are_reused_until_a_write_and_see_staged_records() -> None:
    store = Store()
    with store.transaction("api", "t") as tx:
        for number, total in enumerate([3, 1, 2]):
            tx.put("invoices", number, dict(INVOICE, id=f"inv_{number}", total=total))

    def by_total(record: dict[str, object]) -> object:
        return record["total"]

    with store.transaction("api", "t") as tx:
        ascending = tx.sorted_values("invoices", by_total, order="total")
        assert [r["id"] for r in ascending] == ["inv_1", "inv_2", "inv_0"]
        ascending.clear()  # the caller's copy: the kept list is not changed
        again = tx.sorted_values("invoices", by_total, order="total")
        assert [r["id"] for r in again] == ["inv_1", "inv_2", "inv_0"]
        assert [r["id"] for r in tx.sorted_values("invoices", by_total, reverse=True, order="total")] == [
            "inv_0",
            "inv_2",
            "inv_1",
        ]
        by_id = tx.sorted_values("invoices", lambda r: r["id"], reverse=True, order="id")
        assert [r["id"] for r in by_id] == ["inv_2", "inv_1", "inv_0"]
        tx.put("invoices", 3, dict(INVOICE, id="inv_3", total=0))
        assert tx.sorted_values("invoices", by_total, order="total")[0]["id"] == "inv_3"
    with store.transaction("api", "t") as tx:
        assert [r["id"] for r in tx.sorted_values("invoices", by_total, order="total")] == [
            "inv_3",
            "inv_1",
            "inv_2",
            "inv_0",
        ]
        assert tx.sorted_values("credits", by_total, order="total") == []


def test_kept_sorted_lists_hold_no_more_records_than_the_cache() -> None:
    store = Store(cached_records=4)
    with store.transaction("api", "t") as tx:
        for number in range(3):
            tx.put("invoices", number, dict(INVOICE, id=f"inv_{number}", total=number))
    sorts: list[int] = []

    def by_total(record: dict[str, object]) -> object:
        sorts.append(1)  # called once per record each time the collection is sorted
        return record["total"]

    with store.transaction("api", "t") as tx:
        for _ in range(2):
            tx.sorted_values("invoices", by_total, order="total")
        assert len(sorts) == 3  # sorted once, then kept
        for _ in range(2):
            tx.sorted_values("invoices", by_total, reverse=True, order="total")
        assert len(sorts) == 9  # 3 + 3 records would exceed the cache of 4: sorted each time


def test_a_replaced_record_leaves_the_cache_instead_of_pushing_live_ones_out() -> None:
    store = Store(cached_records=3)
    with store.transaction("api", "t") as tx:
        tx.put("invoices", "a", dict(INVOICE, id="a"))
        tx.put("invoices", "b", dict(INVOICE, id="b"))
    with store.transaction("api", "t") as tx:
        b = tx.get("invoices", "b")
    for total in range(5):
        with store.transaction("api", "t") as tx:
            tx.put("invoices", "a", dict(INVOICE, id="a", total=total))
    with store.transaction("api", "t") as tx:
        assert tx.get("invoices", "b") is b  # still cached: the old versions of "a" took no room
        assert tx.get("invoices", "a") == dict(INVOICE, id="a", total=4)
    assert store.json_of(b) is not None


def test_identity_cache_answers_for_the_same_object_only_and_stays_bounded() -> None:
    cache: IdentityCache[str] = IdentityCache(2)
    first, equal = dict(INVOICE), dict(INVOICE)
    cache.put(first, "with periods", True)
    cache.put(first, "without", False)
    assert cache.get(first, False) == "without"
    assert cache.get(first, True) == "with periods"
    assert cache.get(equal, True) is None  # equal is not the same
    cache.put(equal, "other")
    assert cache.get(first, True) == "with periods"  # used last, so kept
    assert cache.get(first, False) is None  # least recently used: out
