"""The segmentation model page's charts: the k sweep (elbow and silhouette), the customers on
the first two principal components and the heatmap of the segments' standardised profiles.
"""

from __future__ import annotations

import json
from typing import Any

import polars as pl

from segmenta.dashboard.theme import ACCENT, Figure, color_of, empty_figure, figure
from segmenta.warehouse.vocabulary import feature_label

#: Diverging colour scale for standardised values (below average blue, above average red).
DIVERGING: list[list[Any]] = [
    [0.0, "#2166AC"],
    [0.25, "#92C5DE"],
    [0.5, "#F7F7F7"],
    [0.75, "#F4A582"],
    [1.0, "#B2182B"],
]


def _sweep_figure(sweep: pl.DataFrame, column: str, title: str, fmt: str) -> Figure:
    if sweep.is_empty():
        return empty_figure("No k sweep in this run")
    chosen = sweep.filter(pl.col("chosen"))
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": sweep["k"].to_list(),
            "y": sweep[column].to_list(),
            "name": title,
            "line": {"color": ACCENT, "width": 2},
            "marker": {"size": 7},
            "hovertemplate": "k = %{x}<br>" + title + " %{y:" + fmt + "}<extra></extra>",
        }
    ]
    annotations = []
    if chosen.height:
        k, value = chosen.row(0, named=True)["k"], chosen.row(0, named=True)[column]
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [k],
                "y": [value],
                "name": "chosen k",
                "marker": {"size": 16, "color": "#D55E00", "symbol": "star"},
                "hovertemplate": "chosen k = %{x}<br>" + title + " %{y:" + fmt + "}<extra></extra>",
            }
        )
        annotations.append(
            {
                "x": k,
                "y": value,
                "text": f"chosen k = {k}",
                "showarrow": True,
                "arrowhead": 0,
                "ax": 30,
                "ay": -30,
                "font": {"color": "#D55E00"},
            }
        )
    return figure(
        traces,
        margin={"l": 8, "r": 16, "t": 8, "b": 8},
        xaxis={"title": {"text": "Number of segments k"}, "dtick": 1},
        yaxis={"title": {"text": title}, "tickformat": fmt},
        showlegend=False,
        annotations=annotations,
    )


def elbow_figure(sweep: pl.DataFrame) -> Figure:
    """Within-cluster SSE by k, the chosen k marked."""
    return _sweep_figure(sweep, "sse", "SSE", ",.0f")


def silhouette_figure(sweep: pl.DataFrame) -> Figure:
    """Silhouette by k, the chosen k marked."""
    return _sweep_figure(sweep, "silhouette", "Silhouette", ".3f")


def segment_points(
    sample: pl.DataFrame,
    colors: dict[str, str],
    segments: list[str],
    *,
    size: int,
    opacity: float,
) -> list[tuple[dict[str, Any], pl.DataFrame]]:
    """One marker trace per segment with customers in ``sample`` (on the first two principal
    components ``pc1``/``pc2``), with the segment's rows; the model and score pages' scatters."""
    found = []
    for segment in segments:
        rows = sample.filter(pl.col("segment") == segment)
        if rows.is_empty():
            continue
        trace = {
            "type": "scatter",
            "mode": "markers",
            "name": segment,
            "x": rows["pc1"].to_list(),
            "y": rows["pc2"].to_list(),
            "marker": {"size": size, "color": color_of(colors, segment), "opacity": opacity},
        }
        found.append((trace, rows))
    return found


def scatter_figure(sample: pl.DataFrame, colors: dict[str, str], segments: list[str]) -> Figure:
    """The sampled customers on the first two principal components, one trace per segment."""
    if sample.is_empty():
        return empty_figure("No customer under the current filter")
    traces = [
        {
            **trace,
            "customdata": rows.select("display_name", "churn_probability").rows(),
            "hovertemplate": f"<b>%{{customdata[0]}}</b><br>{trace['name']}"
            "<br>PC1 %{x:.2f}, PC2 %{y:.2f}<br>churn %{customdata[1]:.0%}<extra></extra>",
        }
        for trace, rows in segment_points(sample, colors, segments, size=5, opacity=0.7)
    ]
    return figure(
        traces,
        margin={"l": 8, "r": 16, "t": 8, "b": 8},
        xaxis={"title": {"text": "Principal component 1"}, "zeroline": False},
        yaxis={"title": {"text": "Principal component 2"}, "zeroline": False},
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0, "itemsizing": "constant"},
    )


def parse_profile(text: object) -> dict[str, float]:
    """A segment's stored profile (JSON text) as {feature: standardised mean}; {} if unreadable."""
    try:
        parsed = json.loads(text) if isinstance(text, str) else {}
    except ValueError:
        return {}
    if not isinstance(parsed, dict):
        return {}
    return {k: float(v) for k, v in parsed.items() if isinstance(v, int | float)}


def wrap_label(text: str, width: int = 14) -> str:
    """An axis label broken into lines of about ``width`` characters (plotly's <br>)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def heatmap_figure(profiles: pl.DataFrame) -> Figure:
    """Each segment's standardised feature means as a diverging heatmap."""
    if profiles.is_empty():
        return empty_figure("No segments in this run")
    parsed = [parse_profile(p) for p in profiles["profile"].to_list()]
    columns = list(dict.fromkeys(k for p in parsed for k in p))
    if not columns:
        return empty_figure("No segment profiles in this run")
    z = [[p.get(c) for c in columns] for p in parsed]
    bound = max((abs(v) for row in z for v in row if v is not None), default=1.0) or 1.0
    names = profiles["segment"].to_list()
    labels = [wrap_label(feature_label(c)) for c in columns]
    trace = {
        "type": "heatmap",
        "z": z,
        "x": labels,
        "y": names,
        "zmin": -bound,
        "zmax": bound,
        "zmid": 0,
        "colorscale": DIVERGING,
        "text": [[("\u2013" if v is None else f"{v:+.2f}") for v in row] for row in z],
        "texttemplate": "%{text}",
        "textfont": {"size": 12},
        "xgap": 2,
        "ygap": 2,
        "colorbar": {"title": {"text": "sd", "side": "top"}, "thickness": 12},
        "customdata": [[feature_label(c) for c in columns] for _ in names],
        "hovertemplate": "<b>%{y}</b><br>%{customdata}: %{z:+.2f} standard deviations from the "
        "average customer<extra></extra>",
    }
    return figure(
        [trace],
        margin={"l": 8, "r": 8, "t": 8, "b": 8},
        xaxis={"side": "bottom", "automargin": True, "tickangle": 0 if len(columns) <= 4 else -30},
        yaxis={"autorange": "reversed", "automargin": True},
    )
