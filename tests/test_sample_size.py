"""Sample size for a proportion, pinned to OpenEpi's documented results and the study."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cipp import to_dict
from cipp.model.errors import CippError, DataError
from cipp.stats.sample_size import inflate_for_nonresponse, sample_size_proportion


def test_openepi_default_needs_384():
    # OpenEpi, "Sample Size for a Proportion or Descriptive Study" (SSPropor), exercise
    # text: "Using the default numbers [population 1,000,000, 50%, +/-5%, design effect
    # 1.0] ... the sample needed is 384 persons". The finite population correction takes
    # Cochran's 384.15 just below 384.
    res = sample_size_proportion(population=1_000_000)
    assert res.n_rounded == 384
    assert res.n_unrounded == pytest.approx(383.9988, abs=1e-4)
    assert res.z == pytest.approx(1.959964, abs=1e-6)
    assert res.n_with_nonresponse == 384


def test_infinite_population_gives_cochran_385():
    # Cochran: n0 = Z^2 p(1-p) / d^2 = 1.96^2 * 0.25 / 0.05^2 = 384.16 -> 385.
    for population in (None, math.inf):
        res = sample_size_proportion(population=population)
        assert res.population is None
        assert res.n_unrounded == pytest.approx(384.146, abs=1e-3)
        assert res.n_rounded == 385
        assert res.formula == "n = DEFF·Z²₁₋α/₂·p(1−p) / d²"


@pytest.mark.parametrize(
    ("confidence", "n"),
    [(0.95, 87), (0.80, 38), (0.90, 62), (0.97, 107), (0.99, 150), (0.999, 245), (0.9999, 342)],
)
def test_openepi_published_table(confidence, n):
    # OpenEpi output published in Table 1 of a KSDB journal article ("Sample size for
    # frequency in a population"): N = 10,000,000, p = 6%, d = 5%, DEFF = 1.
    res = sample_size_proportion(
        population=10_000_000, proportion=0.06, margin=0.05, confidence=confidence
    )
    assert res.n_rounded == n


def test_design_effect_multiplies():
    # OpenEpi exercise: a cluster survey with design effect 1.8 "is simply multiplied".
    simple = sample_size_proportion(population=1_000_000)
    cluster = sample_size_proportion(population=1_000_000, design_effect=1.8)
    assert cluster.n_unrounded == pytest.approx(1.8 * simple.n_unrounded)
    assert cluster.n_rounded == math.ceil(1.8 * simple.n_unrounded)


def test_study_nonresponse_170_to_187():
    # The study added 10% non-response to 170 and recruited 187: n * (1 + r), not
    # n / (1 - r) (which gives 189). 170 * 1.1 is 187.00000000000003 in floating point.
    assert 170 * 1.1 > 187
    assert inflate_for_nonresponse(170, 0.10) == 187
    res = sample_size_proportion(population=None, base_n=170, nonresponse=0.10)
    assert res.n_rounded == 170
    assert res.n_with_nonresponse == 187
    assert res.z is None and res.n_unrounded is None
    assert res.formula == "n′ = n·(1 + r)"


def test_nonresponse_on_top_of_the_formula():
    res = sample_size_proportion(population=None, nonresponse=0.10)
    assert res.n_rounded == 385
    assert res.n_with_nonresponse == math.ceil(385 * 1.1 - 1e-9)  # 423.5 -> 424
    assert res.n_with_nonresponse == 424
    assert "(1 + r)" in res.formula


def test_small_population():
    # N = 1: the whole population. The finite correction never exceeds N.
    assert sample_size_proportion(population=1).n_rounded == 1
    assert sample_size_proportion(population=200).n_rounded <= 200


def test_invalid_inputs_raise_one_line_data_errors():
    with pytest.raises(DataError) as info:
        sample_size_proportion(population=0, margin=5, confidence=95, proportion=0)
    message = str(info.value)
    assert "\n" not in message
    for part in ("population", "margin", "confidence", "proportion"):
        assert part in message
    with pytest.raises(CippError, match="nonresponse"):
        sample_size_proportion(population=100, nonresponse=1.0)
    with pytest.raises(DataError, match="design_effect"):
        sample_size_proportion(population=100, design_effect=0)
    with pytest.raises(DataError, match="base_n"):
        sample_size_proportion(population=None, base_n=0)
    with pytest.raises(DataError, match="nonresponse"):
        inflate_for_nonresponse(170, -0.1)


def test_to_dict_is_json_ready():
    payload = to_dict(sample_size_proportion(population=1_000_000, nonresponse=0.1))
    assert json.loads(json.dumps(payload, allow_nan=False))["n_rounded"] == 384


@given(
    st.integers(1, 10**7),
    st.floats(0.01, 0.2),
    st.floats(0.05, 0.95),
    st.floats(0.0, 0.5),
)
def test_invariants(population, margin, proportion, nonresponse):
    finite = sample_size_proportion(
        population=population, margin=margin, proportion=proportion, nonresponse=nonresponse
    )
    infinite = sample_size_proportion(
        population=None, margin=margin, proportion=proportion, nonresponse=nonresponse
    )
    assert 1 <= finite.n_rounded <= min(population, infinite.n_rounded)
    assert finite.n_rounded >= finite.n_unrounded - 1e-9
    assert finite.n_rounded < finite.n_unrounded + 1
    assert finite.n_with_nonresponse >= finite.n_rounded
    wider = sample_size_proportion(
        population=population, margin=min(0.99, margin * 2), proportion=proportion
    )
    assert wider.n_rounded <= finite.n_rounded
