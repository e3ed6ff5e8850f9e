"""JSON: the one serializer from cipp's result records to the documented JSON contract.

:func:`to_dict` turns any result record (an analysis, a batch, an evaluation, a test...)
into plain JSON-ready values: numbers unrounded, NaN and infinities as null, tuples as
lists. Records without a rule of their own are written field by field, in field order.
The README documents the keys; a test asserts that the CLI's JSON equals ``to_dict``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

from cipp import __version__
from cipp.model.findings import SHOWN
from cipp.model.instrument import COMPONENTS
from cipp.model.joint import Evaluation, GroupVoices, JointDisplay, JointRow, Recommendation
from cipp.model.nonresponse import GroupResponse, ItemNonresponse, Nonresponse
from cipp.model.paired import Comparison, PairedItem
from cipp.model.qualitative import (
    KRIPPENDORFF_RELIABLE,
    KRIPPENDORFF_TENTATIVE,
    LANDIS_KOCH,
    AgreementResults,
    CodeAgreement,
    ThemeInGroup,
    ThemeResults,
)
from cipp.model.results import (
    AssociationSummary,
    AssociationTest,
    CategoryCount,
    ComponentSummary,
    ItemSummary,
    LevelCount,
    Participation,
    Proportion,
    Results,
)
from cipp.model.tests import ContingencyResult
from cipp.model.trends import BatchResults, Change, Trend, TrendPoint, Trends
from cipp.model.weights import WeightedShare, Weighting
from cipp.render.apa import apa_chi_square, apa_goodness_of_fit, apa_linear_by_linear
from cipp.render.document import Document
from cipp.render.prose import (
    agreement_methods,
    association_sentences,
    chosen_test_reason,
    contingency_notes,
    expected_note,
    significant_test_line,
    trend_rule,
)


def plain(value: Any) -> Any:
    """JSON-ready values: NaN and infinities -> None, tuples -> lists, numpy scalars ->
    Python numbers, Paths -> text; dataclasses field by field (see :func:`to_dict`)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, Path):
        return str(value)
    if is_dataclass(value) and not isinstance(value, type):
        return to_dict(value)
    item = getattr(value, "item", None)  # a numpy scalar
    if callable(item):
        return plain(item())
    return value


def _fields(record: Any) -> dict[str, Any]:
    return {f.name: plain(getattr(record, f.name)) for f in fields(record)}


def _contingency(result: ContingencyResult) -> dict[str, Any]:
    """The facts of the test with the sentences about them (``expected_note``,
    ``test_reason``, ``notes``), then ``p_value_used`` and ``effect_size``."""
    r = result
    return plain(
        {
            "testable": r.testable,
            "reason": r.reason,
            "n": r.n,
            "row_labels": r.row_labels,
            "col_labels": r.col_labels,
            "table": r.table,
            "dropped_rows": r.dropped_rows,
            "dropped_cols": r.dropped_cols,
            "statistic": r.statistic,
            "df": r.df,
            "p_value": r.p_value,
            "p_yates": r.p_yates,
            "expected": r.expected,
            "min_expected": r.min_expected,
            "cells_expected_below_5": r.cells_expected_below_5,
            "share_expected_below_5": r.share_expected_below_5,
            "expected_note": expected_note(r),
            "p_exact": r.p_exact,
            "exact_method": r.exact_method,
            "exact_resamples": r.exact_resamples,
            "exact_seed": r.exact_seed,
            "test_used": r.test_used,
            "test_reason": chosen_test_reason(r),
            "cramers_v": r.cramers_v,
            "cramers_v_corrected": r.cramers_v_corrected,
            "bias_corrected": r.bias_corrected,
            "ordinal": r.ordinal,
            "row_scores": r.row_scores,
            "col_scores": r.col_scores,
            "linear_by_linear": r.linear_by_linear,
            "p_linear_by_linear": r.p_linear_by_linear,
            "notes": contingency_notes(r),
            "residuals": r.residuals,
            "p_value_used": r.p_value_used,
            "effect_size": r.effect_size,
        }
    )


#: Fields of a ContingencyResult that an association's JSON writes in other words (the
#: table, dropped_columns, the rules in test_reason) or leaves out; any other field, a
#: new statistic's included, is written under its own name after the documented keys.
_ASSOCIATION_OMITS = {
    "many_expected_below_5",
    "any_expected_below_1",
    "row_labels",
    "col_labels",
    "dropped_cols",
    "expected",
    "bias_corrected",
    "ordinal",
    "row_scores",
    "col_scores",
}


