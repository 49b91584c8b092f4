"""Goldens for the Datasets preprocessing helpers, from scikit-learn:
PCA (covariance_eigh solver, whiten off and on), MinMaxScaler and StandardScaler on data with a
constant column, and CountVectorizer + TfidfTransformer (DEC's REUTERS-10K pipeline) on a tiny
corpus. If shared/data/reuters-r8 is present, also the R8 vocabulary, IDF and a few rows with
the 2000-term cut's ties broken alphabetically (see TFIDF.swift). The data root is DCRL_DATA or
../shared/data.

Writes Tests/DatasetsTests/Fixtures/preprocessing.json (and reuters_r8.json).
Run from the repository root:  python3 Scripts/golden/preprocessing_fixture.py
"""
import os
import sys

import numpy as np
import sklearn
from sklearn.decomposition import PCA
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import MinMaxScaler, StandardScaler

sys.path.insert(0, os.path.dirname(__file__))
from _header import header, write  # noqa: E402

SEED = 7
rng = np.random.default_rng(SEED)
OUT = "Tests/DatasetsTests/Fixtures"

# 60 samples, 8 features with decreasing variance and correlations; float64.
latent = rng.standard_normal((60, 4)) * np.array([5.0, 3.0, 1.5, 0.5])
x = latent @ rng.standard_normal((4, 8)) + rng.standard_normal((60, 8)) * 0.05 + np.arange(8) * 10
pca = PCA(n_components=3, svd_solver="covariance_eigh").fit(x)
white = PCA(n_components=3, svd_solver="covariance_eigh", whiten=True).fit(x)

scaled = rng.standard_normal((20, 4)) * 3 + 1
scaled[:, 2] = 4.25  # a constant column (RELIABILITY I5)
minmax = MinMaxScaler(feature_range=(-1, 2)).fit(scaled)
standard = StandardScaler().fit(scaled)

corpus = [
    "The cat sat on the mat, the cat!",
    "Dogs and cats: 2 dogs, 3 cats.",
    "a b c -- single letters are not tokens",
    "Stock prices rose; stock_prices fell. Prices!",
    "mat mat mat dogs stock",
    "",
]
counts = CountVectorizer(max_features=7).fit(corpus)
matrix = counts.transform(corpus)
tfidf = TfidfTransformer(norm="l2", sublinear_tf=True).fit(matrix)
features = tfidf.transform(matrix).toarray()
term_totals = np.asarray(CountVectorizer().fit_transform(corpus).sum(0)).ravel()
assert sorted(term_totals)[-7] > sorted(term_totals)[-8], "the golden corpus must have no tie at the cut"

write(f"{OUT}/preprocessing.json", header("Scripts/golden/preprocessing_fixture.py", SEED), {
    "pca": {
        "x": x.tolist(), "components": pca.components_.tolist(), "mean": pca.mean_.tolist(),
        "explained_variance": pca.explained_variance_.tolist(),
        "explained_variance_ratio": pca.explained_variance_ratio_.tolist(),
        "transform": pca.transform(x).tolist(), "whitened": white.transform(x).tolist(),
    },
    "scalers": {
        "x": scaled.tolist(), "minmax": minmax.transform(scaled).tolist(),
        "standard": standard.transform(scaled).tolist(), "mean": standard.mean_.tolist(),
        "scale": standard.scale_.tolist(),
    },
    "tfidf": {
        "corpus": corpus, "vocabulary": counts.get_feature_names_out().tolist(),
        "idf": tfidf.idf_.tolist(), "features": features.tolist(),
    },
})

# Reuters R8: only when the data is present (it is not committed here).
data_root = os.environ.get("DCRL_DATA", os.path.join(os.path.dirname(os.getcwd()), "shared", "data"))
r8 = os.path.join(data_root, "reuters-r8")
if os.path.isdir(r8):
    docs = []
    for part in ("train", "test"):
        with open(os.path.join(r8, f"reuters-r8-{part}.tab"), encoding="utf-8") as f:
            docs += [line.split("\t")[1] for line in f.read().split("\n")[3:] if line]
    full = CountVectorizer().fit(docs)
    totals = np.asarray(full.transform(docs).sum(0)).ravel()
    names = full.get_feature_names_out()
    keep = sorted(sorted(range(len(names)), key=lambda i: (-totals[i], names[i]))[:2000], key=lambda i: names[i])
    vocabulary = [names[i] for i in keep]
    counts = CountVectorizer(vocabulary=vocabulary).fit(docs).transform(docs)
    transformer = TfidfTransformer(norm="l2", sublinear_tf=True).fit(counts)
    dense = transformer.transform(counts).toarray() * np.sqrt(2000)
    rows = [0, 1, 2, 5484, 5485, 7673]
    sklearn_choice = set(CountVectorizer(max_features=2000).fit(docs).get_feature_names_out())
    write(f"{OUT}/reuters_r8.json", header("Scripts/golden/preprocessing_fixture.py", SEED,
                                           differs_from_sklearn_argsort=len(set(vocabulary) - sklearn_choice)), {
        "vocabulary": vocabulary, "idf": transformer.idf_.tolist(), "rows": rows,
        "features": dense[rows].tolist(),
    })
