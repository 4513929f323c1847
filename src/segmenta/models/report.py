"""What `segmenta model` tells its user: the run summary and its text.

:func:`segmenta.models.run.run_model` returns a :class:`RunSummary`; the CLI prints
:meth:`RunSummary.describe`. Nothing here computes or stores anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RunSummary:
    """What one `segmenta model` run did; :meth:`describe` is what the CLI prints.

    ``metrics`` and ``parameters`` are the stored ``model_run`` JSON; ``segments`` the run's
    segments with their names in force (``models/run_segments.sql``).
    """

    run_id: int
    kind: str
    metrics: dict[str, Any]
    parameters: dict[str, Any]
    segments: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    def describe(self) -> str:
        """The run in words: population, segmentation, k, quality, segments, churn, time."""
        p, m = self.parameters, self.metrics
        population = "customers" if self.kind == "invoices" else "customers of the customer table"
        as_of = f" as of {p['as_of_date']}" if p.get("as_of_date") else ""
        lines = [
            f"model run {self.run_id} ({self.kind}): {m['n_customers']:,} {population}{as_of}, "
            f"seed {p['seed']}",
            f"segments: {p['algorithm']} on {', '.join(p['features'])} "
            f"(log-scaled: {', '.join(p['log_scaled']) or 'none'}; standardised)",
            f"k = {m['n_segments']}: {p['k_reason']}",
            f"silhouette {m['silhouette']:.3f} in the standardised feature space "
            f"({m['silhouette_rows']:,} customers); within-segment SSE {m['sse']:,.1f}",
        ]
        if p.get("imputed"):
            imputed = ", ".join(f"{c} {n:,}" for c, n in p["imputed"].items())
            lines.append(f"missing values imputed with the median: {imputed}")
        for column, reason in p.get("columns_left_out", {}).items():
            lines.append(f"left out: {column} ({reason})")
        width = max(len(s["segment"]) for s in self.segments)
        for s in self.segments:
            renamed = f" (generated name: {s['name']})" if s["segment"] != s["name"] else ""
            lines.append(
                f"  {s['segment_id']:>2} {s['segment']:<{width}} {s['n_customers']:>7,}  "
                f"{s['description']}{renamed}"
            )
        churn = p.get("churn", {})
        if "skipped" in churn:
            lines.append(f"churn skipped: {churn['skipped']}")
        else:
            lines.append(
                f"churn (no purchase in the next {p['horizon_days']} days), held-out test of "
                f"{m['churn_n_test']:,} customers (cutoff {churn['cutoff_date']}, "
                f"{m['churn_base_rate']:.0%} churned):"
            )
            for label, prefix in (
                ("classifier", "churn"),
                ("recency", "recency"),
                ("BG/NBD", "bgnbd"),
            ):
                lines.append(
                    f"  {label:<10} ROC AUC {m[f'{prefix}_auc']:.3f}  AP {m[f'{prefix}_ap']:.3f}  "
                    f"Brier {m[f'{prefix}_brier']:.3f}"
                )
            verdict = (
                "beats both baselines"
                if m["churn_auc"] > max(m["recency_auc"], m["bgnbd_auc"])
                else "does NOT beat both baselines"
            )
            bands = ", ".join(
                f"{b} {m['risk_bands'].get(b, 0):,}" for b in ("high", "medium", "low")
            )
            lines.append(f"  the classifier {verdict} on ROC AUC; risk bands: {bands}")
        lines.append(f"done in {self.seconds:.1f} s")
        return "\n".join(lines)
