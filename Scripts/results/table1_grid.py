"""Table 1 as one grid: every method x the five datasets, assembled from the committed results.

`dcrl-bench table 1` writes one report per run. The runs of the full grid took many sessions,
with different binaries and stores, so the grid is assembled here from the committed files under
Docs/Results, never from numbers typed by hand:

- `table1-*.json` reports (dcrl-bench's own Table 1 output): their "mean ± sd" cells and the
  published column are copied as they are;
- `sweep-*.json` records (dcrl-bench sweep output, one record per run): the final model of each
  run (never a best epoch); mean and sample sd are computed here, as dcrl-bench does;
- pooled reports: one row's per-seed scores from several `table1-*.json` reports (runs of
  different seeds), read from each report's `cell_values`; a single-seed report written before
  reports kept `cell_values` gives its printed three-decimal cell instead, which the grid says.

SOURCES below names, per dataset and row, the file (and for sweeps the variant and seeds) the cell
comes from. A cell with no source prints "not run". Each dataset's seeds are part of the cell.

Usage: python3 Scripts/results/table1_grid.py [--results Docs/Results] [--date 2026-12-07]
writes table1-grid-<date>.md and .json into the results folder.
"""
import argparse
import datetime
import json
import os
import re
import statistics

DATASETS = ["mnist-full", "mnist-test", "usps", "fashion-mnist", "reuters-r8"]
ROWS = [
    "K-Means",
    "SC-Ncut",
    "AE+K-Means",
    "DEC",
    "IDEC",
    "N2D",
    "N2D (10 mixture starts)",
    "N2D (published recipe)",
    "N2D (published recipe, 10 mixture starts)",
    "DCRL (paper)",
    "DCRL (recommended)",
    "JULE (published only)",
    "DSC (published only)",
]
# Rows the issue asks for on some datasets only; elsewhere the cell prints "–".
ONLY_ON = {
    "N2D (published recipe)": ["mnist-test", "usps"],
    "N2D (published recipe, 10 mixture starts)": ["mnist-test", "usps"],
}
BASELINES = ["K-Means", "SC-Ncut", "AE+K-Means", "DEC", "IDEC", "N2D"]
# The row a report names "DCRL" is the `--preset paper` run; dcrl-bench names it "DCRL (paper)"
# when the recommended row is in the same run.
REPORT_LABELS = {"DCRL (paper)": ["DCRL (paper)", "DCRL"]}


def report(name, rows):
    return {"file": name, "kind": "table1", "rows": rows}


def sweep(parts, row="DCRL (recommended)"):
    """parts: [(file, variant, seeds)]; the records are read from each file."""
    return {"kind": "sweep", "row": row, "parts": parts}


def pooled(row, parts, key):
    """parts: [(file, seeds)]; `key` is the method key of the row in the reports."""
    return {"kind": "pooled", "row": row, "parts": parts, "key": key}


STARTS10 = "pwarm+floor0.1+guard+epochs200+starts10"
# N2D with ten mixture starts, on the autoencoders of the recommended DCRL's runs.
STARTS10_N2D = report("table1-n2d-starts10-2026-12-08.json", ["N2D (10 mixture starts)"])
SOURCES = {
    "mnist-full": [
        report("table1-mnist-full-2026-11-27.json", BASELINES + ["DCRL (paper)"]),
        report("table1-mnist-full-recommended-2026-12-07.json", ["DCRL (recommended)"]),
        report("table1-n2d-starts10-mnist-full-2026-12-08.json", ["N2D (10 mixture starts)"]),
    ],
    "mnist-test": [
        report("table1-mnist-test-5seeds-2026-11-27.json", BASELINES + ["DCRL (paper)"]),
        STARTS10_N2D,
        sweep(
            [
                # Seed 0 is the selection run (the ten-start preset under its variant name).
                ("sweep-mnist-test-starts-2026-12-07.json", STARTS10, [0]),
                ("sweep-mnist-test-confirm-2026-12-07.json", "recommended", [1, 2, 3, 4]),
            ]
        ),
    ],
    "usps": [
        report("table1-usps-5seeds-2026-11-27.json", BASELINES + ["DCRL (paper)"]),
        STARTS10_N2D,
        pooled(
            "N2D (published recipe)",
            [("table1-n2d-published-usps-2026-12-08.json", [0])],
            "n2d-published",
        ),
        pooled(
            "N2D (published recipe, 10 mixture starts)",
            [("table1-n2d-published-usps-2026-12-08.json", [0])],
            "n2d-published-starts10",
        ),
        sweep(
            [
                # Seeds 0 and 1 are selection runs; 2-4 confirm (the same configuration).
                ("sweep-usps-starts-2026-12-07.json", STARTS10, [0, 1]),
                ("sweep-usps-confirm-2026-12-07.json", STARTS10, [2, 3, 4]),
            ]
        ),
    ],
    "fashion-mnist": [],
    "reuters-r8": [
        report(
            "table1-reuters-r8-2026-12-08.json",
            BASELINES + ["DCRL (paper)", "DCRL (recommended)"],
        ),
        report("table1-n2d-starts10-reuters-r8-2026-12-08.json", ["N2D (10 mixture starts)"]),
    ],
}


