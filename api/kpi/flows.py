"""Referral flows for a Sankey diagram: huisarts → POH → destination and huisarts →
destination.

huisarts → POH: new POH episodes (intakes) in the period. A referral in the period (any
destination but poh-ggz) goes *via the POH* when the referrer is a POH or the patient had a
POH contact in the 365 days up to and including the referral date; otherwise *directly*.
At POH level only the POH's own intakes and the referrals via that POH are shown.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.kpi import present
from api.kpi.engine import Engine, Target
from api.kpi.labels import FLOW_NODE_LABELS, dutch_labels, label_en
from api.kpi.periods import Period
from api.kpi.schemas import FlowLink, FlowNode, ReferralFlowsRead
from api.kpi.scope import ResolvedScope
from models import Contact, Referral
from models.enums import POH_GGZ_FUNCTIES, Bestemming

VIA_POH_DAYS = 365
STAYS = "afgerond-poh"  # node of the episodes that end (or go on) at the POH


def _node(node: str) -> FlowNode:
    dutch, english = FLOW_NODE_LABELS[node]
    return FlowNode(id=node, label=dutch, label_en=english)


def _add_shares(links: list[FlowLink]) -> None:
    """Each link's share of everything that leaves its source node, in %."""
    out_of: dict[str, int] = defaultdict(int)
    for link in links:
        out_of[link.source] += link.value or 0
    for link in links:
        total = out_of[link.source]
        link.share_pct = 100.0 * link.value / total if total and link.value is not None else None


def protect_flows(flows: ReferralFlowsRead, *, force: bool = False) -> None:
    """The small-number rule on the flows of a practice or POH the caller may not see
    unmasked (domain.md §6), complementary as in present.py:

    * a link below 10 is hidden (value, share) and shown as "<10" (a link hidden by the rules
      below reads "afgeschermd": it is not below 10);
    * the POH node balances — new episodes = referrals via the POH + 'afgerond of lopend' — so
      when exactly one of those terms is hidden, the smallest other one is hidden too;
    * a destination's two links (via the POH, direct) add up to its referral count, which other
      responses show: when one is hidden, so is the other;
    * repeated until no group has exactly one hidden term;
    * the shares of a source whose links are partly hidden are hidden too (a share times the
      visible total would give the count back);
    * ``force`` (the scope's new episodes are hidden elsewhere, or the period or level is one
      the caller gets no counts of: api/kpi/disclosure.py): every link is hidden.
    """
    links = flows.links
    small = {id(link) for link in links if present.is_small(link.value)}
    hidden = {id(link) for link in links if force} | small
    balance = [link for link in links if "poh-ggz" in (link.source, link.target)]
    destinations = {link.target for link in links if link.target not in ("poh-ggz", STAYS)}
    groups = [balance] + [[link for link in links if link.target == d] for d in destinations]
    changed = True
    while changed:  # one rule's hiding can expose a term of another group: until nothing moves
        changed = False
        for group in groups:
            visible = [link for link in group if id(link) not in hidden]
            if len(group) - len(visible) == 1 and visible:
                hidden.add(id(min(visible, key=lambda link: link.value or 0)))
                changed = True
    sources = {link.source for link in links if id(link) in hidden}
    for link in links:
        if id(link) in hidden:
            shown = present.SMALL_DISPLAY if id(link) in small else present.WITHHELD_DISPLAY
            link.value, link.value_display, link.suppressed = None, shown, True
        if link.source in sources:
            link.share_pct = None


def _referrals(session: Session, target: Target, period: Period) -> list[Any]:
    """The period's referrals (all destinations but poh-ggz) of the practices in scope."""
    stmt = select(
        Referral.practice_id,
        Referral.patient_id,
        Referral.date,
        Referral.destination,
        Referral.referrer_functie,
        Referral.referrer_provider_id,
    ).where(
        Referral.destination != Bestemming.POH_GGZ.value,
        Referral.date.between(period.start, period.end),
    )
    if target.practice_ids is not None:
        stmt = stmt.where(Referral.practice_id.in_(target.practice_ids))
    else:
        worked_in = select(Contact.practice_id).where(
            Contact.provider_id.in_(target.provider_ids or ())
        )
        stmt = stmt.where(Referral.practice_id.in_(worked_in))
    return list(session.execute(stmt))


