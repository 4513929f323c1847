"""Colours, number formats and the shared figure style of every chart.

Segment colours: :func:`segment_colors` maps each segment name of the latest run to a colour of
a fixed qualitative palette, in ``segment_id`` order (the model's stable order), so a segment
has the same colour on every page and in every chart whatever the filter. Every chart takes
its colours from it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from dash import dcc

#: Currency of the invoices (the UCI Online Retail export and the demo data are in pounds).
CURRENCY = "£"

#: A colour-blind-aware qualitative palette (Okabe-Ito, then Tableau's muted tones).
SEGMENT_PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#6C6C6C",
    "#8C564B",
    "#17BECF",
    "#BCBD22",
    "#9467BD",
)
#: Colour of anything not in a segment (unknown, other).
NEUTRAL = "#9AA0A6"
#: Brand colours of the app (navbar, single-series charts).
PRIMARY = "#1F3A5F"
ACCENT = "#0072B2"
#: Risk band colours, low to high.
RISK_COLORS = {"low": "#009E73", "medium": "#E69F00", "high": "#D55E00"}
#: Bootstrap colour of each churn risk band's badge.
RISK_BADGE = {"low": "success", "medium": "warning", "high": "danger"}
#: Sequential scale for the map, light to dark (ColorBrewer Blues).
_BLUES = ("#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594")
MAP_SCALE: list[list[Any]] = [[i / (len(_BLUES) - 1), c] for i, c in enumerate(_BLUES)]

FONT_FAMILY = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif'
)


def segment_colors(segments: Mapping[str, int]) -> dict[str, str]:
    """Segment name -> colour for a ``{name: segment_id}`` mapping (``FilterOptions.segments``).

    The n-th segment by ``segment_id`` gets the n-th palette colour (cycling past 12).
    """
    ranked = sorted(segments.items(), key=lambda item: (item[1], item[0]))
    return {name: SEGMENT_PALETTE[i % len(SEGMENT_PALETTE)] for i, (name, _) in enumerate(ranked)}


def color_of(colors: Mapping[str, str], segment: object) -> str:
    """The colour of ``segment`` in a :func:`segment_colors` mapping (grey if unknown)."""
    return colors.get(segment, NEUTRAL) if isinstance(segment, str) else NEUTRAL


# -- number formats --------------------------------------------------------------------------
def _finite(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def fmt_int(value: Any) -> str:
    number = _finite(value)
    return "\u2013" if number is None else f"{number:,.0f}"


def fmt_money(value: Any, decimals: int = 0) -> str:
    number = _finite(value)
    if number is None:
        return "\u2013"
    sign = "-" if number < 0 else ""
    return f"{sign}{CURRENCY}{abs(number):,.{decimals}f}"


def fmt_money_short(value: Any) -> str:
    """£1.2M, £350k, £920."""
    number = _finite(value)
    if number is None:
        return "\u2013"
    sign = "-" if number < 0 else ""
    number = abs(number)
    for threshold, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if number >= threshold:
            return f"{sign}{CURRENCY}{number / threshold:,.1f}{suffix}"
    return f"{sign}{CURRENCY}{number:,.0f}"


def fmt_pct(value: Any, decimals: int = 1) -> str:
    """A share (0.123) as a percentage (12.3 %)."""
    number = _finite(value)
    return "\u2013" if number is None else f"{number * 100:.{decimals}f} %"


def fmt_float(value: Any, decimals: int = 1) -> str:
    number = _finite(value)
    return "\u2013" if number is None else f"{number:,.{decimals}f}"


# -- figures -----------------------------------------------------------------------------------
#: d3 formats for axes and hover templates.
D3_MONEY = f"{CURRENCY},.0f"
#: Compact axis ticks: 3 significant digits, SI suffix (1.2M, 350k).
D3_SHORT = ".3~s"
D3_PCT = ".1%"


_AXIS = {
    "gridcolor": "#EBEEF2",
    "linecolor": "#CED4DA",
    "zerolinecolor": "#CED4DA",
    "ticks": "",
    "automargin": True,
    "title": {"standoff": 8},
}
#: A small plotly.js template (plain JSON: figures are built as dicts, without plotly.py's
#: validation, which costs more than the queries).
TEMPLATE: dict[str, Any] = {
    "layout": {
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "colorway": list(SEGMENT_PALETTE),
        "xaxis": _AXIS,
        "yaxis": _AXIS,
        "hovermode": "closest",
        "hoverlabel": {"align": "left"},
        "geo": {"bgcolor": "white"},
    }
}

Figure = dict[str, Any]


def base_layout(**overrides: Any) -> dict[str, Any]:
    """Layout settings shared by every chart (``overrides`` replace top-level keys)."""
    layout: dict[str, Any] = {
        "template": TEMPLATE,
        "font": {"family": FONT_FAMILY, "size": 13, "color": "#212529"},
        "margin": {"l": 56, "r": 16, "t": 40, "b": 48},
        "hoverlabel": {"font": {"family": FONT_FAMILY}},
        "legend": {
            "orientation": "h",
            "yanchor": "top",
            "y": -0.12,
            "x": 0,
            "traceorder": "normal",
        },
        "separators": ".,",
    }
    layout.update(overrides)
    return layout


def figure(traces: list[dict[str, Any]], **layout: Any) -> Figure:
    """A plotly figure as plain JSON: ``traces`` (each with its ``type``) and the shared layout."""
    return {"data": traces, "layout": base_layout(**layout)}


def empty_figure(message: str) -> Figure:
    """A blank chart that says why it is blank."""
    return figure(
        [],
        xaxis={"visible": False},
        yaxis={"visible": False},
        annotations=[
            {
                "text": message,
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "showarrow": False,
                "font": {"size": 14, "color": "#6c757d"},
            }
        ],
    )


def graph_config(topojson_url: str | None = None) -> dcc.Graph.Config:
    """dcc.Graph config: no plotly logo, no edit links, PNG export named after the app.

    With ``topojson_url`` (the map), plotly reads country outlines from there and the scroll
    wheel does not zoom.
    """
    config: dcc.Graph.Config = {
        "displaylogo": False,
        "displayModeBar": "hover",
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
        "toImageButtonOptions": {"filename": "segmenta"},
        "responsive": True,
    }
    if topojson_url is not None:
        config["topojsonURL"] = topojson_url
        config["scrollZoom"] = False
    return config


def ordered_segments(names: Iterable[str], segments: Mapping[str, int]) -> list[str]:
    """Segment names in ``segment_id`` order (names not in the run last)."""
    order = {name: i for i, name in enumerate(segments)}
    return sorted(set(names), key=lambda n: (order.get(n, len(order)), n))
