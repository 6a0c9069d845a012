"""Pure counting rules and tallies of Civil Code Art. 278 (no Flask, no SQLAlchemy).

The law itself (thresholds, the quorum, exact percentages, their words) lives in `app.law`;
this package judges ballots with it and re-exports its names for convenience. Typical use::

    from voting.counting import Ballot, Electorate, Option, Voter, get_method
    from voting.counting import threshold_for_matters

    result = get_method(name).tally(electorate, ballots, options, threshold_for_matters([7]))
    result.to_dict()  # the result JSON of API.md
"""

from __future__ import annotations

from app.law import (
    QUORUM,
    Threshold,
    approval_met,
    approval_share,
    describe_quorum,
    describe_threshold,
    format_percent,
    option_passes,
    quorum_met,
    quorum_required,
    share_met,
    threshold_for_matters,
)

from .adjust import adjusted_result
from .explain import explain, explain_option, localize
from .methods import (
    BALLOT_ERROR_CODES,
    METHODS,
    SIDE_WORDS,
    ApproveEach,
    BallotError,
    FormField,
    Ranked,
    Side,
    SingleChoice,
    VotingMethod,
    get_method,
    register_method,
    side_choices,
    side_label,
)
from .model import (
    ADJUSTED,
    STRICT,
    Ballot,
    Electorate,
    Option,
    OptionResult,
    Result,
    Tally,
    Voter,
    choose_outcome,
    format_area,
)
from .schulze import (
    SchulzeResult,
    pairwise_preferences,
    schulze,
    schulze_from_pairwise,
    strongest_paths,
)

__all__ = [
    "ADJUSTED",
    "BALLOT_ERROR_CODES",
    "METHODS",
    "QUORUM",
    "SIDE_WORDS",
    "STRICT",
    "ApproveEach",
    "Ballot",
    "BallotError",
    "Electorate",
    "FormField",
    "Option",
    "OptionResult",
    "Ranked",
    "Result",
    "SchulzeResult",
    "Side",
    "SingleChoice",
    "Tally",
    "Threshold",
    "Voter",
    "VotingMethod",
    "adjusted_result",
    "approval_met",
    "approval_share",
    "choose_outcome",
    "describe_quorum",
    "describe_threshold",
    "explain",
    "explain_option",
    "format_area",
    "format_percent",
    "get_method",
    "localize",
    "option_passes",
    "pairwise_preferences",
    "quorum_met",
    "quorum_required",
    "register_method",
    "schulze",
    "schulze_from_pairwise",
    "share_met",
    "side_choices",
    "side_label",
    "strongest_paths",
    "threshold_for_matters",
]
