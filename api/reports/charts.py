"""Charts of the quarterly report as vector SVG, written directly (no plotting library).

Why not matplotlib or plotly: a report has seven to nine charts, and the quarterly batch renders
fifty documents; SVG written here takes milliseconds per chart and has few, simple elements,
which WeasyPrint draws quickly — matplotlib's SVG took most of the render time, and plotly
needs a browser (kaleido). The charts are made for black-and-white print: categories differ by
grey level *and* hatch pattern, series by dash style *and* marker, and every chart carries its
own legend. Text stays text, in DejaVu Sans like the rest of the PDF.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from api.reports.model import Distribution, Funnel, Trends
from api.reports.text import Lang, fmt_num, t

FONT = "DejaVu Sans"
# fill, pattern (None = solid) per category
FILLS: tuple[tuple[str, str | None], ...] = (
    ("#ffffff", None),
    ("#ffffff", "diag"),
    ("#9a9a9a", None),
    ("#1e1e1e", None),
    ("#ffffff", "cross"),
    ("#d0d0d0", None),
    ("#ffffff", "back"),
    ("#5a5a5a", None),
)
LINE_STYLES: tuple[tuple[str | None, str, float, str], ...] = (
    # dasharray, marker, width, colour
    (None, "circle", 1.6, "#000000"),
    ("5 2.5", "square", 1.1, "#333333"),
    ("1.5 2", "triangle", 1.1, "#333333"),
    ("6 2 1.5 2", "diamond", 1.0, "#333333"),
)
W_HALF, H_HALF = 360.0, 290.0
W_FULL = 680.0


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (steps of 1, 2, 2.5 or 5 × 10^k)."""
    if not math.isfinite(lo) or not math.isfinite(hi):
        return [0.0, 1.0]
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / max(n - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step + 1e-9) * step
    out = [round(start, 10)]
    while out[-1] < hi - 1e-9 and len(out) < 14:
        out.append(round(out[-1] + step, 10))
    return out


def _tick_decimals(ticks: Sequence[float]) -> int:
    """The fewest decimals that show every tick exactly (4.25 needs two)."""
    for d in range(4):
        if all(abs(x * 10**d - round(x * 10**d)) < 1e-6 for x in ticks):
            return d
    return 4


class Svg:
    def __init__(self, width: float, height: float) -> None:
        self.w, self.h = width, height
        self.parts: list[str] = []

    def add(self, s: str) -> None:
        self.parts.append(s)

    def line(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        *,
        width: float = 0.6,
        dash: str | None = None,
        colour: str = "#000000",
    ) -> None:
        d = f' stroke-dasharray="{dash}"' if dash else ""
        self.add(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
            f'stroke-width="{width}"{d}/>'
        )

    def polyline(
        self,
        pts: Sequence[tuple[float, float]],
        *,
        width: float = 1.0,
        dash: str | None = None,
        colour: str = "#000000",
    ) -> None:
        if len(pts) < 2:
            return
        d = f' stroke-dasharray="{dash}"' if dash else ""
        p = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        self.add(
            f'<polyline points="{p}" fill="none" stroke="{colour}" stroke-width="{width}" '
            f'stroke-linejoin="round"{d}/>'
        )

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        fill: str = "#ffffff",
        pattern: str | None = None,
        stroke: str = "#000000",
        width: float = 0.5,
    ) -> None:
        self.add(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>'
        )
        if pattern:
            self.add(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" '
                f'fill="url(#{pattern})" stroke="none"/>'
            )

    def marker(
        self,
        kind: str,
        x: float,
        y: float,
        *,
        size: float = 2.6,
        fill: str = "#000000",
        stroke: str = "#000000",
    ) -> None:
        s = size
        common = f'fill="{fill}" stroke="{stroke}" stroke-width="0.7"'
        if kind == "circle":
            self.add(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{s:.1f}" {common}/>')
        elif kind == "square":
            self.add(
                f'<rect x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s:.1f}" height="{2 * s:.1f}" '
                f"{common}/>"
            )
        elif kind == "triangle":
            pts = (
                f"{x:.1f},{y - s * 1.2:.1f} {x - s:.1f},{y + s * 0.8:.1f} "
                f"{x + s:.1f},{y + s * 0.8:.1f}"
            )
            self.add(f'<polygon points="{pts}" {common}/>')
        else:  # diamond
            pts = (
                f"{x:.1f},{y - s * 1.3:.1f} {x + s:.1f},{y:.1f} "
                f"{x:.1f},{y + s * 1.3:.1f} {x - s:.1f},{y:.1f}"
            )
            self.add(f'<polygon points="{pts}" {common}/>')

    def text(
        self,
        x: float,
        y: float,
        s: str,
        *,
        size: float = 8.5,
        anchor: str = "start",
        bold: bool = False,
        colour: str = "#000000",
    ) -> None:
        w = ' font-weight="bold"' if bold else ""
        self.add(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{colour}"{w}>{escape(s)}</text>'
        )

    def render(self) -> str:
        defs = (
            "<defs>"
            '<pattern id="diag" width="4" height="4" patternUnits="userSpaceOnUse">'
            '<path d="M-1,1 l2,-2 M0,4 l4,-4 M3,5 l2,-2" stroke="#000" stroke-width="0.6"/>'
            "</pattern>"
            '<pattern id="back" width="4" height="4" patternUnits="userSpaceOnUse">'
            '<path d="M-1,3 l2,2 M0,0 l4,4 M3,-1 l2,2" stroke="#000" stroke-width="0.6"/>'
            "</pattern>"
            '<pattern id="cross" width="5" height="5" patternUnits="userSpaceOnUse">'
            '<path d="M0,2.5 h5 M2.5,0 v5" stroke="#000" stroke-width="0.5"/>'
            "</pattern>"
            "</defs>"
        )
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.w:.0f} {self.h:.0f}" '
            f'width="{self.w:.0f}" height="{self.h:.0f}" font-family="{FONT}">'
            + defs
            + "".join(self.parts)
            + "</svg>"
        )