def summary(values):
    """As dcrl-bench: the mean, with the sample sd when there are several seeds."""
    mean = statistics.mean(values)
    return f"{mean:.3f} ± {statistics.stdev(values):.3f}" if len(values) > 1 else f"{mean:.3f}"


def load_report(folder, name):
    data = json.load(open(os.path.join(folder, name)))
    assert not data["metadata"]["quick"], f"{name} is a --quick run"
    return data


def cells_from_report(folder, source, dataset, data=None):
    """The printed cells of `source`'s rows (`data`: the report, when already loaded)."""
    if data is None:
        data = load_report(folder, source["file"])
    columns = data["columns"]
    index = {c: i for i, c in enumerate(columns)}
    acc, nmi = index[f"{dataset} ACC"], index[f"{dataset} NMI"]
    published = index.get(f"{dataset} published ACC (Δ)")
    by_label = {r["label"]: r["cells"] for r in data["rows"]}
    seeds = data["metadata"]["seeds"]
    out = {}
    for row in source["rows"]:
        label = next(l for l in REPORT_LABELS.get(row, [row]) if l in by_label)
        cells = by_label[label]
        out[row] = {
            "acc": cells[acc],
            "nmi": cells[nmi],
            "published": cells[published] if published is not None else "n/a",
            "seeds": seeds,
            "sources": [source["file"]],
        }
    return out


def cells_from_sweep(folder, source):
    accs, nmis, seeds, files = [], [], [], []
    for name, variant, wanted in source["parts"]:
        records = json.load(open(os.path.join(folder, name)))
        for seed in wanted:
            match = [r for r in records if r["variant"] == variant and r["seed"] == seed]
            assert len(match) == 1, f"{name}: {len(match)} records of {variant} seed {seed}"
            accs.append(match[0]["accuracy"])
            nmis.append(match[0]["nmiGeometric"])
            seeds.append(seed)
        files.append(name)
    return pooled_cell(source["row"], accs, nmis, "n/a", seeds, files)


def pooled_cell(row, accs, nmis, published, seeds, files, **extra):
    """One grid cell from per-seed scores: mean ± sample sd, the seeds and their files."""
    cell = {"acc": summary(accs), "nmi": summary(nmis), "published": published, "seeds": seeds,
            "sources": files}
    return {row: {**cell, **extra}}


def republished(published, mean):
    """A report's published cell ("0.979 (-0.134) [source]") with Δ recomputed for `mean`."""
    match = re.fullmatch(r"([0-9.]+) \([+-][0-9.]+\) (\[.*\])", published)
    if match is None:
        return published
    value = float(match.group(1))
    delta = mean - value
    return f"{match.group(1)} ({'+' if delta >= 0 else '-'}{abs(delta):.3f}) {match.group(2)}"


def cells_from_pooled(folder, source, dataset):
    accs, nmis, seeds, files, rounded = [], [], [], [], []
    published = "n/a"
    for name, wanted in source["parts"]:
        data = load_report(folder, name)
        values = data.get("cell_values")
        printed = cells_from_report(folder, {"file": name, "rows": [source["row"]]}, dataset, data)
        printed = printed[source["row"]]
        if published == "n/a":
            published = printed["published"]
        for seed in wanted:
            assert seed in data["metadata"]["seeds"], f"{name} has no seed {seed}"
            if values is not None:
                cell = values[f"{dataset}/{source['key']}/seed{seed}"]
                accs.append(cell["acc"])
                nmis.append(cell["nmi_geometric"])
            else:
                # An older single-seed report: its printed cell is that seed's score.
                assert data["metadata"]["seeds"] == [seed], f"{name}: no per-seed values"
                accs.append(float(printed["acc"]))
                nmis.append(float(printed["nmi"]))
                rounded.append(seed)
            seeds.append(seed)
        files.append(name)
    published = republished(published, statistics.mean(accs))
    return pooled_cell(source["row"], accs, nmis, published, seeds, files, rounded_seeds=rounded)