def _association(test: AssociationTest) -> dict[str, Any]:
    r = test.result
    two_by_two = r.testable and len(r.row_labels) == 2 and len(r.col_labels) == 2
    document: dict[str, Any] = plain(
        {
            "item": test.item,
            "text": test.text,
            "level": test.level,
            "component": test.component,
            "by": test.by,
            "by_label": test.by_label,
            "collapsed": test.collapsed,
            "testable": r.testable,
            "reason": r.reason,
            "n": r.n,
            "table": {
                "rows": list(r.row_labels),
                "columns": list(r.col_labels),
                "counts": [list(row) for row in r.table],
            },
            "dropped_rows": list(r.dropped_rows),
            "dropped_columns": list(r.dropped_cols),
            "statistic": r.statistic,
            "df": r.df,
            "p_value": r.p_value,
            "p_yates": r.p_yates if two_by_two else None,
            "p_exact": r.p_exact if r.exact_method is not None else None,
            "exact_method": r.exact_method,
            "exact_resamples": r.exact_resamples,
            "exact_seed": r.exact_seed,
            "p_used": r.p_value_used,
            "p_adjusted": test.p_adjusted,
            "significant": test.significant,
            "significant_adjusted": test.significant_adjusted,
            "cramers_v": r.cramers_v,
            "cramers_v_corrected": r.cramers_v_corrected,
            "min_expected": r.min_expected,
            "cells_expected_below_5": r.cells_expected_below_5,
            "share_expected_below_5": r.share_expected_below_5,
            "expected_note": expected_note(r),
            "test_used": r.test_used,
            "test_reason": chosen_test_reason(r),
            "linear_by_linear": r.linear_by_linear,
            "p_linear_by_linear": r.p_linear_by_linear,
            "notes": list(contingency_notes(r)),
            "apa": apa_chi_square(r),
            "apa_trend": apa_linear_by_linear(r) if r.ordinal and r.testable else None,
            "positive_by_group": [
                {"group": group, **_proportion(share)} for group, share in test.positive_by_group
            ],
            "residuals": [list(row) for row in r.residuals],
            "cells_driving": [_fields(cell) for cell in test.cells_driving],
        }
    )
    for f in fields(r):
        if f.name not in document and f.name not in _ASSOCIATION_OMITS:
            document[f.name] = plain(getattr(r, f.name))
    if test.rao_scott is not None:
        document["rao_scott"] = _fields(test.rao_scott)
    if test.masks or test.positive_masks:
        _mask_association(document, test)
    return document


def _mask_association(document: dict[str, Any], test: AssociationTest) -> None:
    """Under disclosure control: masked counts null (``masked`` true), the statistics of
    a table with a masked cell withheld (``suppressed`` true)."""
    if test.masks:
        table = document["table"]
        table["masked"] = [[mask != SHOWN for mask in row] for row in test.masks]
        table["counts"] = [
            [None if mask != SHOWN else n for n, mask in zip(counts, masks, strict=True)]
            for counts, masks in zip(table["counts"], test.masks, strict=True)
        ]
        document["apa"] = "suppressed (a count below the disclosure threshold)"
        document["apa_trend"] = None
        document["test_reason"] = None
        document.pop("rao_scott", None)
    for entry, mask in zip(document["positive_by_group"], test.positive_masks, strict=True):
        entry["masked"] = mask != SHOWN
        if mask != SHOWN:
            entry.update(k=None, n=None, percent=None, ci_low=None, ci_high=None)
    document["suppressed"] = test.suppressed


def _summary(summary: AssociationSummary, tests: tuple[AssociationTest, ...]) -> dict[str, Any]:
    return plain(
        {
            "tests": summary.tests,
            "not_testable": summary.not_testable,
            "suppressed": summary.suppressed,
            "significant": summary.significant,
            "significant_adjusted": summary.significant_adjusted,
            "adjust": summary.adjust,
            "alpha": summary.alpha,
            "collapsed": summary.collapsed,
            "by": summary.by,
            "sentences": association_sentences(summary, tests),
        }
    )