class Frame:
    """A plot area inside an Svg with linear x and y scales."""

    def __init__(
        self,
        svg: Svg,
        x: float,
        y: float,
        w: float,
        h: float,
        xlo: float,
        xhi: float,
        ylo: float,
        yhi: float,
    ) -> None:
        self.svg, self.x, self.y, self.w, self.h = svg, x, y, w, h
        self.xlo, self.xhi, self.ylo, self.yhi = xlo, xhi, ylo, yhi

    def px(self, v: float) -> float:
        return self.x + (v - self.xlo) / ((self.xhi - self.xlo) or 1) * self.w

    def py(self, v: float) -> float:
        return self.y + self.h - (v - self.ylo) / ((self.yhi - self.ylo) or 1) * self.h

    def y_axis(self, ticks: Sequence[float], lang: Lang, *, grid: bool = True) -> None:
        dec = _tick_decimals(ticks)
        for v in ticks:
            if v < self.ylo - 1e-9 or v > self.yhi + 1e-9:
                continue
            yy = self.py(v)
            if grid:
                self.svg.line(self.x, yy, self.x + self.w, yy, width=0.3, colour="#bdbdbd")
            self.svg.text(self.x - 3, yy + 2.8, fmt_num(v, dec, lang), size=7.5, anchor="end")
        self.svg.line(self.x, self.y, self.x, self.y + self.h, width=0.6)

    def x_axis(self, ticks: Sequence[float], lang: Lang) -> None:
        dec = _tick_decimals(ticks)
        base = self.y + self.h
        self.svg.line(self.x, base, self.x + self.w, base, width=0.6)
        for v in ticks:
            if v < self.xlo - 1e-9 or v > self.xhi + 1e-9:
                continue
            xx = self.px(v)
            self.svg.line(xx, base, xx, base + 2.5, width=0.5)
            self.svg.text(xx, base + 10, fmt_num(v, dec, lang), size=7.5, anchor="middle")


def _quarter_axis(fr: Frame, quarters: Sequence[str]) -> None:
    base = fr.y + fr.h
    fr.svg.line(fr.x, base, fr.x + fr.w, base, width=0.6)
    for i, q in enumerate(quarters):
        xx = fr.px(i)
        fr.svg.text(xx, base + 10, q[-2:], size=7.5, anchor="middle")
        if i == 0 or q.endswith("Q1"):  # the year once, under its first quarter
            fr.svg.text(xx, base + 19, q[:4], size=6.8, anchor="middle", colour="#333333")


