"""The tidy CSV of one analysis: every number of its tables, findings and tests, one per
row, unrounded, in long form for scripts (R's read.csv, pandas) and spreadsheets.

Each row says what it holds in ``record``:

- ``level``: one level of one item (the LEVEL_COLUMNS), as Table 1 and Table 2 count it;
- ``test``: one test of association (the TEST_COLUMNS);
- ``positive``: an item's % positive: ``k`` of ``n`` valid answers, ``percent`` and its
  interval (``ci_low``, ``ci_high``); ``component_positive``: the same of a CIPP
  component, pooling its items' answers (``item`` holds the component's id);
- ``group_positive``: one group's % positive in an association (``by``, ``group``);
- ``cell``: one cell of an association's table: ``label`` the response level (or
  collapse group), ``group`` the column, ``n`` the count, ``percent`` its share of the
  group's answers, ``residual`` the adjusted standardised residual and ``driving`` true
  when it is one of the cells that drive a significant table;
- ``nonresponse``: one item's ``asked``, ``answered``, ``n_missing`` and
  ``declared_missing`` ("label: n; ..."), overall or in one ``group`` of ``by``;
- ``response``: respondents (``n``) against the roster (``roster``, ``response_rate``),
  overall or per group; ``participation``: the chi-square goodness of fit of a grouping's
  participation against the roster (``by``, ``statistic``, ``df``, ``p_used``);
- ``recommendation`` (``cipp report``): ``item`` its id, ``text``, ``component``,
  ``source``, ``raised_by``, ``weak_items``, ``related_themes``, ``quote``.

Under disclosure control a masked count is empty with ``masked`` true, and what it would
give away (percentages, residuals, k) is empty too, as in every other format.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from cipp.model.findings import SHOWN
from cipp.model.joint import Recommendation
from cipp.model.nonresponse import ItemNonresponse
from cipp.model.results import AssociationTest, Proportion, Results
from cipp.model.tests import GoodnessOfFit
from cipp.render.document import Records
from cipp.render.numbers import COMPONENT_NAMES
from cipp.render.prose import expected_note

#: The tidy CSV's columns of an item's level: one row per item and level, unrounded.
LEVEL_COLUMNS = (
    "item",
    "text",
    "component",
    "subtheme",
    "kind",
    "n_valid",
    "n_missing",
    "n_invalid",
    "code",
    "label",
    "n",
    "percent",
    "percent_of_respondents",
    "ci_low",
    "ci_high",
)

#: The columns of a test of association: one row per test after the levels' rows (whose
#: test columns are empty, as a test's level columns are), named as in the JSON where
#: the JSON has the number. ``test_of``: "item" or "component"; ``n_tested``: the
#: respondents in the table; ``v``: Cramér's V as reported (bias-corrected when asked
#: for); ``expected_note``: SPSS's footnote on expected counts; ``reason``: why a table
#: was not testable; ``suppressed``: statistics withheld under disclosure control.
TEST_COLUMNS = (
    "by",
    "test_of",
    "test_used",
    "exact_method",
    "n_tested",
    "statistic",
    "df",
    "p_used",
    "p_adjusted",
    "significant_adjusted",
    "v",
    "p_linear_by_linear",
    "cells_expected_below_5",
    "share_expected_below_5",
    "min_expected",
    "expected_note",
    "reason",
    "suppressed",
)

#: The columns of the findings beside the tables (see the module).
FINDING_COLUMNS = (
    "record",
    "group",
    "k",
    "residual",
    "driving",
    "masked",
    "asked",
    "answered",
    "declared_missing",
    "roster",
    "response_rate",
    "source",
    "raised_by",
    "weak_items",
    "related_themes",
    "quote",
)

#: The tidy CSV: every item's levels, every test, then the findings, unrounded.
CSV_COLUMNS = (*LEVEL_COLUMNS, *TEST_COLUMNS, *FINDING_COLUMNS)

#: With weights, each level's weighted percent and interval follow.
WEIGHTED_COLUMNS = ("weighted_percent", "weighted_ci_low", "weighted_ci_high")

_INDEX = {name: i for i, name in enumerate(CSV_COLUMNS)}


def row(**values: Any) -> tuple[Any, ...]:
    """A row of CSV_COLUMNS, empty but for ``values`` (named as the columns)."""
    out: list[Any] = [None] * len(CSV_COLUMNS)
    for name, value in values.items():
        out[_INDEX[name]] = value
    return tuple(out)


def _level_rows(results: Results) -> Iterator[tuple[Any, ...]]:
    for s in results.items:
        for level in s.levels:
            yield row(
                item=s.id,
                text=s.text,
                component=s.component,
                subtheme=s.subtheme,
                kind=s.kind,
                n_valid=s.n_valid,
                n_missing=s.n_missing,
                n_invalid=s.n_invalid,
                code=level.code,
                label=level.label,
                n=None if level.masked else level.n,
                percent=level.percent,
                percent_of_respondents=level.percent_of_respondents,
                ci_low=level.ci_low,
                ci_high=level.ci_high,
                record="level",
                masked=bool(level.masked) or None,
            )


def _test_row(test: AssociationTest) -> tuple[Any, ...]:
    """A test's row: its statistics, empty when it was not testable or is suppressed."""
    r = test.result
    shown = r.testable and not test.suppressed
    numbers: dict[str, Any] = {}
    if shown:
        numbers = {
            "n_tested": r.n,
            "statistic": r.statistic,
            "df": r.df,
            "p_used": r.p_value_used,
            "p_adjusted": test.p_adjusted,
            "significant_adjusted": test.significant_adjusted,
            "v": r.effect_size,
            "p_linear_by_linear": r.p_linear_by_linear if r.ordinal else None,
            "cells_expected_below_5": r.cells_expected_below_5,
            "share_expected_below_5": r.share_expected_below_5,
            "min_expected": r.min_expected,
            "expected_note": expected_note(r),
            "test_used": r.test_used,
            "exact_method": r.exact_method if r.test_used == "fisher exact" else None,
        }
    return row(
        item=test.item,
        text=test.text,
        component=test.component,
        by=test.by,
        test_of=test.level,
        reason=r.reason,
        suppressed=test.suppressed,
        record="test",
        **numbers,
    )


