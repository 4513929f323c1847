"""Score a customer: a form built from the latest run's model inputs, and the answer.

The fields are the run's inputs (``model_run.parameters -> inputs``): behaviour figures for an
invoice run (days since the last purchase, invoices, revenue, ...), the customer table's
columns for a customer-table run (age, income, spending score, a credit-card table's limits).
Required fields start at the base median; optional ones may stay blank (the base median is
then assumed, and said so). The answer: the predicted segment, the distance to every segment
centre, the churn probability (invoice runs), and where the customer falls on the segment
map among a sample of the covered customers (so the global slicers apply to that map).

Scoring goes through the same cached pipelines as ``POST /api/score``
(:func:`segmenta.dashboard.api.loaded_model`), with the same validation and messages.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, html

from segmenta.dashboard import api, ids, state
from segmenta.dashboard.components import chart_card, current_filters, page_header, section_card
from segmenta.dashboard.figures.score import distances_figure, projection_figure
from segmenta.dashboard.queries import model as q
from segmenta.dashboard.theme import (
    CURRENCY,
    RISK_BADGE,
    color_of,
    empty_figure,
    fmt_pct,
    segment_colors,
)
from segmenta.models import scoring
from segmenta.models.scoring import ArtifactVersionError, ModelInputError, ScoringInputError
from segmenta.warehouse.vocabulary import feature_label

PATH = "/score"
NAME = "Score a customer"
TITLE = "Score a customer · Segmenta"
ORDER = 7


def _model() -> scoring.ScoringModel | None:
    try:
        return api.loaded_model(state.reader())
    except (ModelInputError, ArtifactVersionError):
        return None


def _number_text(value: float, integer: bool = False) -> str:
    """12, 1,400, 674.69, 0.0833: whole numbers for counts and large values."""
    if integer or abs(value) >= 1000 or value == round(value):
        return f"{value:,.0f}"
    return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.3g}"


#: What the model inputs' units read as beside the fields.
UNIT_TEXT = {"money": CURRENCY, "ratio": "share"}


def field_row(spec: dict[str, Any]) -> dbc.Row:
    """Label, number input, unit and message of one model input."""
    name = spec["name"]
    integer = bool(spec.get("integer"))
    required = bool(spec.get("required"))
    default = float(spec.get("default") or 0.0)
    unit = UNIT_TEXT.get(spec.get("unit") or "", spec.get("unit") or "")
    label = spec.get("label") or name
    hint = (
        f"the base runs {_number_text(float(spec.get('min', 0)), integer)} to "
        f"{_number_text(float(spec.get('max', 0)), integer)}"
    )
    number = dbc.Input(
        id={"type": ids.SCORE_FIELD, "index": name},
        type="number",
        value=(int(default) if integer else default) if required else None,
        placeholder=f"{_number_text(default, integer)} (base median)",
        step=1 if integer else "any",
        required=required,
        inputmode="numeric" if integer else "decimal",
        debounce=False,
        name=name,
    )
    group = [number, dbc.InputGroupText(unit, className="small")] if unit else [number]
    return dbc.Row(
        [
            dbc.Label(
                [label, html.Span(" *", className="text-danger")] if required else label,
                width=6,
                className="small",
            ),
            dbc.Col(
                [
                    dbc.InputGroup(group, size="sm", className="has-validation"),
                    dbc.FormFeedback(
                        id={"type": ids.SCORE_FEEDBACK, "index": name},
                        type="invalid",
                        className="d-block small",
                    ),
                    dbc.FormText(hint, className="small"),
                ],
                width=6,
            ),
        ],
        className="mb-2",
    )


def form(model: scoring.ScoringModel | None) -> list[Any]:
    if model is None:
        return [
            dbc.Alert(
                "No model run yet: run `segmenta model` on this warehouse, then reload.",
                color="warning",
            )
        ]
    required = [f for f in model.inputs if f.get("required")]
    optional = [f for f in model.inputs if not f.get("required")]
    kind = (
        "behaviour figures of a customer's invoices"
        if model.kind == "invoices"
        else "the customer table's columns"
    )
    parts: list[Any] = [
        html.P(
            f"The inputs of model run {model.run_id}: {kind}. Fields marked * are required.",
            className="small text-muted",
        ),
        *[field_row(f) for f in required],
    ]
    if optional:
        parts.append(
            dbc.Accordion(
                dbc.AccordionItem(
                    [
                        html.P(
                            "Leave a field blank to assume the base median (the answer lists "
                            "what was assumed).",
                            className="small text-muted",
                        ),
                        *[field_row(f) for f in optional],
                    ],
                    title=f"More figures ({len(optional)} optional)",
                ),
                start_collapsed=True,
                flush=True,
                className="mb-2",
            )
        )
    return parts


def layout(**_query: object) -> html.Div:
    model = _model()
    return html.Div(
        [
            page_header(
                "Score a customer",
                "Enter a customer's figures to see the segment the model puts them in, how "
                "close they are to each segment and how likely they are to churn.",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        section_card(
                            "Customer",
                            [
                                dbc.Form(form(model), id=ids.SCORE_FORM),
                                dbc.Button(
                                    "Score",
                                    id=ids.SCORE_SUBMIT,
                                    color="primary",
                                    className="mt-1",
                                    disabled=model is None,
                                ),
                                html.Div(id=ids.SCORE_ERROR, className="mt-2"),
                                html.P(
                                    [
                                        "The same scoring as JSON: ",
                                        html.Code("POST /api/score"),
                                        " (fields as above; see ",
                                        html.Code("GET /api/score"),
                                        ").",
                                    ],
                                    className="small text-muted mt-2 mb-0",
                                ),
                            ],
                        ),
                        lg=4,
                        className="mb-3",
                    ),
                    dbc.Col(
                        [
                            html.Div(id=ids.SCORE_RESULT, className="mb-3"),
                            dbc.Row(
                                [
                                    dbc.Col(
                                        chart_card(
                                            "How close to each segment", ids.SCORE_DISTANCES, 300
                                        ),
                                        md=6,
                                        className="mb-3",
                                    ),
                                    dbc.Col(
                                        chart_card(
                                            "Where the customer falls among the covered customers",
                                            ids.SCORE_PROJECTION,
                                            300,
                                        ),
                                        md=6,
                                        className="mb-3",
                                    ),
                                ],
                                className="g-3",
                            ),
                        ],
                        lg=8,
                    ),
                ],
                className="g-3",
            ),
        ]
    )


# -- the answer -------------------------------------------------------------------------------------
def payload_of(values: list[Any], field_ids: list[dict[str, str]]) -> dict[str, Any]:
    """The form's non-blank values by field name (blank optional fields are left out)."""
    payload: dict[str, Any] = {}
    for value, field_id in zip(values, field_ids, strict=True):
        if value is None or value == "":
            continue
        payload[field_id["index"]] = value
    return payload