def _legend_right(svg: Svg, x: float, y: float, items: Sequence[tuple[str, object]]) -> None:
    """A legend column; each item is (label, draw function of (x, y))."""
    for k, (label, draw) in enumerate(items):
        yy = y + k * 12.5
        draw(x, yy)  # type: ignore[operator]
        svg.text(x + 18, yy + 3, label, size=7.5)


def _title(svg: Svg, s: str) -> None:
    svg.text(2, 11, s, size=9.5, bold=True)


def _empty(svg: Svg, lang: Lang, key: str = "no_data") -> str:
    svg.text(svg.w / 2, svg.h / 2, t(lang, key), anchor="middle")
    return svg.render()


def stacked_bars(
    title: str, quarters: Sequence[str], series: dict[str, list[float | None]], lang: Lang
) -> str:
    """Stacked bars per quarter (consults by form, referrals by destination)."""
    svg = Svg(W_HALF, H_HALF)
    _title(svg, title)
    shown = {k: v for k, v in series.items() if any(y for y in v)}
    if not shown or not quarters:
        return _empty(svg, lang)
    totals = [sum((v[i] or 0.0) for v in shown.values()) for i in range(len(quarters))]
    ticks = nice_ticks(0, max(totals) or 1, 5)
    fr = Frame(svg, 34, 22, 190, H_HALF - 22 - 26, -0.5, len(quarters) - 0.5, 0, ticks[-1])
    fr.y_axis(ticks, lang)
    bw = fr.w / len(quarters) * 0.62
    bottoms = [0.0] * len(quarters)
    for k, ys in enumerate(shown.values()):
        fill, pattern = FILLS[k % len(FILLS)]
        for i, y in enumerate(ys):
            v = y or 0.0
            if v <= 0:
                continue
            top = bottoms[i] + v
            svg.rect(
                fr.px(i) - bw / 2,
                fr.py(top),
                bw,
                fr.py(bottoms[i]) - fr.py(top),
                fill=fill,
                pattern=pattern,
            )
            bottoms[i] = top
    _quarter_axis(fr, quarters)
    items = []
    for k, label in enumerate(shown):
        fill, pattern = FILLS[k % len(FILLS)]
        items.append(
            (label, lambda x, y, f=fill, p=pattern: svg.rect(x, y - 3, 12, 8, fill=f, pattern=p))
        )
    _legend_right(svg, 234, 28, items[::-1])  # top of the stack first
    return svg.render()


def lines(
    title: str,
    quarters: Sequence[str],
    series: dict[str, list[float | None]],
    lang: Lang,
    *,
    norm: float | None = None,
    norm_label: str | None = None,
) -> str:
    """Lines per quarter (waiting time, hours against the norm); gaps where a value is None."""
    svg = Svg(W_HALF, H_HALF)
    _title(svg, title)
    shown = {k: v for k, v in series.items() if any(y is not None for y in v)}
    if not shown or not quarters:
        return _empty(svg, lang)
    top = max(y for v in shown.values() for y in v if y is not None)
    if norm is not None:
        top = max(top, norm)
    ticks = nice_ticks(0, top * 1.05 or 1, 5)
    fr = Frame(svg, 34, 22, 190, H_HALF - 22 - 26, -0.4, len(quarters) - 0.6, 0, ticks[-1])
    fr.y_axis(ticks, lang)
    if norm is not None:
        svg.line(fr.x, fr.py(norm), fr.x + fr.w, fr.py(norm), width=0.8, dash="1 2")
        svg.text(
            fr.x + fr.w - 1, fr.py(norm) - 3, norm_label or t(lang, "norm"), size=7, anchor="end"
        )
    items = []
    for k, (label, ys) in enumerate(shown.items()):
        dash, mk, width, colour = LINE_STYLES[k % len(LINE_STYLES)]
        run: list[tuple[float, float]] = []
        for i, y in enumerate([*ys, None]):
            if y is None:
                svg.polyline(run, width=width, dash=dash, colour=colour)
                run = []
            else:
                run.append((fr.px(i), fr.py(y)))
        fill = "#000000" if k == 0 else "#ffffff"
        for i, y in enumerate(ys):
            if y is not None:
                svg.marker(mk, fr.px(i), fr.py(y), fill=fill, stroke=colour)

        def draw(
            x: float, y: float, dash=dash, mk=mk, width=width, colour=colour, fill=fill
        ) -> None:
            svg.line(x, y, x + 14, y, width=width, dash=dash, colour=colour)
            svg.marker(mk, x + 7, y, fill=fill, stroke=colour, size=2.3)

        items.append((label, draw))
    _quarter_axis(fr, quarters)
    _legend_right(svg, 234, 28, items)
    return svg.render()


