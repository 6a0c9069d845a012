"""Your share (您的分摊): what an option costs one owner, from their area in the scope."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from app.register.models import Community, Owner
from app.register.services import community_electorate
from proposals.models import FundingSource, Proposal, ProposalOption

FEN = Decimal("0.01")
PAID_BY_OWNERS = "owners"  #: the owner pays this amount
FROM_FUND = "fund"  #: ¥0 now; this is the owner's proportional part of the fund drawn on
NOTHING = "nothing"  #: ¥0: paid by a subsidy, or nothing to pay
AT_MOST = "at_most"  #: mixed funding: at most this, depending on the split
UNKNOWN = "unknown"  #: the option is not costed


@dataclass(frozen=True)
class Share:
    """One owner's share of one option's cost."""

    option_id: int
    kind: str
    #: what the owner pays out of pocket (¥0 unless owners pay)
    pays: Decimal | None
    #: the proportional amount (area ratio × cost) the basis gives
    proportional: Decimal | None


@dataclass(frozen=True)
class ShareBasis:
    """The owner's area against the total area in scope."""

    in_scope: bool
    my_area: Decimal
    total_area: Decimal

    @property
    def ratio(self) -> Fraction:
        """My area / total area, exactly (0 when nothing is in scope)."""
        return Fraction(self.my_area) / Fraction(self.total_area) if self.total_area \
            else Fraction(0)


def compute_share(option_id: int, cost: Decimal | None, funding: FundingSource,
                  basis: ShareBasis) -> Share:
    """The owner's share of a cost split by area, rounded to the fen half-up. Pure."""
    if cost is None:
        return Share(option_id, UNKNOWN, None, None)
    proportional = Decimal(0)
    if basis.total_area:
        proportional = (cost * basis.my_area / basis.total_area).quantize(FEN, ROUND_HALF_UP)
    zero = Decimal("0.00")
    if funding == FundingSource.OWNERS_BY_AREA:
        return Share(option_id, PAID_BY_OWNERS, proportional, proportional)
    if funding == FundingSource.MAINTENANCE_FUND:
        return Share(option_id, FROM_FUND, zero, proportional)
    if funding == FundingSource.MIXED:
        return Share(option_id, AT_MOST, proportional, proportional)
    if funding == FundingSource.SUBSIDY or cost == 0:
        return Share(option_id, NOTHING, zero, zero)
    return Share(option_id, UNKNOWN, None, proportional)


def share_basis(community: Community, proposal: Proposal, owner: Owner) -> ShareBasis:
    """The owner's area and the total area in the proposal's scope, from the register."""
    electorate = community_electorate(community, proposal.scope_buildings)
    elector = electorate.by_ref().get(owner.owner_ref)
    if elector is None:
        return ShareBasis(False, Decimal(0), electorate.area_m2)
    return ShareBasis(True, elector.area_m2, electorate.area_m2)


def shares_for(community: Community, proposal: Proposal,
               owner: Owner | None) -> tuple[ShareBasis | None, dict[int, Share]]:
    """The basis and each option's share for this owner; (None, {}) for a non-owner."""
    if owner is None:
        return None, {}
    basis = share_basis(community, proposal, owner)
    options: list[ProposalOption] = list(proposal.options)
    return basis, {o.id: compute_share(o.id, o.cost_cny, o.funding_source, basis)
                   for o in options}
