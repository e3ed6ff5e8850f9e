"""The weighted tables of an analysis (``--weight``, ``--rake``): the weights, each item's
unweighted counts beside its weighted percentages, the components, and the Rao-Scott tests.
"""

from __future__ import annotations

from cipp.model.results import Results
from cipp.model.weights import WeightedShare, Weighting
from cipp.render.document import Table
from cipp.render.numbers import COMPONENT_NAMES, number, percent
from cipp.render.tabular import format_p_cell

INTERVAL_NOTE = (
    "Weighted % with design-based 95% CIs by linearisation, as R's svyciprop(method = "
    '"logit") on svydesign(ids = ~1, weights = ~w), over the respondents who answered '
    "(t quantile on n - 1 df); the weights are treated as fixed, raked ones too. "
    "n: unweighted counts."
)
RAO_SCOTT_NOTE = (
    "Rao-Scott second-order corrected F test of the weighted table, as R's "
    'survey::svychisq(statistic = "F"); the unweighted tests are in the tests of association.'
)


def share_cell(share: WeightedShare, decimals: int) -> str:
    """'82.1 [75.6, 87.2]'."""
    return (
        f"{percent(share.percent, decimals)} "
        f"[{percent(share.ci_low, decimals)}, {percent(share.ci_high, decimals)}]"
    )


def weights_table(weighting: Weighting) -> Table:
    s = weighting.summary
    rows = [
        ("Weights", s.source),
        ("Respondents (n)", str(s.n)),
        ("Sum of weights", number(s.sum, 1)),
        ("Effective n (Kish)", number(s.effective_n, 1)),
        ("Design effect of weighting", number(s.design_effect, 3)),
    ]
    if s.raking is not None:
        rows.append(
            ("Raking", f"{s.raking.iterations} sweeps; margins within {s.raking.max_error:.1e}")
        )
    return Table(
        "Weights", ("", "Value"), tuple(rows), key="weights", sheet="Weights", first_min=24
    )


def weighted_item_tables(results: Results, decimals: int) -> list[Table]:
    weighting = results.weighting
    assert weighting is not None
    by_id = {item.id: item for item in weighting.items}
    tables = []
    for number_, table in enumerate(results.tables(), start=1):
        rows = []
        for summary in table.items:
            weighted = by_id[summary.id]
            cells = [
                f"{level.share.n} ({percent(level.share.percent, decimals)})"
                for level in weighted.levels
            ]
            rows.append(
                (
                    summary.text,
                    *cells,
                    str(summary.n_valid),
                    share_cell(weighted.positive, decimals),
                )
            )
        tables.append(
            Table(
                f"Weighted Table {number_}. {results.instrument.title}: n (weighted %)",
                ("Item", *table.columns, "n", "Weighted % positive [95% CI]"),
                tuple(rows),
                (INTERVAL_NOTE,),
                key=f"weighted{number_}",
                sheet=f"Weighted {number_}",
            )
        )
    rows = [
        (
            COMPONENT_NAMES[c.component],
            f"{c.positive.n} of {c.positive.of}",
            share_cell(c.positive, decimals),
        )
        for c in weighting.components
    ]
    tables.append(
        Table(
            "Weighted CIPP components: positive answers (unweighted) and weighted % positive",
            ("Component", "Positive answers", "Weighted % positive [95% CI]"),
            tuple(rows),
            ("Weighted % positive: a ratio of weighted totals (svyratio), logit interval.",),
            key="weighted_components",
            sheet="Weighted components",
        )
    )
    return tables


def rao_scott_table(results: Results) -> Table | None:
    tests = [t for t in results.associations if t.rao_scott is not None]
    if not tests:
        return None
    rows = tuple(
        (
            t.text,
            t.by_label,
            number(t.rao_scott.statistic, 2) if t.rao_scott else "–",
            f"{number(t.rao_scott.df_num, 2)}, {number(t.rao_scott.df_den, 1)}"
            if t.rao_scott
            else "–",
            format_p_cell(t.rao_scott.p) if t.rao_scott else "–",
        )
        for t in tests
    )
    return Table(
        "Weighted tests of association (Rao-Scott)",
        ("Item", "By", "F", "df", "p"),
        rows,
        (RAO_SCOTT_NOTE,),
        key="rao_scott",
        sheet="Rao-Scott",
    )


def weighted_tables(results: Results, decimals: int = 1) -> list[Table]:
    """Every weighted table of ``results`` (none without weights)."""
    if results.weighting is None:
        return []
    tables = [weights_table(results.weighting), *weighted_item_tables(results, decimals)]
    tests = rao_scott_table(results)
    if tests is not None:
        tables.append(tests)
    return tables