def trend_charts(tr: Trends, lang: Lang) -> dict[str, str]:
    return {
        "contacts": stacked_bars(t(lang, "chart_contacts"), tr.quarters, tr.contacts_by_form, lang),
        "wait": lines(
            t(lang, "chart_wait"),
            tr.quarters,
            tr.wait,
            lang,
            norm=tr.wait_norm,
            norm_label=(
                f"{t(lang, 'norm')} {fmt_num(tr.wait_norm, 0, lang)}" if tr.wait_norm else None
            ),
        ),
        "referrals": stacked_bars(
            t(lang, "chart_referrals"), tr.quarters, tr.referrals_by_destination, lang
        ),
        "hours": lines(t(lang, "chart_hours"), tr.quarters, tr.hours, lang),
    }


def _funnel_panel(
    svg: Svg, f: Funnel, ox: float, oy: float, w: float, h: float, lang: Lang, highlight: bool
) -> None:
    svg.text(ox + 2, oy + 10, f.title, size=8.2, bold=True)
    xs = [p.denominator for p in f.points] + [lim[0] for lim in f.limits]
    ys = [p.value for p in f.points] + [v for lim in f.limits for v in lim[1:]]
    xt = nice_ticks(0, max(xs) or 1, 4)
    lo, hi = min(ys), max(ys)
    pad = (hi - lo) * 0.06 or 1.0
    yt = nice_ticks(max(0.0, lo - pad), hi + pad, 4)
    fr = Frame(svg, ox + 34, oy + 18, w - 44, h - 18 - 24, 0, xt[-1], yt[0], yt[-1])
    fr.y_axis(yt, lang)
    fr.x_axis(xt, lang)
    svg.text(
        fr.x + fr.w,
        fr.y + fr.h + 20,
        t(lang, "denominator"),
        size=6.8,
        anchor="end",
        colour="#333333",
    )
    lims = sorted(f.limits)
    for idx, dash in ((1, "4 2"), (2, "4 2"), (3, "1.2 1.8"), (4, "1.2 1.8")):
        pts = [
            (fr.px(lim[0]), fr.py(min(max(lim[idx], yt[0]), yt[-1])))
            for lim in lims
            if lim[0] <= xt[-1]
        ]
        svg.polyline(pts, width=0.7, dash=dash)
    if f.target is not None and yt[0] <= f.target <= yt[-1]:
        svg.line(fr.x, fr.py(f.target), fr.x + fr.w, fr.py(f.target), width=0.8)
    mine = []
    for p in f.points:
        if highlight and p.is_self:
            mine.append(p)
            continue
        svg.marker(
            "circle",
            fr.px(p.denominator),
            fr.py(p.value),
            size=2.2,
            fill="#ffffff",
            stroke="#444444",
        )
    for p in mine:
        svg.marker("diamond", fr.px(p.denominator), fr.py(p.value), size=3.6)


