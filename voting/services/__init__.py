"""Voting services: open and close votes, cast and enter ballots, proxies, results."""

from __future__ import annotations

from voting.services.ballots import ballot_status, cast_ballot, check_receipt
from voting.services.common import VotingError, is_open
from voting.services.extend import (
    extend_vote,
    update_vote_settings,
    vote_extensions,
    window_bounds,
)
from voting.services.paper import enter_paper_ballot, list_conflicts, resolve_conflict
from voting.services.proxies import create_mandate, mandates_held, revoke_mandate
from voting.services.results import (
    BallotPage,
    aggregate_ballots,
    ballot_page,
    export_ballots_csv,
    result_from_aggregates,
    result_payload,
    vote_result,
)
from voting.services.votes import close_due_votes, close_vote, get_vote, open_vote

__all__ = [
    "BallotPage",
    "VotingError",
    "aggregate_ballots",
    "ballot_page",
    "ballot_status",
    "cast_ballot",
    "check_receipt",
    "close_due_votes",
    "close_vote",
    "create_mandate",
    "enter_paper_ballot",
    "export_ballots_csv",
    "extend_vote",
    "get_vote",
    "is_open",
    "list_conflicts",
    "mandates_held",
    "open_vote",
    "resolve_conflict",
    "result_from_aggregates",
    "result_payload",
    "revoke_mandate",
    "update_vote_settings",
    "vote_extensions",
    "vote_result",
    "window_bounds",
]