def _poh_contact_dates(
    session: Session, target: Target, period: Period, patient_ids: set[int]
) -> dict[tuple[int, int], list[dt.date]]:
    """POH contact dates per (practice, patient) in the year before the period up to its end."""
    stmt = select(Contact.practice_id, Contact.patient_id, Contact.date).where(
        Contact.functie.in_(POH_GGZ_FUNCTIES),
        Contact.date.between(period.start - dt.timedelta(days=VIA_POH_DAYS), period.end),
        Contact.patient_id.in_(patient_ids or {-1}),
    )
    if target.provider_ids is not None:
        stmt = stmt.where(Contact.provider_id.in_(target.provider_ids))
    seen: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
    for practice_id, patient_id, day in session.execute(stmt):
        seen[(practice_id, patient_id)].append(day)
    return seen


def build_flows(session: Session, resolved: ResolvedScope, period: Period) -> ReferralFlowsRead:
    scope, target = resolved.ref, resolved.target
    key = target.key_values()[0]
    intakes = int(Engine(session).measure("new_episodes", target, [period]).get((key, 0), 0.0))
    referrals = _referrals(session, target, period)
    seen = _poh_contact_dates(
        session, target, period, {referral.patient_id for referral in referrals}
    )
    via: dict[str, int] = defaultdict(int)
    direct: dict[str, int] = defaultdict(int)
    poh_ids = set(target.provider_ids or ())
    for referral in referrals:
        dates = seen.get((referral.practice_id, referral.patient_id), [])
        by_poh = referral.referrer_functie in POH_GGZ_FUNCTIES and (
            not poh_ids or referral.referrer_provider_id in poh_ids
        )
        year_before = referral.date - dt.timedelta(days=VIA_POH_DAYS)
        if by_poh or any(year_before <= day <= referral.date for day in dates):
            via[referral.destination] += 1
        elif scope.level != "provider":
            direct[referral.destination] += 1
    nodes = [_node(node) for node in ("huisarts", "poh-ggz")]
    links = [FlowLink(source="huisarts", target="poh-ggz", value=intakes, unit="episodes")]
    for destination, label in dutch_labels("destination").items():
        if via.get(destination) or direct.get(destination):
            nodes.append(
                FlowNode(
                    id=destination,
                    label=label,
                    label_en=label_en("destination", destination, label),
                )
            )
        if via.get(destination):
            links.append(FlowLink(source="poh-ggz", target=destination, value=via[destination]))
        if direct.get(destination):
            links.append(FlowLink(source="huisarts", target=destination, value=direct[destination]))
    stays = intakes - sum(via.values())
    if stays > 0:  # the episodes that end at the POH: the POH node's in- and outflow add up
        nodes.append(_node(STAYS))
        links.append(FlowLink(source="poh-ggz", target=STAYS, value=stays, unit="episodes"))
    _add_shares(links)
    return ReferralFlowsRead(
        level=scope.level,
        id=scope.id,
        name=resolved.name,
        period=period.read(),  # type: ignore[arg-type]
        nodes=nodes,
        links=links,
        note="huisarts → POH-GGZ telt nieuwe trajecten, de andere stromen verwijzingen; "
        "'afgerond of lopend bij POH' is het aantal nieuwe trajecten min de verwijzingen via de "
        "POH (trajecten die bij de POH eindigen of nog lopen).",
        note_en="GP → POH-GGZ counts new episodes, the other flows referrals; 'completed or "
        "ongoing at the POH' is the new episodes minus the referrals via the POH (episodes that "
        "end at the POH or are still running).",
    )