def funnel_grid(funnels: Sequence[Funnel], lang: Lang, *, highlight: bool) -> str:
    """Small multiples of funnel plots: value against denominator with the control limits."""
    cols = 2
    rows = max(1, math.ceil(len(funnels) / cols))
    pw, ph = W_FULL / cols, 205.0
    svg = Svg(W_FULL, rows * ph + 26)
    for k, f in enumerate(funnels):
        _funnel_panel(svg, f, (k % cols) * pw, (k // cols) * ph, pw - 8, ph - 6, lang, highlight)
    y = rows * ph + 12
    x = 20.0
    legend = [
        (t(lang, "region_value"), lambda x, y: svg.line(x, y, x + 16, y, width=0.8)),
        (t(lang, "limit95"), lambda x, y: svg.line(x, y, x + 16, y, width=0.7, dash="4 2")),
        (t(lang, "limit998"), lambda x, y: svg.line(x, y, x + 16, y, width=0.7, dash="1.2 1.8")),
        (
            t(lang, "funnel_others" if highlight else "practices"),
            lambda x, y: svg.marker("circle", x + 8, y, size=2.2, fill="#fff", stroke="#444"),
        ),
    ]
    if highlight:
        legend.append(
            (t(lang, "funnel_practice"), lambda x, y: svg.marker("diamond", x + 8, y, size=3.4))
        )
    for label, draw in legend:
        draw(x, y)
        svg.text(x + 20, y + 3, label, size=7.5)
        x += 22 + len(label) * 4.6 + 14
    return svg.render()


def distribution_grid(dists: Sequence[Distribution], lang: Lang) -> str:
    """Per KPI a strip of the practices' values above a box (P25–P75) with the median and
    whiskers to P10 and P90."""
    cols = 2
    rows = max(1, math.ceil(len(dists) / cols))
    pw, ph = W_FULL / cols, 62.0
    svg = Svg(W_FULL, rows * ph + 4)
    for k, d in enumerate(dists):
        ox, oy = (k % cols) * pw, (k // cols) * ph
        unit = "" if d.unit.lower() in d.title.lower() else f" ({d.unit})"
        svg.text(ox + 4, oy + 10, f"{d.title}{unit}", size=7.6, bold=True)
        vals = [*d.values, *(v for v in (d.p10, d.p90) if v is not None)]
        if not vals:
            continue
        xt = nice_ticks(min(vals), max(vals), 5)
        fr = Frame(svg, ox + 10, oy + 14, pw - 30, 30, xt[0], xt[-1], 0, 1)
        fr.x_axis(xt, lang)
        for v in d.values:
            svg.marker("circle", fr.px(v), fr.y + 6, size=2.0, fill="#ffffff", stroke="#000000")
        yb, hb = fr.y + 14, 12.0
        if d.p10 is not None and d.p90 is not None:
            mid = yb + hb / 2
            svg.line(fr.px(d.p10), mid, fr.px(d.p90), mid, width=0.6)
            svg.line(fr.px(d.p10), mid - 3.5, fr.px(d.p10), mid + 3.5, width=0.6)
            svg.line(fr.px(d.p90), mid - 3.5, fr.px(d.p90), mid + 3.5, width=0.6)
        if d.p25 is not None and d.p75 is not None:
            svg.rect(fr.px(d.p25), yb, fr.px(d.p75) - fr.px(d.p25), hb, fill="#d4d4d4")
        if d.median is not None:
            svg.line(fr.px(d.median), yb, fr.px(d.median), yb + hb, width=1.8)
    return svg.render()


def flows_chart(rows: Sequence[tuple[str, int, int]], lang: Lang, *, hidden: bool = False) -> str:
    """Per destination: referrals via the POH and directly by the GP (horizontal bars); only
    destinations with a flow that may be drawn (``hidden``: there were some, all hidden)."""
    h = 34 + 24 * max(len(rows), 1) + 16
    svg = Svg(W_HALF, h)
    if not rows:
        return _empty(svg, lang, "flows_hidden" if hidden else "no_data")
    top = max(max(v, d) for _l, v, d in rows) or 1
    ticks = nice_ticks(0, top, 5)
    fr = Frame(svg, 92, 28, W_HALF - 110, 24 * len(rows), 0, ticks[-1], 0, len(rows))
    for v in ticks:
        svg.line(fr.px(v), fr.y, fr.px(v), fr.y + fr.h, width=0.3, colour="#bdbdbd")
    fr.x_axis(ticks, lang)
    for i, (label, via, direct) in enumerate(rows):
        y0 = fr.y + i * 24 + 3
        svg.text(fr.x - 4, y0 + 12, label, size=7.5, anchor="end")
        svg.rect(fr.x, y0, fr.px(via) - fr.x, 8.5, fill="#3a3a3a")
        svg.rect(fr.x, y0 + 9.5, fr.px(direct) - fr.x, 8.5, fill="#ffffff", pattern="diag")
    svg.rect(fr.x, 6, 12, 8, fill="#3a3a3a")
    svg.text(fr.x + 16, 13, t(lang, "via_poh"), size=7.5)
    svg.rect(fr.x + 110, 6, 12, 8, fill="#ffffff", pattern="diag")
    svg.text(fr.x + 126, 13, t(lang, "direct"), size=7.5)
    return svg.render()