def _share(share: Proportion, withheld: bool) -> dict[str, Any]:
    """k of n with its percentage and interval; all empty but n when withheld."""
    if withheld:
        return {"n": None, "masked": True}
    return {
        "k": share.k,
        "n": share.n,
        "percent": share.percent,
        "ci_low": share.ci_low,
        "ci_high": share.ci_high,
    }


def _positive_rows(results: Results) -> Iterator[tuple[Any, ...]]:
    for s in results.items:
        yield row(
            item=s.id,
            text=s.text,
            component=s.component,
            kind=s.kind,
            record="positive",
            suppressed=s.suppressed,
            **_share(s.positive, s.suppressed),
        )
    for c in results.components:
        yield row(
            item=c.component,
            text=COMPONENT_NAMES.get(c.component, c.component),
            component=c.component,
            record="component_positive",
            suppressed=c.suppressed,
            **_share(c.positive, c.suppressed),
        )


def _association_rows(test: AssociationTest) -> Iterator[tuple[Any, ...]]:
    """One association's groups' % positive, then its table's cells."""
    subject = {"item": test.item, "text": test.text, "component": test.component}
    masks = test.positive_masks or (SHOWN,) * len(test.positive_by_group)
    for (group, share), mask in zip(test.positive_by_group, masks, strict=True):
        yield row(
            **subject,
            by=test.by,
            group=group,
            record="group_positive",
            **_share(share, mask != SHOWN),
        )
    r = test.result
    cells = test.masks or tuple((SHOWN,) * len(r.col_labels) for _ in r.row_labels)
    totals = [sum(counts[j] for counts in r.table) for j in range(len(r.col_labels))]
    driving = {(cell.row, cell.column) for cell in test.cells_driving}
    for i, label in enumerate(r.row_labels):
        for j, group in enumerate(r.col_labels):
            hidden = cells[i][j] != SHOWN
            n = r.table[i][j]
            yield row(
                **subject,
                by=test.by,
                test_of=test.level,
                group=group,
                label=label,
                n=None if hidden else n,
                percent=None if hidden or not totals[j] else 100 * n / totals[j],
                residual=r.residuals[i][j] if r.residuals and not hidden else None,
                driving=(label, group) in driving,
                masked=hidden or None,
                record="cell",
            )


