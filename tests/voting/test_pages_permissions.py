"""Permissions of the voting pages beyond the role matrix (tests/matrix/voting_pages.py):
an owner outside the electorate, a vote under another community's address, anonymous visitors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.register.models import Community
from tests.voting import pages_support as support
from tests.voting.pages_support import AsUser
from tests.voting.voting_helpers import World, make_proposal, open_for
from voting.services import open_vote

as_user, html = support.as_user, support.html
fresh_request_globals = support.fresh_request_globals

PAGES = ["ballot", "my-ballot", "receipt", "results", "proxy", "mandates", "desk", "paper",
         "conflicts"]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_is_sent_to_sign_in(world: World, as_user: AsUser, page: str) -> None:
    vote = open_for(world)
    response = as_user(None).get(f"/c/{world.community.slug}/votes/{vote.id}/{page}")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_owner_outside_the_scope_may_not_vote_but_sees_turnout(world: World,
                                                               as_user: AsUser) -> None:
    proposal = make_proposal(world.community, scope=["2栋"])  # only the developer's units
    vote = open_vote(proposal, world.committee, "approve_each", utcnow() + timedelta(days=1))
    db.session.commit()
    client = as_user("owner1")
    base = f"/c/{world.community.slug}/votes/{vote.id}"
    assert client.get(f"{base}/ballot").status_code == 403
    option = proposal.options[0].id
    assert client.post(f"{base}/ballot", data={f"opt_{option}": "agree"}).status_code == 403
    assert client.get(f"{base}/my-ballot").status_code == 403
    assert client.get(f"{base}/results").status_code == 200
    panel = html(client.get(f"/c/{world.community.slug}/proposals/{proposal.id}"))
    assert 'id="vote"' in panel and f'name="opt_{option}"' not in panel


def test_residents_and_owners_never_reach_committee_pages(world: World, as_user: AsUser) -> None:
    vote = open_for(world)
    for user in ("resident", "owner1"):
        client = as_user(user)
        for page in ("desk", "paper", "conflicts"):
            assert client.get(f"/c/{world.community.slug}/votes/{vote.id}/{page}").status_code \
                == 403
        assert client.post(f"/c/{world.community.slug}/votes/{vote.id}/close").status_code == 403


def test_a_vote_is_only_found_under_its_own_community(world: World, as_user: AsUser,
                                                      make_community: Callable[..., Community],
                                                      make_user: Callable[..., User]) -> None:
    vote = open_for(world)
    other = make_community("other", "别的小区")
    make_user("other-committee", other, "committee")
    client = as_user("other-committee")
    assert client.get(f"/c/other/votes/{vote.id}/results").status_code == 404
    assert client.get(f"/c/{world.community.slug}/votes/{vote.id}/results").status_code == 403


def test_a_member_demoted_to_resident_no_longer_votes_on_the_page(world: World,
                                                                  as_user: AsUser) -> None:
    """The membership's current role decides: the committee makes coa a resident, the ballot
    page (and its POST) answer 403 although the account is still linked to owner o2."""
    from app.accounts.models import Role
    from app.accounts.services import grant_membership

    vote = open_for(world)
    client = as_user("coa")
    base = f"/c/{world.community.slug}/votes/{vote.id}"
    assert client.get(f"{base}/ballot").status_code == 200
    grant_membership(world.coowner_a, world.community, Role.RESIDENT, actor=world.committee)
    db.session.commit()
    option = world.option_ids[0]
    assert client.get(f"{base}/ballot").status_code == 403
    assert client.post(f"{base}/ballot", data={f"opt_{option}": "agree"}).status_code == 403
    assert client.get(f"{base}/my-ballot").status_code == 403
    assert client.get(f"{base}/mandates").status_code == 403  # nor authorises a proxy for o2
    panel = html(client.get(f"/c/{world.community.slug}/proposals/{world.proposal.id}"))
    assert f'name="opt_{option}"' not in panel


def test_out_of_range_ids_in_page_addresses_are_404(world: World, as_user: AsUser) -> None:
    open_for(world)
    client = as_user("committee")
    slug = world.community.slug
    for path in (f"/c/{slug}/votes/2147483648/results", f"/c/{slug}/votes/0/ballot",
                 f"/c/{slug}/votes/99999999999999999999/desk",
                 f"/c/{slug}/proposals/2147483648/vote/new",
                 f"/c/{slug}/mandates/2147483648/document"):
        assert client.get(path).status_code == 404, path