def _participation(fit: Participation) -> dict[str, Any]:
    document = {
        "column": fit.column,
        "label": fit.label,
        **_fields(fit.result),
        "apa": apa_goodness_of_fit(fit.result),
    }
    if fit.masks:
        document["observed"] = [
            None if mask != SHOWN else n
            for n, mask in zip(fit.result.observed, fit.masks, strict=True)
        ]
        document["masked"] = [mask != SHOWN for mask in fit.masks]
        document["suppressed"] = fit.suppressed
        if fit.suppressed:
            document["apa"] = "suppressed (a count below the disclosure threshold)"
    return document


def _counted(record: LevelCount | CategoryCount) -> dict[str, Any]:
    """A level's or category's count, null with ``masked`` true under disclosure control."""
    document = _fields(record)
    document["masked"] = record.masked != SHOWN
    if record.masked != SHOWN:
        document["n"] = None
    return document


def _summary_record(summary: ItemSummary | ComponentSummary) -> dict[str, Any]:
    """An item's or component's summary; its positive count withheld with the rest."""
    document = _fields(summary)
    if summary.suppressed:
        document["positive"]["k"] = None
    return document


def _item_nonresponse(item: ItemNonresponse) -> dict[str, Any]:
    return {
        "id": item.id,
        "asked": item.asked,
        "answered": item.answered,
        "missing": item.missing,
        "declared_missing": dict(item.declared_missing),
    }


def _group_response(group: GroupResponse) -> dict[str, Any]:
    """One group's response; under disclosure control a masked group's counts are null
    (``masked`` true), as its size is in the demographics table."""
    if group.masked != SHOWN:
        hidden: dict[str, Any] = {
            "asked": None,
            "answered": None,
            "missing": None,
            "declared_missing": {},
        }
        return {
            "group": group.group,
            "respondents": None,
            "roster": group.roster,
            "response_rate": None,
            "items": [{"id": item.id, **hidden} for item in group.items],
            "masked": True,
        }
    return {
        "group": group.group,
        "respondents": group.respondents,
        "roster": group.roster,
        "response_rate": group.response_rate,
        "items": [_item_nonresponse(item) for item in group.items],
    }


def _nonresponse(found: Nonresponse) -> dict[str, Any]:
    """``nonresponse``: respondents against the roster, items, and the same by group."""
    return plain(
        {
            "respondents": found.respondents,
            "roster": found.roster,
            "response_rate": found.response_rate,
            "items": [_item_nonresponse(item) for item in found.items],
            "by_group": [
                {
                    "by": grouping.by,
                    "label": grouping.label,
                    "groups": [_group_response(group) for group in grouping.groups],
                    "participation": (
                        {**_fields(grouping.fit), "apa": apa_goodness_of_fit(grouping.fit)}
                        if grouping.fit is not None
                        else None
                    ),
                }
                for grouping in found.by_group
            ],
        }
    )


def _results(results: Results) -> dict[str, Any]:
    """The JSON document of ``cipp analyze --format json``."""
    document: dict[str, Any] = {
        "cipp_version": __version__,
        "instrument": {"id": results.instrument.id, "title": results.instrument.title},
        "source": {"file": results.source, "sheet": results.sheet},
        "n_respondents": results.n_respondents,
        "confidence": results.confidence,
        "items": plain(results.items),
        "components": plain(results.components),
        "demographics": plain(results.demographics),
        "invalid_cells": plain(results.invalid_cells),
        "items_not_asked": list(results.items_not_asked),
        "notes": list(results.notes),
    }
    summary = results.association_summary
    if results.associations or summary is not None:
        document["associations"] = [_association(a) for a in results.associations]
        if summary is not None:
            document["association_summary"] = _summary(summary, results.associations)
    if results.goodness_of_fit is not None:
        document["goodness_of_fit"] = _participation(results.goodness_of_fit)
    if results.nonresponse is not None:
        document["nonresponse"] = _nonresponse(results.nonresponse)
    if results.wave is not None:
        document["wave"] = _fields(results.wave)
    if results.weighting is not None:
        _weighted(document, results.weighting)
    return document


def _share(share: WeightedShare) -> dict[str, Any]:
    return plain(
        {"percent": share.percent, "ci_low": share.ci_low, "ci_high": share.ci_high,
         "se": share.se}
    )  # fmt: skip


