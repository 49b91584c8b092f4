#!/usr/bin/env python3
"""Translated glyphs in scikit-learn and PyTorch: raw k-means against spectral clustering and
k-means on a small denoising autoencoder's codes.

The cross-check of BaselineTests' "every method beats raw k-means on a mixture of translated
glyphs": the same generator (ten classes of three Gaussian blobs on 16 x 16 pixels, shifted by up
to 2.5 pixels, blob width in [1, 1.6), clipped to 1, N(0, 0.05^2) noise), drawn with NumPy's
generator instead of the tests' Xoshiro256, so the images differ but the family is the same.

Usage: python3 Scripts/peer/glyphs_kmeans.py [--per-cluster 100] [--seeds 11,12,13,14]
Measured with scikit-learn 1.9.1 and torch 2.15.0 CPU, one thread:
  seed 11: KM 0.435 SC 0.714 AE+KM 0.476
  seed 12: KM 0.379 SC 0.957 AE+KM 0.484
  seed 13: KM 0.350 SC 0.714 AE+KM 0.389
  seed 14: KM 0.355 SC 0.761 AE+KM 0.423
"""

import argparse

import numpy as np
import torch
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans, SpectralClustering


def accuracy(labels, predicted):
    k = max(labels.max(), predicted.max()) + 1
    counts = np.zeros((k, k))
    for p, t in zip(predicted, labels):
        counts[p, t] += 1
    rows, cols = linear_sum_assignment(-counts)
    return counts[rows, cols].sum() / len(labels)


def glyphs(seed, per_cluster, shift=2.5, side=16):
    rng = np.random.default_rng(seed)
    prototypes = rng.uniform(4, 12, (10, 3, 2))
    labels = np.arange(10 * per_cluster) % 10
    yy, xx = np.mgrid[0:side, 0:side]
    x = np.zeros((len(labels), side * side), np.float32)
    for i, c in enumerate(labels):
        dy, dx = rng.uniform(-shift, shift, 2)
        width = rng.uniform(1.0, 1.6)
        image = np.zeros((side, side))
        for py, px in prototypes[c]:
            image += np.exp(-((yy - py - dy) ** 2 + (xx - px - dx) ** 2) / (2 * width * width))
        x[i] = np.clip(image, 0, 1).ravel() + 0.05 * rng.standard_normal(side * side)
    return x, labels


def autoencoder_codes(x, seed, epochs=100, hidden=(64, 64), latent=5):
    """A ReLU autoencoder D-64-64-5, denoising with sigma 0.05, Adam 1e-3, batch 64."""
    torch.manual_seed(seed)
    sizes = [x.shape[1], *hidden, latent]

    def stack(dims):
        layers = []
        for a, b in zip(dims[:-1], dims[1:]):
            layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
        return torch.nn.Sequential(*layers[:-1])

    encoder, decoder = stack(sizes), stack(sizes[::-1])
    optimizer = torch.optim.Adam([*encoder.parameters(), *decoder.parameters()], 1e-3)
    data = torch.tensor(x)
    for _ in range(epochs):
        order = torch.randperm(len(data))
        for start in range(0, len(data), 64):
            batch = data[order[start : start + 64]]
            noisy = batch + 0.05 * torch.randn_like(batch)
            loss = ((decoder(encoder(noisy)) - batch) ** 2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    with torch.no_grad():
        return encoder(data).numpy()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-cluster", type=int, default=100)
    parser.add_argument("--seeds", default="11,12,13,14")
    args = parser.parse_args()
    torch.set_num_threads(1)
    for seed in (int(s) for s in args.seeds.split(",")):
        x, labels = glyphs(seed, args.per_cluster)
        kmeans = KMeans(10, n_init=20, random_state=0)
        km = accuracy(labels, kmeans.fit_predict(x))
        spectral = SpectralClustering(
            10, affinity="nearest_neighbors", n_neighbors=10, random_state=0)
        sc = accuracy(labels, spectral.fit_predict(x))
        codes = autoencoder_codes(x, seed)
        ae = accuracy(labels, KMeans(10, n_init=20, random_state=0).fit_predict(codes))
        print(f"seed {seed}: KM {km:.3f} SC {sc:.3f} AE+KM {ae:.3f}", flush=True)


if __name__ == "__main__":
    main()
