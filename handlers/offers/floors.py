"""Floors judged by route and money (issue 15: absence of signs is not safety).

The score adds weights, and the signs of the legal route subtract: an ad that asks the worker for
money can so fall to LOW beside a "G to G" or a licence it names, and a child sought for a job
weighs only 2. A floor is the lowest level an offer may get whatever its score, set by what the
offer is rather than by how many of its words the rules know: who pays whom (the worker paying a
recruiter), who is sought (a child), what the work is (keeping guests company), and which route it
claims (a government programme that asks money). The floors are data (`[[floors]]` in
content/offers.toml); this module only applies them (round 9)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass

RANK = {"low": 0, "medium": 1, "high": 2}


@dataclass(frozen=True)
class Floor:
    """At least `level` when one sign of every group in `needs` is found (a group is a kind of
    thing: a route claimed, money asked) and, if `legal_route_lifts`, the ad shows no unvoided
    evidence of the legal route."""

    code: str
    level: str
    needs: tuple[frozenset[str], ...]
    legal_route_lifts: bool = False
    # Signs of the legal route that lift this floor when they stand unvoided beside it (an
    # office that announces a programme may give a WhatsApp number for questions).
    lifted_by: frozenset[str] = frozenset()

    def holds(self, found: Mapping[str, object], legal_route: bool, standing: Callable[[], Set[str]]) -> bool:
        # Set operations in C: this runs for every ad that the score leaves below HIGH.
        codes = found.keys()
        for group in self.needs:
            if codes.isdisjoint(group):
                return False
        if self.legal_route_lifts and legal_route:
            return False
        return not (self.lifted_by and not self.lifted_by.isdisjoint(standing()))


def floor_of(
    floors: tuple[Floor, ...],
    found: Mapping[str, object],
    legal_route: bool,
    standing: Callable[[], Set[str]],
) -> Floor | None:
    """The highest floor the ad's signs set, or None. `standing`: the signs of the legal route
    found and not voided (asked for only by a floor they may lift)."""
    best: Floor | None = None
    for floor in floors:
        if (best is None or RANK[floor.level] > RANK[best.level]) and floor.holds(
            found, legal_route, standing
        ):
            best = floor
    return best


def raise_to(risk: str, floor: Floor | None) -> str:
    """`risk`, or the floor's level when that is higher."""
    if floor is not None and RANK[floor.level] > RANK[risk]:
        return floor.level
    return risk