def seed_list(seeds):
    if seeds == list(range(seeds[0], seeds[-1] + 1)) and len(seeds) > 2:
        return f"{seeds[0]}–{seeds[-1]}"
    return ",".join(map(str, seeds))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", default="Docs/Results")
    parser.add_argument("--date", default=datetime.date.today().isoformat())
    args = parser.parse_args()

    grid = {d: {} for d in DATASETS}
    for dataset, sources in SOURCES.items():
        for source in sources:
            if source["kind"] == "table1":
                grid[dataset].update(cells_from_report(args.results, source, dataset))
            elif source["kind"] == "pooled":
                grid[dataset].update(cells_from_pooled(args.results, source, dataset))
            else:
                grid[dataset].update(cells_from_sweep(args.results, source))

    header = ["method"] + [f"{d} ACC / NMI (seeds)" for d in DATASETS]
    lines = [
        f"# Table 1, all five datasets (assembled {args.date})",
        "",
        "Clustering ACC / NMI (geometric NMI, as the authors' scikit-learn 0.21), mean ± sample sd",
        "over the seeds in brackets, final models only. Assembled by `python3",
        "Scripts/results/table1_grid.py` from the committed reports named under the table; no",
        "number is typed by hand. 'not run' marks a cell still owed. reuters-r8 is the",
        "Reuters-21578 R8 substitute for REUTERS-10K (8 classes, 7,674 documents), with DEC's",
        "REUTERS-10K features (2,000 most frequent words, sublinear TF-IDF, unit L2 rows × √2000) and",
        "the authors' Reuters pretraining (SGD, learning rate 0.1, momentum 0.99, 200 epochs).",
        "Every deep method of a dataset and seed starts from an autoencoder of the same recipe and",
        "seed (the same file where the cells share a store; MNIST-full's were pretrained twice).",
        "On MNIST-test and USPS the rows from the 2026-11-27 reports (the baselines, N2D, DCRL",
        "(paper)) share one set of files, and DCRL (recommended) and N2D (10 mixture starts)",
        "another, pretrained on 2026-12-07 by a later binary.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for row in ROWS:
        cells = []
        for dataset in DATASETS:
            cell = grid[dataset].get(row)
            if cell is None and dataset not in ONLY_ON.get(row, DATASETS):
                cells.append("–")
            elif cell is None:
                cells.append("not recovered" if "published only" in row else "not run")
            else:
                cells.append(f"{cell['acc']} / {cell['nmi']} ({seed_list(cell['seeds'])})")
        lines.append("| " + " | ".join([row] + cells) + " |")
    lines += ["", "Published values beside ours (the method's own paper; Δ = our mean − published):", ""]
    for dataset in DATASETS:
        for row in ROWS:
            cell = grid[dataset].get(row)
            if cell and cell["published"] not in ("n/a", "not recovered"):
                lines.append(f"- {dataset}, {row}: {cell['published']}")
    lines += [
        "",
        "JULE and DSC: the DCRL paper's Table 1 body (where it lists them) was not recovered;",
        "their Table 2 values are in table2 reports.",
        "",
        "Sources:",
        "",
    ]
    for dataset in DATASETS:
        for row in ROWS:
            cell = grid[dataset].get(row)
            if cell:
                links = ", ".join(f"[{f}]({f})" for f in cell["sources"])
                rounded = cell.get("rounded_seeds")
                if rounded:
                    links += (
                        f" (seed {seed_list(rounded)} from a report that printed three decimals"
                        " only; its other scores are not stored)"
                    )
                lines.append(f"- {dataset}, {row}: {links}")
    stem = os.path.join(args.results, f"table1-grid-{args.date}")
    with open(stem + ".md", "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(stem + ".json", "w") as f:
        json.dump({"datasets": DATASETS, "rows": ROWS, "cells": grid}, f, indent=2, ensure_ascii=False,
                  sort_keys=True)
        f.write("\n")
    print(f"wrote {stem}.md, {stem}.json")


if __name__ == "__main__":
    main()
