"""The weighted tables of an analysis (``--weight``, ``--rake``): the weights, each item's
unweighted counts beside its weighted percentages, the components, and the Rao-Scott tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from cipp.model.results import Results
from cipp.model.weights import WeightedShare, Weighting
from cipp.render.document import COUNT, DECIMAL, PERCENT, Number, Table
from cipp.render.numbers import COMPONENT_NAMES, count, missing, number, percent
from cipp.render.tabular import (
    Cell,
    count_cell,
    decimal_cell,
    level_table_what,
    make_table,
    n_percent_cell,
    p_cell,
)

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


def share_cell(share: WeightedShare, decimals: int) -> Cell:
    """'82.1 [75.6, 87.2]', held as the three numbers."""
    text = (
        f"{percent(share.percent, decimals)} "
        f"[{percent(share.ci_low, decimals)}, {percent(share.ci_high, decimals)}]"
    )
    values = [None if missing(v) else v for v in (share.percent, share.ci_low, share.ci_high)]
    heads = ("%", "CI low", "CI high")
    return (
        text,
        tuple(Number(v, PERCENT, decimals, head=h) for v, h in zip(values, heads, strict=True)),
    )


def weights_table(weighting: Weighting) -> Table:
    s = weighting.summary
    rows: list[Sequence[str | Cell]] = [
        ("Weights", s.source),
        ("Respondents (n)", count_cell(s.n)),
        ("Sum of weights", decimal_cell(s.sum, 1)),
        ("Effective n (Kish)", decimal_cell(s.effective_n, 1)),
        ("Design effect of weighting", decimal_cell(s.design_effect, 3)),
    ]
    if s.raking is not None:
        rows.append(
            ("Raking", f"{s.raking.iterations} sweeps; margins within {s.raking.max_error:.1e}")
        )
    table = make_table("Weights", ("", "Value"), rows, key="weights")
    return replace(table, sheet="Weights", first_min=24)


def weighted_item_tables(results: Results, decimals: int) -> list[Table]:
    weighting = results.weighting
    assert weighting is not None
    by_id = {item.id: item for item in weighting.items}
    tables = []
    for number_, table in enumerate(results.tables(), start=1):
        rows: list[Sequence[str | Cell]] = []
        for summary in table.items:
            weighted = by_id[summary.id]
            cells = [
                n_percent_cell(
                    level.share.n,
                    None if missing(level.share.percent) else level.share.percent,
                    decimals,
                )
                for level in weighted.levels
            ]
            rows.append(
                (
                    summary.text,
                    *cells,
                    count_cell(summary.n_valid),
                    share_cell(weighted.positive, decimals),
                )
            )
        what = level_table_what(results, table)
        item_table = make_table(
            f"Weighted Table {number_}. {results.instrument.title}: {what}, n (weighted %)",
            ("Item", *table.columns, "n", "Weighted % positive [95% CI]"),
            rows,
            (INTERVAL_NOTE,),
            key=f"weighted{number_}",
        )
        tables.append(replace(item_table, sheet=f"Weighted {number_}"))
    component_rows: list[Sequence[str | Cell]] = [
        (
            COMPONENT_NAMES[c.component],
            (
                f"{count(c.positive.n)} of {count(c.positive.of)}",
                (
                    Number(c.positive.n, COUNT, head="positive"),
                    Number(c.positive.of, COUNT, head="of"),
                ),
            ),
            share_cell(c.positive, decimals),
        )
        for c in weighting.components
    ]
    components = make_table(
        "Weighted CIPP components: positive answers (unweighted) and weighted % positive",
        ("Component", "Positive answers", "Weighted % positive [95% CI]"),
        component_rows,
        ("Weighted % positive: a ratio of weighted totals (svyratio), logit interval.",),
        key="weighted_components",
    )
    tables.append(replace(components, sheet="Weighted components"))
    return tables


def rao_scott_table(results: Results) -> Table | None:
    tests = [t for t in results.associations if t.rao_scott is not None]
    if not tests:
        return None
    rows: list[Sequence[str | Cell]] = []
    for t in tests:
        if t.rao_scott is None:
            rows.append((t.text, t.by_label, "–", "–", "–"))
            continue
        r = t.rao_scott
        df_cell: Cell = (
            f"{number(r.df_num, 2)}, {number(r.df_den, 1)}",
            (Number(r.df_num, DECIMAL, 2, head="num"), Number(r.df_den, DECIMAL, 1, head="den")),
        )
        rows.append((t.text, t.by_label, decimal_cell(r.statistic, 2), df_cell, p_cell(r.p)))
    table = make_table(
        "Weighted tests of association (Rao-Scott)",
        ("Item", "By", "F", "df", "p"),
        rows,
        (RAO_SCOTT_NOTE,),
        key="rao_scott",
    )
    return replace(table, sheet="Rao-Scott")


def weighted_tables(results: Results, decimals: int = 1) -> list[Table]:
    """Every weighted table of ``results`` (none without weights)."""
    if results.weighting is None:
        return []
    tables = [weights_table(results.weighting), *weighted_item_tables(results, decimals)]
    tests = rao_scott_table(results)
    if tests is not None:
        tables.append(tests)
    return tables
