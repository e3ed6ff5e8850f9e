"""Findings of one analysis, computed before rendering (see cipp.model.findings): the
positive answers by group, the strongest and weakest item of each component, how large
each association is, and the masks that disclosure control (cipp.flow.disclosure) put on
the results."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

from cipp.model.findings import (
    COHEN_W,
    MAGNITUDES,
    SHOWN,
    SMALL_EFFECT,
    Breakdown,
    BreakdownRow,
    ComponentFinding,
    EffectSize,
    Findings,
    GroupShare,
)
from cipp.model.instrument import COMPONENTS
from cipp.model.results import AssociationTest, Results


def _breakdown_row(test: AssociationTest, groups: Sequence[str]) -> BreakdownRow:
    shares = dict(test.positive_by_group)
    masks = dict(
        zip((group for group, _ in test.positive_by_group), test.positive_masks, strict=False)
    )
    cells = tuple(
        GroupShare(group, shares[group].k, shares[group].n, masks.get(group, SHOWN))
        if group in shares
        else None
        for group in groups
    )
    return BreakdownRow(test.item, test.text, cells)


def breakdowns(results: Results, min_cell: int = 0) -> tuple[Breakdown, ...]:
    """Per grouping variable: each tested item's positive answers in each group.

    Read from the tested crosstabs (rows: levels or collapse groups; columns: groups).
    """
    out = []
    for by in dict.fromkeys(t.by for t in results.associations):
        tests = [
            t
            for t in results.associations
            if t.by == by and t.level == "item" and t.result.testable
        ]
        if not tests:
            continue
        groups = tuple(dict.fromkeys(g for t in tests for g in t.result.col_labels))
        rows = tuple(_breakdown_row(t, groups) for t in tests)
        out.append(Breakdown(by, tests[0].by_label, groups, rows))
    return tuple(out)


def cohen_thresholds(df_star: int) -> tuple[float, float, float]:
    """Cramér's V of Cohen's small, medium and large effect for a table whose smaller side
    has ``df_star`` + 1 levels: w = .10, .30, .50 over sqrt(df*), as V = w / sqrt(df*)
    (Cohen 1988, p. 223; at df* = 2: .07, .21, .35; at df* = 3: .06, .17, .29)."""
    if df_star < 1:
        raise ValueError(f"df_star must be at least 1, got {df_star}")
    root = math.sqrt(df_star)
    small, medium, large = (w / root for w in COHEN_W)
    return small, medium, large


def magnitude(v: float, df_star: int) -> str:
    """Cohen's name for ``v`` at ``df_star``: negligible (below small), small, medium or
    large; each threshold belongs to the larger name."""
    reached = sum(v >= threshold for threshold in cohen_thresholds(df_star))
    return MAGNITUDES[reached]


@lru_cache(maxsize=64)
def small_effect_n(df: int, alpha: float = 0.05, power: float = 0.80) -> int:
    """The n at which a chi-square test on ``df`` degrees of freedom finds a small effect
    (w = .10) significant at ``alpha`` with probability ``power``: the noncentrality
    lambda that gives that power, over w squared, rounded up. Agrees with Cohen's (1988)
    Table 7.4.6 within one (he rounds lambda to two decimals): 785 at df 1, 964 at df 2,
    1,090 at df 3, 1,194 at df 4."""
    # scipy.special's inverses, not scipy.stats: a run that only reports would otherwise pay
    # for importing scipy.stats (issue 18). chndtrinc inverts the noncentral CDF, so the
    # power (its upper tail) enters as 1 - power.
    from cipp.stats.tails import special

    critical = special().chdtri(df, alpha)
    lam = special().chndtrinc(critical, df, 1 - power)
    return math.ceil(lam / COHEN_W[0] ** 2)


def effect_size(test: AssociationTest, alpha: float = 0.05, position: int = 0) -> EffectSize:
    """The size of one testable association: its Cramér's V named by Cohen's thresholds
    for its table, and whether its significance comes from the sample size alone."""
    result = test.result
    df_star = min(len(result.row_labels), len(result.col_labels)) - 1
    v = result.effect_size
    named = magnitude(v, df_star)
    n_small = small_effect_n(result.df or df_star, alpha)
    weak = MAGNITUDES.index(named) <= MAGNITUDES.index(SMALL_EFFECT)
    cells = tuple(sorted(test.cells_driving, key=lambda cell: -abs(cell.residual)))
    return EffectSize(
        test=test,
        v=v,
        df_star=df_star,
        thresholds=cohen_thresholds(df_star),
        magnitude=named,
        n=result.n,
        n_small=n_small,
        sample_size_alone=test.significant_adjusted and weak and result.n >= n_small,
        cells=cells,
        position=position,
    )


def ranked_effects(tests: Sequence[AssociationTest], alpha: float = 0.05) -> tuple[EffectSize, ...]:
    """The effect sizes of ``tests``, largest V first (ties keep the tests' order)."""
    effects = [effect_size(test, alpha, position) for position, test in enumerate(tests)]
    return tuple(sorted(effects, key=lambda effect: -effect.v))


def _tested(results: Results, component: str | None = None) -> list[AssociationTest]:
    return [
        t
        for t in results.associations
        if (component is None or t.component == component)
        and t.result.testable
        and not t.suppressed
        and not math.isnan(t.result.effect_size)
    ]


def component_findings(results: Results) -> tuple[ComponentFinding, ...]:
    """One finding per CIPP component that has items, in the CIPP order.

    Strongest and weakest compare ``positive_percent`` (Agree, Good or better, Yes, or the
    favourable answer of a reverse-keyed item); ties keep the instrument's order.
    """
    alpha = _alpha(results)
    findings = []
    for component in COMPONENTS:
        items = [s for s in results.items if s.component == component]
        if not items:
            continue
        rated = [s for s in items if not math.isnan(s.positive_percent)]
        strongest = max(rated, key=lambda s: s.positive_percent).id if rated else None
        weakest = min(rated, key=lambda s: s.positive_percent).id if rated else None
        tests = tuple(
            t
            for t in results.associations
            if t.component == component and t.result.testable and not t.suppressed
        )
        findings.append(
            ComponentFinding(
                component,
                tuple(s.id for s in items),
                strongest,
                weakest,
                tests,
                ranked_effects(_tested(results, component), alpha),
            )
        )
    return tuple(findings)


def _alpha(results: Results) -> float:
    summary = results.association_summary
    return summary.alpha if summary is not None else 0.05


def find(results: Results, *, min_cell: int = 0) -> Findings:
    """The findings of ``results``; ``min_cell`` N is the disclosure threshold the results
    were protected with (cipp.flow.disclosure), whose masks the tables show."""
    demographics = {d.id: tuple(c.masked for c in d.categories) for d in results.demographics}
    fit = results.goodness_of_fit
    participation = (fit.masks or (SHOWN,) * len(fit.result.observed)) if fit is not None else ()
    return Findings(
        min_cell=min_cell,
        demographics=demographics,
        participation=participation,
        breakdowns=breakdowns(results, min_cell),
        components=component_findings(results),
        effects=ranked_effects(_tested(results), _alpha(results)),
        n=results.n_respondents,
    )
