"""The small-number rule on referral flows (flows.protect_flows): no hidden count of a flow can
be recovered from the other links of the same response — the POH node balances (new episodes =
referrals via the POH + 'afgerond of lopend'), a destination's two links add up to its referral
count, and shares times a visible total give counts back."""

from __future__ import annotations

import datetime as dt

from api.kpi.flows import STAYS, protect_flows
from api.kpi.schemas import FlowLink, FlowNode, PeriodRead, ReferralFlowsRead


def _flows(*links: tuple[str, str, int]) -> ReferralFlowsRead:
    nodes = {node for source, target, _ in links for node in (source, target)}
    return ReferralFlowsRead(
        level="practice",
        id="01000001",
        period=PeriodRead(
            label="2025Q3",
            start=dt.date(2025, 7, 1),
            end=dt.date(2025, 9, 30),
            days=92,
            weeks=13,
        ),
        nodes=[FlowNode(id=node, label=node) for node in sorted(nodes)],
        links=[
            FlowLink(source=source, target=target, value=value, share_pct=1.0)
            for source, target, value in links
        ],
    )


def _shown(flows: ReferralFlowsRead) -> dict[tuple[str, str], int | None]:
    return {(link.source, link.target): link.value for link in flows.links}


def test_nothing_is_hidden_when_every_flow_is_10_or_more() -> None:
    flows = _flows(("huisarts", "poh-ggz", 40), ("poh-ggz", "s-ggz", 12), ("poh-ggz", STAYS, 28))
    protect_flows(flows)
    assert _shown(flows) == {
        ("huisarts", "poh-ggz"): 40,
        ("poh-ggz", "s-ggz"): 12,
        ("poh-ggz", STAYS): 28,
    }
    assert all(link.share_pct == 1.0 and not link.suppressed for link in flows.links)


def test_one_small_term_of_the_poh_balance_hides_a_second() -> None:
    # 40 = 3 + 12 + 25: hiding only the 3 would leave it as 40 − 12 − 25
    flows = _flows(
        ("huisarts", "poh-ggz", 40),
        ("poh-ggz", "gb-ggz", 3),
        ("poh-ggz", "s-ggz", 12),
        ("poh-ggz", STAYS, 25),
        ("huisarts", "ehealth", 15),
    )
    protect_flows(flows)
    assert _shown(flows) == {
        ("huisarts", "poh-ggz"): 40,
        ("poh-ggz", "gb-ggz"): None,
        ("poh-ggz", "s-ggz"): None,  # the smallest visible term of the balance
        ("poh-ggz", STAYS): 25,
        ("huisarts", "ehealth"): 15,
    }
    shown = {(link.source, link.target): link.value_display for link in flows.links}
    # the 3 reads "<10"; the 12 hidden with it is not below 10: "afgeschermd"
    assert shown[("poh-ggz", "gb-ggz")] == "<10"
    assert shown[("poh-ggz", "s-ggz")] == "afgeschermd"
    assert all(link.suppressed for link in flows.links if link.value is None)
    # shares of the POH's outflows would give the hidden counts back from the visible 25
    assert all(link.share_pct is None for link in flows.links if link.source == "poh-ggz")
    assert all(link.share_pct == 1.0 for link in flows.links if link.source == "huisarts")


def test_a_destination_with_one_small_link_hides_its_other_link() -> None:
    # GB-GGZ 30 referrals in all (another KPI shows that total): 27 via the POH + 3 direct
    flows = _flows(
        ("huisarts", "poh-ggz", 60),
        ("poh-ggz", "gb-ggz", 27),
        ("huisarts", "gb-ggz", 3),
        ("poh-ggz", STAYS, 33),
    )
    protect_flows(flows)
    shown = _shown(flows)
    assert shown[("huisarts", "gb-ggz")] is None and shown[("poh-ggz", "gb-ggz")] is None
    # and the balance 60 = 27 + 33 then had one hidden term, so the smaller other one goes too
    assert shown[("poh-ggz", STAYS)] is None and shown[("huisarts", "poh-ggz")] == 60


def test_no_flow_count_is_recoverable_by_subtraction() -> None:
    """Brute force over small cases: after protection, no hidden link's count follows from
    the POH balance or a destination total and the visible links."""
    for intakes in (5, 12, 40):
        for via in (0, 4, 11):
            for direct in (0, 2, 13):
                stays = intakes - via
                links = [("huisarts", "poh-ggz", intakes)]
                if via:
                    links.append(("poh-ggz", "gb-ggz", via))
                if direct:
                    links.append(("huisarts", "gb-ggz", direct))
                if stays > 0:
                    links.append(("poh-ggz", STAYS, stays))
                flows = _flows(*links)
                protect_flows(flows)
                shown = _shown(flows)
                balance = [k for k in shown if "poh-ggz" in k]
                assert sum(shown[k] is None for k in balance) != 1, (links, shown)
                destination = [k for k in shown if k[1] == "gb-ggz"]
                if len(destination) == 2:  # a lone link equals the total, hidden there too
                    assert sum(shown[k] is None for k in destination) != 1, (links, shown)
                for value in shown.values():
                    if value is not None:
                        assert value >= 10, (links, shown)
