"""The pandas + scipy baseline of the mid-sized case: what an analyst would write by hand.

    python bench/baseline_pandas.py bench/data/mid-65000.csv OUT.json

Reads the CSV with pandas, crosstabulates each of the 80 items against the grouping
column and tests it with scipy's chi2_contingency (no continuity correction), then
writes every item's counts, chi-square, df and p as JSON: the core of what
``cipp analyze --format json`` reports for the file, without its intervals, effect sizes,
components, adjustment or checks. It plays the part of the issue's R script
(read.csv + table + chisq.test), R not being available on the benchmark machine.
"""

from __future__ import annotations

import json
import sys

import pandas as pd
from scipy.stats import chi2_contingency


def main() -> None:
    source, out = sys.argv[1], sys.argv[2]
    frame = pd.read_csv(source)
    group = frame["region"]
    results = {}
    for column in frame.columns:
        if column == "region":
            continue
        table = pd.crosstab(frame[column], group)
        test = chi2_contingency(table.to_numpy(), correction=False)
        results[column] = {
            "counts": {str(level): row.tolist() for level, row in table.iterrows()},
            "statistic": float(test.statistic),
            "df": int(test.dof),
            "p_value": float(test.pvalue),
        }
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(results, handle)


if __name__ == "__main__":
    main()
