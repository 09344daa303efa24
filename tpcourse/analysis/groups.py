"""Facility per learning objective and per tag (body region)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from tpcourse.analysis.results import GroupFacility, ItemStats


def group_facility(
    items: Sequence[ItemStats], keys_of: Callable[[ItemStats], Iterable[str]]
) -> tuple[GroupFacility, ...]:
    """Return the mean facility of each group's questions, each question weighing the same.

    A question belongs to every group `keys_of` names; questions never drawn are counted out.
    Groups come sorted by key.
    """
    members: dict[str, list[float]] = {}
    for item in items:
        for key in dict.fromkeys(keys_of(item)):
            facilities = members.setdefault(key, [])
            if item.facility is not None:
                facilities.append(item.facility)
    return tuple(
        GroupFacility(key, len(values), sum(values) / len(values) if values else None)
        for key, values in sorted(members.items())
    )
