"""The signed-in identity is the identity provider and the subject together (migration 0005): with
two providers, two people can share a subject, and the record and `runs list --user` keep them
apart; runs recorded before keep verifying and read back with their bare subject. SQLite and
PostgreSQL (the ``store_url`` fixture)."""

from __future__ import annotations

import json

from conftest import make, store_at
from sqlalchemy import text

import planner
import planner.store
from planner.cli import main
from planner.serve.access import AccessFile, Identity, Role

KEYCLOAK = "https://keycloak.office.example/realms/office"
ENTRA = "https://login.microsoftonline.com/tenant-1/v2.0"
SHARED = "7f3a"  # the same subject, issued by both providers to two different people


def test_two_providers_sharing_a_subject_are_two_people(store_url, capsys) -> None:  # type: ignore[no-untyped-def]
    old = store_at(store_url, "0004")
    before = old.record(
        planner.solve(make()), user="ann@office.example", subject=SHARED, source="ui"
    )
    old.close()
    plan = planner.solve(make())
    with planner.store.open(store_url) as store:  # migrated to 0005 on open
        ann = store.record(
            plan, user="ann@office.example", subject=SHARED, issuer=KEYCLOAK, source="ui"
        )
        bob = store.record(
            plan, user="bob@partner.example", subject=SHARED, issuer=ENTRA, source="ui"
        )
        store.approve(ann, user="bob@partner.example", subject=SHARED, issuer=ENTRA)
        assert store.verify(deep=True).ok  # the pre-0005 run hashes as it did
        assert store.runs(user=f"{KEYCLOAK}|{SHARED}")["id"].tolist() == [ann]
        assert store.runs(user=f"{ENTRA}|{SHARED}")["id"].tolist() == [bob]
        # the bare subject is ambiguous across providers: it finds all three, as documented
        assert sorted(store.runs(user=SHARED)["id"]) == sorted([before, ann, bob])
        shown = store.runs().set_index("id")["identity"]
        assert shown[ann] == f"{KEYCLOAK}|{SHARED}"
        assert shown[before] == SHARED  # recorded before 0005: no issuer, still readable
        assert store.events(ann)[0]["user_issuer"] == ENTRA
        assert store.show(bob)["identity"] == f"{ENTRA}|{SHARED}"

    capsys.readouterr()
    assert main(["runs", "list", "--db", store_url, "--user", f"{ENTRA}|{SHARED}"]) == 0
    listing = capsys.readouterr().out
    assert bob in listing and ann not in listing and f"{ENTRA}|{SHARED}" in listing
    assert (
        main(["runs", "list", "--db", store_url, "--json", "--user", f"{KEYCLOAK}|{SHARED}"]) == 0
    )
    (row,) = json.loads(capsys.readouterr().out)["runs"]
    assert (row["id"], row["user_issuer"], row["user_subject"]) == (ann, KEYCLOAK, SHARED)


def test_the_issuer_is_under_the_hash(store_url) -> None:  # type: ignore[no-untyped-def]
    """Changing who vouched for a run (triggers aside) breaks the chain."""
    with planner.store.open(store_url) as store:
        run = store.record(planner.solve(make()), user="ann", subject=SHARED, issuer=KEYCLOAK)
        url = store.engine.url
        with store.engine.connect() as conn:
            on_runs = "" if url.get_backend_name() == "sqlite" else " ON runs"
            conn.execute(text(f"DROP TRIGGER runs_no_update{on_runs}"))
            conn.execute(
                text("UPDATE runs SET user_issuer = :e WHERE id = :i"), {"e": ENTRA, "i": run}
            )
            conn.commit()
        assert not store.verify().ok


def test_the_signed_in_issuer_comes_from_the_id_token_and_can_name_one_person() -> None:
    """An access entry `issuer|subject` gives the role to that provider's person only."""
    rules = AccessFile.model_validate({"roles": {"approver": {"users": [f"{KEYCLOAK}|{SHARED}"]}}})
    ann = Identity.from_claims({"sub": SHARED, "iss": KEYCLOAK})
    bob = Identity.from_claims({"sub": SHARED, "iss": ENTRA})
    assert (ann.issuer, ann.key) == (KEYCLOAK, f"{KEYCLOAK}|{SHARED}")
    assert rules.role_of(ann) is Role.APPROVER
    assert rules.role_of(bob) is None