def result_card(result: dict[str, Any], colors: dict[str, str]) -> dbc.Card:
    color = color_of(colors, result["segment"])
    segment = [
        html.H6("Predicted segment", className="text-muted text-uppercase small"),
        html.Div(
            [
                html.Span(className="segment-dot me-2", style={"backgroundColor": color}),
                html.Span(result["segment"], className="h4 fw-semibold", id=ids.SCORE_SEGMENT),
            ]
        ),
        html.P(result.get("description") or "", className="small mb-1"),
        html.P(
            f"Segment {result['segment_id']} of model run {result['run_id']}.",
            className="small text-muted mb-0",
        ),
    ]
    if result.get("churn_probability") is not None:
        band = result.get("risk_band") or "unknown"
        churn = [
            html.H6("Churn probability", className="text-muted text-uppercase small"),
            html.Div(
                fmt_pct(result["churn_probability"]),
                className="display-6 fw-semibold",
                id=ids.SCORE_CHURN,
            ),
            dbc.Badge(f"{band} risk", color=RISK_BADGE.get(band, "secondary"), className="mb-1"),
            html.P(
                f"No purchase in the next {result.get('horizon_days', '?')} days.",
                className="small text-muted mb-0",
            ),
        ]
    else:
        churn = [
            html.H6("Churn probability", className="text-muted text-uppercase small"),
            html.P(
                result.get("churn_note") or "No churn model in this run.",
                className="small text-muted mb-0",
                id=ids.SCORE_CHURN,
            ),
        ]
    assumed = result.get("assumed") or {}
    assumed_text = (
        "Assumed (base median, not given): "
        + "; ".join(f"{feature_label(k).lower()} {_number_text(v)}" for k, v in assumed.items())
        if assumed
        else "Every input was given."
    )
    return dbc.Card(
        dbc.CardBody(
            [
                dbc.Row([dbc.Col(segment, md=7), dbc.Col(churn, md=5)], className="g-3"),
                html.P(assumed_text, className="small text-muted mt-2 mb-0"),
            ]
        ),
        className="shadow-sm score-result",
    )


def score_outputs(
    store: object, values: list[Any], field_ids: list[dict[str, str]]
) -> tuple[Any, ...]:
    """(result card, distances, projection, invalid flags, messages, error) for the form."""
    n = len(field_ids)
    invalid, messages = [False] * n, [""] * n
    model = _model()
    if model is None:
        empty = empty_figure("No model run yet")
        alert = dbc.Alert("No model run yet: run `segmenta model` first.", color="warning")
        return None, empty, empty, invalid, messages, alert
    try:
        result = model.score(payload_of(values, field_ids))
    except ScoringInputError as exc:
        field = api.field_of(exc)
        names = [f["index"] for f in field_ids]
        if field in names:
            invalid[names.index(field)] = True
            messages[names.index(field)] = str(exc).split(": ", 1)[-1]
        empty = empty_figure("Correct the form to see the answer")
        alert = dbc.Alert(
            f"Not scored: {exc}.", color="danger", className="small py-2", id=ids.SCORE_ERROR_ALERT
        )
        return None, empty, empty, invalid, messages, alert
    filters, options = current_filters(store)
    colors = segment_colors(options.segments)
    sample = q.projection_sample(state.reader(), filters, q.SCORE_BACKGROUND_POINTS)
    return (
        result_card(result, colors),
        distances_figure(result, colors),
        projection_figure(sample, result, colors, list(options.segments)),
        invalid,
        messages,
        None,
    )


# -- callbacks -------------------------------------------------------------------------------------
def register_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output(ids.SCORE_RESULT, "children"),
        Output(ids.SCORE_DISTANCES, "figure"),
        Output(ids.SCORE_PROJECTION, "figure"),
        Output(ids.SCORE_FIELDS, "invalid"),
        Output(ids.SCORE_FEEDBACKS, "children"),
        Output(ids.SCORE_ERROR, "children"),
        Input(ids.SCORE_SUBMIT, "n_clicks"),
        Input(ids.FILTER_STORE, "data"),
        State(ids.SCORE_FIELDS, "value"),
        State(ids.SCORE_FIELDS, "id"),
    )
    def score(
        _n_clicks: object, store: object, values: list[Any], field_ids: list[dict[str, str]]
    ) -> tuple[Any, ...]:
        if store is None:
            raise dash.exceptions.PreventUpdate
        return score_outputs(store, values or [], field_ids or [])
