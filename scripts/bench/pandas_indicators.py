#!/usr/bin/env python3
"""The comparison point for scripts/bench/compare.sh: the coverage indicators of every country computed
with pandas from the evidence items (`items.jsonl` as `gcm synth` writes it), the way an analyst without
the service would. It writes a tidy indicators table, the country x objective count matrix and the
per-objective medians as CSV, then (unless --no-chart) the coverage heatmap as SVG and PNG with matplotlib.

    pandas_indicators.py ITEMS.jsonl OUTDIR [--no-chart] [--warm N]

--warm N reads the items once and then recomputes N times with the frame in memory, printing the time of
each recompute (the counterpart of a warm, uncached recompute in the service).

Simplifications against the service, which make this side faster, not slower: every mapping basis counts
(the synthetic world has no `auto` mappings), depth and solidity are left out, and items credited to no
country are dropped.
"""
import json
import os
import sys
import time

import numpy as np
import pandas as pd

# The objectives of each thematic area (the MPTF grouping); objective 23 belongs to all five.
AREAS = {
    "TA1": [1, 3, 17, 23],
    "TA2": [2, 7, 8, 12, 13, 23],
    "TA3": [9, 10, 11, 14, 21, 23],
    "TA4": [5, 6, 18, 19, 20, 23],
    "TA5": [4, 15, 16, 22, 23],
}


def read_items(path):
    frame = pd.read_json(path, lines=True)
    return frame[frame["reporting_iso3"].notna()]


def compute(items, out):
    # One row per (item, objective), each pair once.
    pairs = items[["id", "reporting_iso3", "objectives"]].explode("objectives")
    pairs = pairs.dropna(subset=["objectives"])
    pairs["objective"] = pairs["objectives"].map(lambda mapping: mapping["objective"])
    pairs = pairs.drop_duplicates(["id", "objective"])
    counts = (
        pairs.groupby(["reporting_iso3", "objective"]).size().unstack(fill_value=0)
        .reindex(columns=range(1, 24), fill_value=0)
    )
    covered = counts > 0
    principles = items[["reporting_iso3", "principles"]].explode("principles").dropna()
    principles_covered = (
        principles.groupby("reporting_iso3")["principles"].nunique().reindex(counts.index, fill_value=0)
    )
    area_covered = pd.DataFrame({area: covered[objs].sum(axis=1) for area, objs in AREAS.items()})
    area_share = area_covered / pd.Series({area: len(objs) for area, objs in AREAS.items()})
    # Normalised Shannon evenness of the area shares.
    p = area_share.div(area_share.sum(axis=1).replace(0, np.nan), axis=0)
    balance = (-(p * np.log(p.where(p > 0))).sum(axis=1) / np.log(len(AREAS))).fillna(0)
    table = pd.DataFrame(
        {
            "objectives_covered": covered.sum(axis=1),
            "principles_covered": principles_covered,
            "balance": balance,
        }
    ).join(area_covered.add_prefix("area_"))
    table["rank"] = table["objectives_covered"].rank(ascending=False, method="min")
    tidy = table.reset_index().melt(id_vars="reporting_iso3", var_name="indicator", value_name="value")
    cells = counts.stack().rename("value").reset_index().assign(indicator="evidence_count")
    os.makedirs(out, exist_ok=True)
    pd.concat([tidy, cells]).to_csv(os.path.join(out, "indicators.csv"), index=False)
    counts.to_csv(os.path.join(out, "coverage-matrix.csv"))
    counts.median().to_csv(os.path.join(out, "median.csv"))
    return counts


def chart(counts, out):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    depth = np.minimum(counts.values, 3)
    figure, axes = plt.subplots(figsize=(12, max(4, 0.12 * len(counts))))
    axes.imshow(depth, aspect="auto", cmap="viridis")
    axes.set_xticks(range(23), [str(o) for o in range(1, 24)])
    axes.set_yticks(range(len(counts)), counts.index, fontsize=5)
    axes.set_title("Evidence per objective")
    figure.savefig(os.path.join(out, "coverage-matrix.svg"))
    figure.savefig(os.path.join(out, "coverage-matrix.png"), dpi=100)
    plt.close(figure)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    path, out = argv[1], argv[2]
    warm = int(argv[argv.index("--warm") + 1]) if "--warm" in argv else 0
    started = time.perf_counter()
    items = read_items(path)
    read = time.perf_counter()
    counts = compute(items, out)
    computed = time.perf_counter()
    timings = {"read": read - started, "compute_csv": computed - read}
    if "--no-chart" not in argv:
        chart(counts, out)
        timings["chart"] = time.perf_counter() - computed
    recomputes = []
    for _ in range(warm):
        again = time.perf_counter()
        compute(items, out)
        recomputes.append(time.perf_counter() - again)
    if recomputes:
        timings["warm_recompute"] = recomputes
    print(json.dumps({"countries": len(counts), "items": len(items), "seconds": timings}))


if __name__ == "__main__":
    main(sys.argv)