def _weighted(document: dict[str, Any], weighting: Weighting) -> None:
    """``weights`` at the top; each item's levels and positive share, and each
    component's, gain their weighted percent and design-based 95% interval beside the
    unweighted counts."""
    summary = weighting.summary
    document["weights"] = plain(
        {
            "source": summary.source,
            "n": summary.n,
            "sum": summary.sum,
            "effective_n": summary.effective_n,
            "design_effect": summary.design_effect,
            "raking": _fields(summary.raking) if summary.raking is not None else None,
            "interval": "svyciprop(method = 'logit'), svydesign(ids = ~1, weights = ~w)",
        }
    )
    by_id = {item.id: item for item in weighting.items}
    for entry in document["items"]:
        weighted = by_id.get(entry["id"])
        if weighted is None:
            continue
        for level, share in zip(entry["levels"], weighted.levels, strict=True):
            level.update({f"weighted_{k}": v for k, v in _share(share.share).items()})
        entry["weighted_positive"] = _share(weighted.positive)
    by_component = {c.component: c for c in weighting.components}
    for entry in document["components"]:
        found = by_component.get(entry["component"])
        if found is not None:
            entry["weighted_positive"] = _share(found.positive)


def _point(point: TrendPoint) -> dict[str, Any]:
    return plain(
        {
            "wave": point.wave,
            "asked": point.asked,
            "n": point.n,
            "positive_percent": point.positive_percent,
            "top_percent": point.top_percent,
            "mean": point.mean,
            "mostly_positive_percent": point.mostly_positive_percent,
            "previous_wave": point.previous_wave,
            "change_from_previous": {
                "positive_percent": point.positive_change,
                "top_percent": point.top_change,
                "mean": point.mean_change,
            },
        }
    )


def _change_json(change: Change) -> dict[str, Any]:
    return plain(
        {
            "from": change.from_wave,
            "to": change.to_wave,
            "difference": change.difference,
            "ci_low": change.ci_low,
            "ci_high": change.ci_high,
            "significant": change.significant,
            "direction": change.direction,
        }
    )


def _trend(trend: Trend) -> dict[str, Any]:
    test = None
    if trend.test is not None:
        test = _contingency(trend.test)
        test["apa"] = apa_chi_square(trend.test)
        test["apa_trend"] = apa_linear_by_linear(trend.test)
        if trend.masks:
            test["table"] = [
                [None if mask != SHOWN else n for n, mask in zip(counts, masks, strict=True)]
                for counts, masks in zip(test["table"], trend.masks, strict=True)
            ]
            test["masked"] = [[mask != SHOWN for mask in row] for row in trend.masks]
            test["apa"] = "suppressed (a count below the disclosure threshold)"
            test["apa_trend"] = None
        test["suppressed"] = trend.suppressed
    return plain(
        {
            "level": trend.level,
            "id": trend.id,
            "text": trend.text,
            "component": trend.component,
            "scale": trend.scale,
            "kind": trend.kind,
            "positive_label": trend.positive_label,
            "waves": [_point(point) for point in trend.points],
            "waves_asked": list(trend.waves_asked),
            "first_wave": trend.first_wave,
            "last_wave": trend.last_wave,
            "change": {
                "positive_percent": trend.positive_change,
                "top_percent": trend.top_change,
                "mean": trend.mean_change,
            },
            "direction": trend.direction,
            "overall_change": _change_json(trend.overall) if trend.overall else None,
            "changes": [_change_json(change) for change in trend.changes],
            "test": test,
            "p_value": trend.test.p_value_used if trend.test is not None else math.nan,
            "p_trend": trend.test.p_linear_by_linear if trend.test is not None else math.nan,
            "p_adjusted": trend.p_adjusted,
            "significant": trend.significant,
            "notes": list(trend.notes),
        }
    )


def _trends(trends: Trends) -> dict[str, Any]:
    return {
        "waves": list(trends.waves),
        "rule": trend_rule(trends),
        "min_change": trends.min_change,
        "confidence": trends.confidence,
        "alpha": trends.alpha,
        "adjust": trends.adjust,
        "collapsed": trends.collapsed,
        "tests": trends.tests,
        "items": [_trend(t) for t in trends.items],
        "components": [_trend(t) for t in trends.components],
    }


def _batch(batch: BatchResults) -> dict[str, Any]:
    """summary.json of ``cipp batch``: every wave's full analysis, the trends, the errors."""
    return {
        "cipp_version": __version__,
        "instrument": {"id": batch.instrument.id, "title": batch.instrument.title},
        "inputs": [str(path) for path in batch.inputs],
        "split_by": batch.split_by,
        "notes": list(batch.notes),
        "waves": {name: _results(results) for name, results in batch.waves.items()},
        "trends": _trends(batch.trends),
        "errors": dict(batch.errors),
    }


