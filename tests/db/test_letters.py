"""One decision, one letter: the first delivery issues the letter (row, delivery, one audit row); later
views, formats and languages of the same decision are listed on it and issue nothing; a new decision gets a
new letter; the 0005 migration lists the deliveries of letters issued before it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select, text

from scoring.db.audit import verify
from scoring.db.engine import downgrade, upgrade
from scoring.db.letters import (
    IssuedLetter,
    decision_key,
    first_issue,
    read_deliveries,
    read_letters,
    record_delivery,
)
from scoring.db.tables import audit_log
from tests.db.conftest import CLI

CLIENT = "c" * 64
ISSUED = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
KEY = decision_key(CLIENT, None, "refuse", "v1", 0.31)
LETTER = IssuedLetter(
    created_at=ISSUED,
    reference="L-20261206-00000001",
    request_id="r1",
    client_hash=CLIENT,
    kind="refuse",
    probability=0.31,
    language="fr",
    format="pdf",
    model_version="v1",
    document_sha256="a" * 64,
    decision_key=KEY,
)


def issued_rows(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        query = select(audit_log.c.detail).where(audit_log.c.action == "letter-issued")
        return list(conn.execute(query).scalars())


def test_a_decision_is_named_by_the_officers_decision_else_the_models() -> None:
    assert decision_key(CLIENT, None, "refuse", "v1", 0.31) == KEY
    others = {
        decision_key(CLIENT, None, "accept", "v1", 0.31),
        decision_key(CLIENT, None, "refuse", "v2", 0.31),
        decision_key(CLIENT, None, "refuse", "v1", 0.3100001),
        decision_key("d" * 64, None, "refuse", "v1", 0.31),
        decision_key(CLIENT, 7, "refuse", "v1", 0.31),
        decision_key(CLIENT, 8, "refuse", "v1", 0.31),
    }
    assert len(others) == 6 and KEY not in others
    assert decision_key(CLIENT, 7, "accept", "v9", 0.5) == decision_key(CLIENT, 7, "refuse", "v1", 0.31)


def test_the_first_delivery_issues_the_letter_and_later_ones_are_listed_on_it(engine: Engine) -> None:
    assert first_issue(engine, KEY) is None
    first = record_delivery(engine, CLI, LETTER)
    assert (first.reference, first.issued_at) == (LETTER.reference, ISSUED)
    assert first_issue(engine, KEY) == first
    later = ISSUED + timedelta(days=2)
    html = replace(LETTER, created_at=later, format="html", document_sha256="b" * 64, request_id="r2")
    english = replace(html, language="en", document_sha256="c" * 64, request_id="r3")
    for delivery in (html, english, replace(html, request_id="r4")):  # the last one: a repeat
        assert record_delivery(engine, CLI, delivery) == first
    letters = read_letters(engine)
    assert letters.height == 1 and letters.row(0, named=True)["decision_key"] == KEY
    deliveries = read_deliveries(engine)
    assert deliveries.select("reference", "language", "format", "document_sha256", "request_id").rows() == [
        (LETTER.reference, "fr", "pdf", "a" * 64, "r1"),
        (LETTER.reference, "fr", "html", "b" * 64, "r2"),
        (LETTER.reference, "en", "html", "c" * 64, "r3"),
    ]
    assert deliveries["delivered_at"].to_list() == [ISSUED, later, later]
    assert len(issued_rows(engine)) == 1 and verify(engine).ok


def test_a_delivery_made_with_another_reference_writes_nothing(engine: Engine) -> None:
    """Another request issued the decision's letter first: the caller gets its reference to render again."""
    first = record_delivery(engine, CLI, LETTER)
    late = replace(LETTER, reference="L-20261206-00000002", format="html")
    assert record_delivery(engine, CLI, late) == first
    assert read_deliveries(engine).height == 1 and read_letters(engine).height == 1


def test_a_new_decision_gets_a_new_letter(engine: Engine) -> None:
    record_delivery(engine, CLI, LETTER)
    officer = replace(
        LETTER, reference="L-20261206-00000003", decision_key=decision_key(CLIENT, 1, "refuse", "v1", 0.31)
    )
    assert record_delivery(engine, CLI, officer).reference == officer.reference
    assert read_letters(engine)["reference"].to_list() == [LETTER.reference, officer.reference]
    assert len(issued_rows(engine)) == 2


def test_the_migration_lists_the_delivery_of_letters_issued_before(bare: Engine) -> None:
    upgrade(bare, "0004")
    with bare.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO letters (created_at, reference, request_id, issued_by, client_hash, kind, "
                "probability, language, format, model_version, document_sha256) VALUES (:at, 'L-OLD', 'r0', "
                "'service', :client, 'refuse', 0.3, 'en', 'html', 'v0', :sha)"
            ),
            {"at": datetime(2026, 11, 27, 10, 0), "client": CLIENT, "sha": "f" * 64},
        )
    upgrade(bare)
    deliveries = read_deliveries(bare)
    assert deliveries.select("reference", "language", "format", "delivered_by").rows() == [
        ("L-OLD", "en", "html", "service")
    ]
    assert read_letters(bare)["decision_key"].to_list() == [None]
    record_delivery(bare, CLI, LETTER)  # the old letter has no key: it never stands for a new decision
    assert read_letters(bare).height == 2
    downgrade(bare, "0004")
    with bare.connect() as conn:
        assert conn.execute(text("SELECT reference FROM letters ORDER BY id")).scalars().all() == [
            "L-OLD",
            LETTER.reference,
        ]
    upgrade(bare)