def _nonresponse_item(item: ItemNonresponse, **where: Any) -> tuple[Any, ...]:
    declared = "; ".join(f"{label}: {n}" for label, n in item.declared_missing)
    return row(
        item=item.id,
        asked=item.asked,
        answered=item.answered,
        n_missing=item.missing,
        declared_missing=declared or None,
        record="nonresponse",
        **where,
    )


def _nonresponse_rows(results: Results) -> Iterator[tuple[Any, ...]]:
    found = results.nonresponse
    if found is None:
        return
    yield row(
        record="response",
        n=found.respondents,
        roster=found.roster,
        response_rate=found.response_rate,
    )
    for item in found.items:
        yield _nonresponse_item(item)
    for grouping in found.by_group:
        for group in grouping.groups:
            where = {"by": grouping.by, "group": group.group}
            if group.masked != SHOWN:  # its size is masked in the demographics table
                yield row(record="response", roster=group.roster, masked=True, **where)
                continue
            yield row(
                record="response",
                n=group.respondents,
                roster=group.roster,
                response_rate=group.response_rate,
                **where,
            )
            for item in group.items:
                yield _nonresponse_item(item, **where)
        if grouping.fit is not None:
            yield _participation_row(grouping.by, grouping.fit)


def _participation_row(by: str, fit: GoodnessOfFit) -> tuple[Any, ...]:
    """The chi-square goodness of fit of participation against the roster."""
    return row(
        record="participation",
        by=by,
        test_used="chi-square goodness of fit" if fit.testable else None,
        n_tested=fit.n if fit.testable else None,
        statistic=fit.statistic,
        df=fit.df,
        p_used=fit.p_value,
        min_expected=fit.min_expected,
        reason=fit.reason,
        suppressed=not fit.testable and bool(fit.reason and "disclosure" in fit.reason),
    )


def tidy_records(results: Results) -> Records:
    """Every level, every test, then the findings (see the module), in CSV_COLUMNS order;
    with weights, WEIGHTED_COLUMNS follow (filled on the levels' rows)."""
    levels = tuple(_level_rows(results))
    rest = (
        *(_test_row(test) for test in results.associations),
        *_positive_rows(results),
        *(cell for test in results.associations for cell in _association_rows(test)),
        *_nonresponse_rows(results),
    )
    if results.weighting is None:
        return Records(CSV_COLUMNS, levels + rest)
    # With weights: each level's weighted percent and interval beside its count.
    shares = [level.share for item in results.weighting.items for level in item.levels]
    weighted = tuple(
        (*line, s.percent, s.ci_low, s.ci_high) for line, s in zip(levels, shares, strict=True)
    )
    unweighted = tuple((*line, None, None, None) for line in rest)
    return Records((*CSV_COLUMNS, *WEIGHTED_COLUMNS), weighted + unweighted)


def _voices(groups: Any) -> str:
    return "; ".join(f"{g.group} {g.participants} of {g.of}" for g in groups)


def recommendation_row(recommendation: Recommendation) -> tuple[Any, ...]:
    """A recommendation with its evidence, each list as "a; b" text."""
    weak = "; ".join(
        f"{item.id} (not asked)"
        if math.isnan(item.percent_positive)
        else f"{item.id} ({item.percent_positive:.1f}% positive)"
        for item in recommendation.weak_items
    )
    related = "; ".join(
        f"{theme.name} ({_voices(theme.groups)})" if theme.groups else theme.name
        for theme in recommendation.related_themes
    )
    quote = recommendation.quote
    return row(
        item=recommendation.id,
        text=recommendation.text,
        component=recommendation.component,
        record="recommendation",
        source=recommendation.source,
        raised_by=_voices(recommendation.groups) or None,
        weak_items=weak or None,
        related_themes=related or None,
        quote=f"{quote.text} ({quote.label})" if quote is not None else None,
    )
