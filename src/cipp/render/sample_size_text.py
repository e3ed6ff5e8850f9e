"""The sample-size calculation as text: formula, inputs and result."""

from __future__ import annotations

from cipp.model.tests import SampleSize


def sample_size_text(result: SampleSize) -> str:
    """Lines a methods section can quote: formula, every input, the n before and after
    non-response."""
    lines = ["Sample size for estimating a proportion (OpenEpi)", f"Formula: {result.formula}"]
    if result.base_n is not None:
        lines.append(f"Starting sample size n = {result.base_n}")
    else:
        population = "infinite" if result.population is None else f"{result.population:,.0f}"
        lines += [
            f"Population size N = {population}",
            f"Anticipated proportion p = {result.proportion:g}",
            f"Margin of error d = {result.margin:g}",
            f"Confidence = {100 * result.confidence:g}% (Z = {result.z:.6f})",
            f"Design effect DEFF = {result.design_effect:g}",
            f"n = {result.n_unrounded:.3f}, rounded up: {result.n_rounded}",
        ]
    if result.nonresponse:
        lines.append(
            f"With {100 * result.nonresponse:g}% expected non-response, n·(1 + r) = "
            f"{result.n_rounded} × {1 + result.nonresponse:g}, rounded up: "
            f"{result.n_with_nonresponse}"
        )
    lines.append(f"Sample size: {result.n_with_nonresponse}")
    return "\n".join(lines) + "\n"
