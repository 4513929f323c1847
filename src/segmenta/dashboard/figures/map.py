"""The map page's choropleth: one metric by country, on a log colour scale for the metrics
that span orders of magnitude; :data:`METRICS` names the metrics and their formats.
"""

from __future__ import annotations

import math
from typing import Any

import polars as pl

from segmenta.dashboard.theme import CURRENCY, D3_SHORT, MAP_SCALE, Figure, empty_figure, figure

#: metric id -> (label, d3 format for hover, tick prefix)
METRICS: dict[str, tuple[str, str, str]] = {
    "customers": ("Customers", ",.0f", ""),
    "revenue": ("Revenue", ",.0f", CURRENCY),
    "invoices": ("Invoices", ",.0f", ""),
    "revenue_per_customer": ("Revenue per customer", ",.0f", CURRENCY),
    "churn_rate": ("Churn rate", ".1%", ""),
}


#: Metrics whose values span orders of magnitude (one country has most of the sales): their
#: colour follows log10 of the value so that the other countries do not all look alike.
LOG_METRICS = frozenset({"customers", "revenue", "invoices"})


def _short(value: float, prefix: str) -> str:
    for threshold, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if value >= threshold:
            return f"{prefix}{value / threshold:,.0f}{suffix}"
    return f"{prefix}{value:,.0f}"


def choropleth(frame: pl.DataFrame, metric: str) -> Figure:
    """The world map of ``metric`` by country (ISO-3 codes), with the country in customdata."""
    label, d3_format, prefix = METRICS[metric]
    mapped = frame.filter(pl.col("iso_alpha3").is_not_null() & pl.col(metric).is_not_null())
    if metric in LOG_METRICS:
        mapped = mapped.filter(pl.col(metric) > 0)
    if mapped.is_empty():
        return empty_figure("No countries to draw for the current filter")
    values = [float(v) for v in mapped[metric].to_list()]
    colorbar: dict[str, Any] = {"title": {"text": label}, "thickness": 12, "len": 0.75}
    if metric in LOG_METRICS:
        z = [math.log10(v) for v in values]
        low, high = math.floor(min(z)), math.ceil(max(z))
        ticks = list(range(low, max(high, low + 1) + 1))
        colorbar.update(tickvals=ticks, ticktext=[_short(10.0**t, prefix) for t in ticks])
        zmin, zmax = float(low), float(max(high, low + 1))
    else:
        z = values
        colorbar.update(tickprefix=prefix, tickformat=".0%" if metric == "churn_rate" else D3_SHORT)
        zmin, zmax = min(values), max(values)
        if zmin == zmax:
            zmin, zmax = zmin * 0.9, zmax * 1.1 + 1e-9
    customdata = [
        [country, customers, revenue, churn, value]
        for (country, customers, revenue, churn), value in zip(
            mapped.select("country", "customers", "revenue", "churn_rate").rows(),
            values,
            strict=True,
        )
    ]
    trace = {
        "type": "choropleth",
        "locations": mapped["iso_alpha3"].to_list(),
        "z": z,
        "zmin": zmin,
        "zmax": zmax,
        "locationmode": "ISO-3",
        "colorscale": MAP_SCALE,
        "marker": {"line": {"color": "white", "width": 0.5}},
        "colorbar": colorbar,
        "customdata": customdata,
        "hovertemplate": (
            "<b>%{customdata[0]}</b><br>"
            + f"{label}: {prefix}%{{customdata[4]:{d3_format}}}<br>"
            + "Customers: %{customdata[1]:,}<br>"
            + f"Revenue: {CURRENCY}%{{customdata[2]:,.0f}}<br>"
            + "Churn rate: %{customdata[3]:.1%}<extra></extra>"
        ),
    }
    return figure(
        [trace],
        margin={"l": 0, "r": 0, "t": 8, "b": 0},
        geo={
            "projection": {"type": "natural earth"},
            "showframe": False,
            "showcoastlines": True,
            "coastlinecolor": "#ADB5BD",
            "showcountries": True,
            "countrycolor": "#DEE2E6",
            "showland": True,
            "landcolor": "#F1F3F5",
            "showocean": True,
            "oceancolor": "#FFFFFF",
            "lataxis": {"range": [-58, 85]},
        },
        clickmode="event",
    )