def _joint_row(row: JointRow) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for theme in row.themes:
        groups.setdefault(theme.group, []).append(
            {
                "theme": theme.theme,
                "name": theme.name,
                "valence": theme.valence,
                "participants": theme.participants,
                "of_participants": theme.of_participants,
                "quote": theme.quote,
                "quote_label": theme.quote_label,
            }
        )
    return {
        "component": row.component,
        "quantitative": {
            "positive_percent": row.positive_percent,
            "surveys": [
                {
                    "instrument": s.instrument,
                    "title": s.title,
                    "n_respondents": s.n_respondents,
                    "positive_percent": s.positive_percent,
                    "n_answers": s.n_answers,
                    "items": [{"id": i, "text": t, "positive_percent": p} for i, t, p in s.items],
                    "significant_tests": [significant_test_line(t) for t in s.significant],
                }
                for s in row.surveys
            ],
        },
        "themes": groups,
        "positive_voices": row.positive_voices,
        "negative_voices": row.negative_voices,
        "proposed_fit": row.proposed_fit,
        "fit": row.fit,
        "fit_source": row.fit_source,
        "reason": row.reason,
        "meta_inference": row.meta_inference,
    }


def _code_agreement(row: CodeAgreement) -> dict[str, Any]:
    return plain(
        {
            "code": row.code,
            "name": row.name,
            "theme": row.theme,
            "units": row.units,
            "prevalence": dict(row.prevalence),
            "percent_agreement": row.percent_agreement,
            "kappa": row.kappa,
            "alpha": row.alpha,
            "ac1": row.ac1,
            "brennan_prediger": row.brennan_prediger,
            "disagreements": row.disagreements,
            "kappa_band": row.kappa_band,
            "alpha_band": row.alpha_band,
        }
    )


def _agreement(results: AgreementResults) -> dict[str, Any]:
    """The ``agreement`` section: proportions 0-1, unrounded."""
    return plain(
        {
            "coders": results.coders,
            "units": results.units,
            "units_total": results.units_total,
            "kappa_statistic": results.kappa_statistic,
            "codes": [_code_agreement(code) for code in results.codes],
            "pooled": _code_agreement(results.pooled),
            "disagreements": results.disagreements,
            "thresholds": {
                "landis_koch": [{"upper": upper, "band": band} for upper, band in LANDIS_KOCH],
                "krippendorff": {
                    "reliable": KRIPPENDORFF_RELIABLE,
                    "tentative": KRIPPENDORFF_TENTATIVE,
                },
            },
            "methods": agreement_methods(results),
            "notes": results.notes,
        }
    )


def _theme_in_group(entry: ThemeInGroup) -> dict[str, Any]:
    """One theme in one group (``share`` 0-1, null when the group's size is unknown)."""
    return plain(
        {
            "group": entry.group,
            "segments": entry.segments,
            "participants": entry.participants,
            "of_participants": entry.of_participants,
            "share": entry.share if entry.of_participants else None,
            "sessions": entry.sessions,
            "of_sessions": entry.of_sessions,
            "participants_by_valence": dict(entry.participants_by_valence),
            "codes": entry.codes,
            "quotes": entry.quotes,
        }
    )


def _themes(results: ThemeResults) -> dict[str, Any]:
    """The ``themes`` section: groups with their sizes, themes in codebook order."""
    return plain(
        {
            "groups": results.groups,
            "components": COMPONENTS,
            "themes": results.themes,
            "quotes_per_code": results.quotes_per_code,
            "label_template": results.label_template,
            "coders": results.coders,
            "warnings": results.warnings,
            "notes": results.notes,
        }
    )


def _voices(groups: tuple[GroupVoices, ...]) -> list[dict[str, Any]]:
    return [{"group": g.group, "participants": g.participants, "of": g.of} for g in groups]


