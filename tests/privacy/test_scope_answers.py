"""Outside the scope: the 404 of a resource that does not exist, with nothing from outside the
scope in it; a POH sees the other practices of the region only anonymised."""

from __future__ import annotations

import re

import pytest

from tests.auth.conftest import PATIENTS, ZUID, A, B, C, login

Q = "2025Q3"
MISSING = "03999999"


def _ask(client, headers, path: str, **params):  # type: ignore[no-untyped-def]
    return client.get(path, params={"period": Q, **params}, headers=headers)


@pytest.mark.parametrize(
    ("path", "params", "existing", "missing"),
    [
        ("/api/v1/kpis/poh_patients", {"level": "practice"}, C, MISSING),
        ("/api/v1/kpis/poh_patients", {"level": "practice"}, ZUID, MISSING),
        ("/api/v1/kpis/poh_patients", {"level": "provider"}, "POH-C", "POH-XX"),
        ("/api/v1/kpis/poh_patients", {"level": "team"}, "team-geheim", "team-xx"),
        ("/api/v1/kpis/poh_patients", {"level": "region"}, "zuid", "west"),
        ("/api/v1/practices/{}/scorecard", {}, C, MISSING),
        ("/api/v1/benchmarks/poh_patients", {"region": "{}"}, "zuid", "west"),
        ("/api/v1/referrals/flows", {"level": "practice"}, C, MISSING),
    ],
)
def test_out_of_scope_reads_exactly_as_missing(  # type: ignore[no-untyped-def]
    client, users, path, params, existing, missing
) -> None:
    h = login(client, "ha-a")

    def ask(key: str):  # type: ignore[no-untyped-def]
        query = {k: v.format(key) for k, v in params.items()}
        if "level" in params:
            query["id"] = key
        return _ask(client, h, path.format(key), **query)

    there, absent = ask(existing), ask(missing)
    assert there.status_code == absent.status_code == 404, (there.text, absent.text)
    assert there.json() == {
        k: (v.replace(missing, existing) if isinstance(v, str) else v)
        for k, v in absent.json().items()
    }
    body = there.text
    for secret in ("Praktijk 03", "Zuiderpraktijk", "Geheim", "Zuid", str(PATIENTS[C])):
        assert secret not in body


def test_a_role_that_may_not_use_a_route_gets_403(client, users) -> None:  # type: ignore[no-untyped-def]
    res = client.get("/api/v1/audit", headers=login(client, "ha-a"))
    assert res.status_code == 403
    assert not re.search(r"\d{8}", res.text)


def test_poh_sees_other_practices_anonymised(client, users) -> None:  # type: ignore[no-untyped-def]
    h = login(client, "poh-a")  # works in A and B
    by_label = []
    for slug in ("poh_patients", "poh_contacts"):
        res = _ask(client, h, f"/api/v1/benchmarks/{slug}", region="noord")
        assert res.status_code == 200
        rows = res.json()["practices"]
        own = {r["agb"]: r for r in rows if r["own_scope"]}
        assert set(own) == {A, B} and own[A]["name"] == f"Praktijk {A}" and own[A]["value"] == 4
        others = [r for r in rows if not r["own_scope"]]
        assert len(others) == len(PATIENTS) - 2 and all(r["agb"] is None for r in others)
        names = [r["name"] for r in others]
        assert all(re.fullmatch(r"Praktijk [A-Z]", n) for n in names)
        assert len(set(names)) == len(names)
        for agb in PATIENTS:
            if agb not in (A, B):
                assert agb not in res.text
        by_label.append({r["name"]: r["value"] for r in others})
    # stable: one contact per patient here, so each label carries the same figure in both KPIs
    assert by_label[0] == by_label[1]
    assert sorted(by_label[0].values()) == [11, 13, 14, 15]  # not small: shown, under a label


def test_labels_are_stable_and_do_not_follow_agb_order() -> None:
    from api.kpi.present import anonymous_labels

    agbs = [f"0600000{i}" for i in range(8)]
    labels = anonymous_labels("noord", agbs, b"key-1")
    assert sorted(labels.values()) == [f"Praktijk {c}" for c in "ABCDEFGH"]
    assert labels == anonymous_labels("noord", list(reversed(agbs)), b"key-1")  # stable

    def order(key: bytes) -> list[str]:
        named = anonymous_labels("noord", agbs, key)
        return sorted(agbs, key=lambda agb: named[agb])

    # the order depends on the secret, not on the AGBs: these keys give other orders
    orders = {tuple(order(k)) for k in (b"1", b"2", b"3", b"4", b"5")}
    assert len(orders) > 1 and tuple(agbs) not in orders
