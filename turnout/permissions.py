"""Who sees what of a vote's turnout: pure predicates over the caller's membership and the
buildings they serve as volunteer (楼长、网格员; `services.volunteer_buildings`).

The committee sees every building; a volunteer only the buildings assigned to them; nobody
here ever sees a choice (turnout reads who took part, never how).
"""

from __future__ import annotations

from collections.abc import Collection

from app.permissions import MemberLike, is_staff


def is_volunteer(member: MemberLike | None, assigned: Collection[int]) -> bool:
    """A member with at least one building assigned."""
    return member is not None and bool(assigned)


def can_view_turnout(member: MemberLike | None, assigned: Collection[int] = ()) -> bool:
    """The committee, and volunteers (for their buildings), see a vote's turnout figures."""
    return is_staff(member) or is_volunteer(member, assigned)


def can_view_dashboard(member: MemberLike | None) -> bool:
    """The turnout dashboard of a vote, every building at once, is the committee's."""
    return is_staff(member)


def visible_buildings(member: MemberLike | None, assigned: Collection[int]
                      ) -> frozenset[int] | None:
    """The buildings the member may see: None for all (the committee), else the assigned."""
    if is_staff(member):
        return None
    return frozenset(assigned) if member is not None else frozenset()


def can_view_outstanding(member: MemberLike | None, building_id: int,
                         assigned: Collection[int] = ()) -> bool:
    """Names and phone numbers of a building's outstanding owners: the committee and that
    building's volunteers only."""
    return is_staff(member) or (member is not None and building_id in assigned)


def can_log_visit(member: MemberLike | None, building_id: int,
                  assigned: Collection[int] = ()) -> bool:
    """Who may see a building's outstanding owners records visits to them."""
    return can_view_outstanding(member, building_id, assigned)


def can_remind_building(member: MemberLike | None) -> bool:
    """The committee sends reminders to a building's outstanding owners."""
    return is_staff(member)


def can_manage_volunteers(member: MemberLike | None) -> bool:
    """The committee assigns and removes building volunteers."""
    return is_staff(member)