def _recommendation(recommendation: Recommendation) -> dict[str, Any]:
    """One recommendation with its evidence (``percent_positive`` 0-100, unrounded)."""
    return plain(
        {
            "id": recommendation.id,
            "text": recommendation.text,
            "component": recommendation.component,
            "source": recommendation.source,
            "themes": recommendation.themes,
            "groups": _voices(recommendation.groups),
            "weak_items": [
                {
                    "id": item.id,
                    "percent_positive": item.percent_positive,
                    "survey": item.survey,
                    "text": item.text,
                }
                for item in recommendation.weak_items
            ],
            "related_themes": [
                {"theme": t.theme, "name": t.name, "groups": _voices(t.groups)}
                for t in recommendation.related_themes
            ],
            "quote": recommendation.quote,
        }
    )


def _evaluation(evaluation: Evaluation) -> dict[str, Any]:
    """The JSON of ``cipp report --format json``."""
    return plain(
        {
            "surveys": [_results(results) for results in evaluation.surveys],
            "agreement": to_dict(evaluation.agreement),
            "themes": to_dict(evaluation.themes),
            "joint_display": [_joint_row(row) for row in evaluation.joint.rows],
            "recommendations": [_recommendation(r) for r in evaluation.recommendations],
            "notes": list(evaluation.notes),
        }
    )


def _paired(record: PairedItem) -> dict[str, Any]:
    """One item's (or component's) entry of ``paired`` in ``cipp compare``'s JSON."""
    return plain(
        {
            "item": record.item,
            "text": record.text,
            "level": record.level,
            "component": record.component,
            "n_pairs": record.n_pairs,
            "table": {
                "rows": record.labels,
                "columns": record.labels,
                "counts": record.table,
                "rows_are": "before",
            },
            "mcnemar": _fields(record.mcnemar),
            "marginal_homogeneity": _fields(record.marginal_homogeneity),
            "wilcoxon": _fields(record.wilcoxon),
            "positive": {"label": record.positive_label, **_fields(record.positive)},
            "mean_before": record.mean_before,
            "mean_after": record.mean_after,
        }
    )


def _comparison(comparison: Comparison) -> dict[str, Any]:
    """The JSON of ``cipp compare --format json``."""
    return {
        "cipp_version": __version__,
        "instrument": {"id": comparison.instrument.id, "title": comparison.instrument.title},
        "id_column": comparison.id_column,
        "n_pairs": comparison.n_pairs,
        "matching": {"before": _fields(comparison.before), "after": _fields(comparison.after)},
        "paired": [_paired(record) for record in comparison.items],
        "components": [_paired(record) for record in comparison.components],
        "items_not_compared": list(comparison.items_not_compared),
        "notes": list(comparison.notes),
    }


def _proportion(share: Proportion) -> dict[str, Any]:
    """``{k, n, percent, ci_low, ci_high}``, with ``n_effective`` where the interval rests
    on one (a component's answers pooled over respondents)."""
    document = {key: plain(getattr(share, key)) for key in ("k", "n", "percent", "ci_low")}
    document["ci_high"] = plain(share.ci_high)
    if share.n_effective is not None:
        document["n_effective"] = plain(share.n_effective)
    return document


_RULES: dict[type, Callable[[Any], Any]] = {
    Proportion: _proportion,
    Comparison: _comparison,
    PairedItem: _paired,
    Results: _results,
    AssociationTest: _association,
    Participation: _participation,
    ContingencyResult: _contingency,
    TrendPoint: _point,
    Trend: _trend,
    Trends: _trends,
    BatchResults: _batch,
    JointRow: _joint_row,
    LevelCount: _counted,
    CategoryCount: _counted,
    ItemSummary: _summary_record,
    ComponentSummary: _summary_record,
    JointDisplay: lambda joint: [_joint_row(row) for row in joint.rows],
    Evaluation: _evaluation,
    Recommendation: _recommendation,
    CodeAgreement: _code_agreement,
    AgreementResults: _agreement,
    ThemeInGroup: _theme_in_group,
    ThemeResults: _themes,
}


def to_dict(record: Any) -> Any:
    """The JSON contract of any cipp result record, as plain Python values."""
    rule = _RULES.get(type(record))
    if rule is not None:
        return rule(record)
    if is_dataclass(record) and not isinstance(record, type):
        return _fields(record)
    raise TypeError(f"no JSON form for {type(record).__name__}")


def render_json(record: Any) -> str:
    """``to_dict(record)`` as indented JSON text (UTF-8 characters kept, no NaN)."""
    return json.dumps(to_dict(record), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_json(document: Document, width: int = 0) -> str:
    """The JSON of the record a document was built from."""
    return render_json(document.data)
