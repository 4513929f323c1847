"""The score page's charts: the scored customer's distance to every segment centre, and where
they fall among the covered customers on the first two principal components.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from segmenta.dashboard.figures.model import segment_points
from segmenta.dashboard.theme import Figure, color_of, figure


def distances_figure(result: dict[str, Any], colors: dict[str, str]) -> Figure:
    """The scored customer's distance to every segment centre, nearest first."""
    rows = sorted(result["distances"], key=lambda d: d["distance"])
    names = [d["segment"] for d in rows]
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": names,
        "x": [d["distance"] for d in rows],
        "marker": {
            "color": [color_of(colors, n) for n in names],
            "line": {
                "color": [
                    "#212529" if d["segment_id"] == result["segment_id"] else "white" for d in rows
                ],
                "width": 2,
            },
        },
        "text": [f"{d['distance']:.2f}" for d in rows],
        "textposition": "auto",
        "hovertemplate": "<b>%{y}</b><br>distance %{x:.2f} (standardised units)<extra></extra>",
    }
    return figure(
        [trace],
        margin={"l": 8, "r": 16, "t": 8, "b": 40},
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={
            "title": {"text": "Distance to the centre (shorter = closer)"},
            "rangemode": "tozero",
        },
        showlegend=False,
    )


def projection_figure(
    sample: pl.DataFrame, result: dict[str, Any], colors: dict[str, str], segments: list[str]
) -> Figure:
    """The covered customers' sample on the principal components, the scored customer a star."""
    traces: list[dict[str, Any]] = [
        {**trace, "hovertemplate": f"{trace['name']}<extra></extra>"}
        for trace, _ in segment_points(sample, colors, segments, size=4, opacity=0.35)
    ]
    traces.append(
        {
            "type": "scatter",
            "mode": "markers",
            "name": "This customer",
            "x": [result["pc1"]],
            "y": [result["pc2"]],
            "marker": {
                "size": 20,
                "symbol": "star",
                "color": color_of(colors, result["segment"]),
                "line": {"color": "#212529", "width": 2},
            },
            "hovertemplate": "<b>This customer</b><br>"
            + result["segment"]
            + "<br>PC1 %{x:.2f}, PC2 %{y:.2f}<extra></extra>",
        }
    )
    return figure(
        traces,
        margin={"l": 8, "r": 16, "t": 8, "b": 8},
        xaxis={"title": {"text": "Principal component 1"}, "zeroline": False},
        yaxis={"title": {"text": "Principal component 2"}, "zeroline": False},
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0, "itemsizing": "constant"},
    )
