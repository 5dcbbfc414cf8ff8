"""The floors by route and money (handlers/offers/floors.py, round 9) on their own: which floor
holds, which wins, and what lifts one. tests/test_offer_analysis.py checks them on ads."""

from __future__ import annotations

from handlers.offers.floors import Floor, floor_of, raise_to
from tests.test_offer_analysis import rules

PAYS = Floor("worker_pays", "medium", (frozenset({"fees", "salary_deduction"}),), legal_route_lifts=True)
CHILD = Floor("child_sought", "high", (frozenset({"child_age"}),))
PROGRAMME = Floor(
    "programme_private_contact",
    "medium",
    (frozenset({"government_programme"}), frozenset({"private_contact"})),
    lifted_by=frozenset({"official_announcement"}),
)
FLOORS = (PAYS, CHILD, PROGRAMME)


def nothing_standing() -> set[str]:
    return set()


def test_a_floor_needs_one_sign_of_every_group() -> None:
    assert floor_of(FLOORS, {"fees": 1}, False, nothing_standing) is PAYS
    assert floor_of(FLOORS, {"government_programme": 1}, False, nothing_standing) is None
    assert (
        floor_of(FLOORS, {"government_programme": 1, "private_contact": 1}, False, nothing_standing)
        is PROGRAMME
    )


def test_the_highest_floor_wins_and_never_lowers_a_level() -> None:
    floor = floor_of(FLOORS, {"fees": 1, "child_age": 1}, False, nothing_standing)
    assert floor is CHILD
    assert raise_to("low", floor) == "high"
    assert raise_to("high", PAYS) == "high"
    assert raise_to("low", None) == "low"


def test_the_legal_route_and_the_signs_named_lift_only_their_floors() -> None:
    assert floor_of(FLOORS, {"fees": 1}, True, nothing_standing) is None
    assert floor_of(FLOORS, {"child_age": 1}, True, nothing_standing) is CHILD
    found = {"government_programme": 1, "private_contact": 1}
    assert floor_of(FLOORS, found, False, lambda: {"official_announcement"}) is None


def test_the_shipped_floors_name_known_signs_and_levels() -> None:
    shipped = {floor.code: floor for floor in rules().floors}
    assert {"child_sought", "worker_pays", "escort_work", "sea_work_fee", "programme_asks_money"} <= set(
        shipped
    )
    assert shipped["child_sought"].level == "high"
    assert shipped["worker_pays"].legal_route_lifts
