"""Tail probabilities and quantiles of the chi-square and normal distributions.

From scipy.special's compiled functions (chdtrc, ndtr, ndtri), the very ones that
scipy.stats' ``chi2.sf``, ``norm.sf`` and ``norm.ppf`` call, so the numbers are the same
to the last bit; importing scipy.special alone costs a fraction of scipy.stats, which an
analysis then needs only for exact tests.

:func:`special` loads just those compiled functions (scipy.special's ``_ufuncs``
extension) without the package's ``__init__``, which imports scipy's array-API layer and
with it much of numpy (0.15 s of a 1 s analysis); the functions are the same objects the
package exports, and anything that goes wrong falls back to importing the package.
"""

from __future__ import annotations

import functools
import sys
import threading
from typing import Any

__all__ = ["chi2_sf", "normal_quantile", "normal_sf", "special", "two_sided_z"]

_LOCK = threading.Lock()
_SPECIAL: list[Any] = []


def special() -> Any:
    """scipy.special's compiled functions (``chdtrc``, ``ndtr``, ``ndtri``, ``chdtri``,
    ``chndtrinc``, ...): the ``_ufuncs`` module, or the package once it is imported."""
    if not _SPECIAL:
        with _LOCK:
            if not _SPECIAL:
                _SPECIAL.append(_load_special())
    return _SPECIAL[0]


def _load_special() -> Any:
    if "scipy.special" in sys.modules:
        return sys.modules["scipy.special"]
    import types
    from pathlib import Path

    try:
        import scipy

        # A bare stand-in for the package while its extension module loads; removed at
        # once, so a later ``import scipy.special`` runs the real one (which reuses the
        # extension already loaded).
        stand_in = types.ModuleType("scipy.special")
        stand_in.__path__ = [str(Path(scipy.__file__).parent / "special")]
        sys.modules["scipy.special"] = stand_in
        try:
            from scipy.special import _ufuncs
        finally:
            if sys.modules.get("scipy.special") is stand_in:
                del sys.modules["scipy.special"]
        _ufuncs.chdtrc, _ufuncs.ndtr, _ufuncs.ndtri  # noqa: B018 (all there, or fall back)
        return _ufuncs
    except Exception:  # any other layout of scipy: the package itself
        import scipy.special

        return scipy.special


def chi2_sf(statistic: float, df: float) -> float:
    """P(X >= statistic) for X chi-square with ``df`` degrees of freedom (scipy.stats'
    ``chi2.sf(statistic, df)``)."""
    return float(special().chdtrc(df, statistic))


def normal_sf(z: float) -> float:
    """P(Z >= z) for a standard normal Z (scipy.stats' ``norm.sf(z)``)."""
    return float(special().ndtr(-z))


@functools.lru_cache(maxsize=64)
def normal_quantile(p: float) -> float:
    """The standard normal quantile of ``p`` (scipy.stats' ``norm.ppf(p)``)."""
    return float(special().ndtri(p))


def two_sided_z(confidence: float) -> float:
    """The z of a two-sided interval at this confidence level (1.96 at 0.95), computed
    as scipy's binomtest does for its Wilson interval: ndtri(0.5 + 0.5 confidence)."""
    return normal_quantile(0.5 + 0.5 * confidence)
