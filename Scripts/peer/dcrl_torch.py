"""An independent PyTorch transcription of DCRL's fine-tuning (SPEC.md §1-§3), to cross-check the
Swift implementation's *behaviour* from the same pretrained autoencoder.

It reads the autoencoder the Swift side pretrained (a `dcrl-bench` store file such as
runs/tables-authors/pretrained/usps-authors-code-seed0.safetensors; PyTorch names the layers
the same way) and then follows SPEC.md §3.2-§3.4 written out in PyTorch:
- centres: t-SNE (scikit-learn with its 0.21 defaults: random init, learning rate 200) of the
  first `--init-subset` codes, k-means (20 runs, random_state 0) in 2-D, means of the codes;
- per epoch: Q, P, π, v_c and the within-cluster latent kNN pairs from a full pass; Adam #1
  over shuffled batches on a(e)·(0.1·L_C + L_rec) + L_rank/⌊N/B⌋ (L_C = KL with PyTorch's
  elementwise 'mean'); then, from e = T0, one Adam #2 step on b(e)·L_iso + L_align computed on
  fresh codes (SPEC.md §7.7);
- an empty predicted cluster keeps its previous input centre and is left out of L_align
  (SPEC.md §7.18; without this its mean is NaN and the run ends with every point in one cluster);
- ACC / NMI (geometric) of argmax Q every 10 epochs.
The random streams differ from the Swift ones, so single runs are compared, not bits.

Usage:
  python3 Scripts/peer/dcrl_torch.py --dataset usps --autoencoder FILE \
      --hidden 500,500,500,2000 --neighbors 5 --warm-up 50 --init-subset 3000 --out FILE.json
Versions used for Docs/Results/dcrl-torch-crosscheck-2026-11-27.md: torch 2.15 (CPU),
scikit-learn 1.9.1, 2 threads, seed 0.
"""
import argparse
import gzip
import json
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import load_file
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.manifold import TSNE
from sklearn.metrics import normalized_mutual_info_score

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--dataset", choices=["usps", "mnist-test"], default="usps")
parser.add_argument("--data", default="../shared/data")
parser.add_argument("--autoencoder", required=True)
parser.add_argument("--hidden", default="500,500,500,2000")
parser.add_argument("--neighbors", type=int, default=5, help="k of L_iso")
parser.add_argument("--warm-up", type=int, default=50, help="T0")
parser.add_argument("--init-subset", type=int, default=3000)
parser.add_argument("--epochs", type=int, default=300)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--out", default="")
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)
np.random.seed(args.seed)


def load(dataset, root):
    if dataset == "usps":  # ESL zip.train then zip.test, values (v + 1) / 2
        rows, labels = [], []
        for name in ("zip.train.gz", "zip.test.gz"):
            for line in gzip.open(f"{root}/usps/{name}", "rt"):
                values = line.split()
                labels.append(int(float(values[0])))
                rows.append([float(v) for v in values[1:]])
        return (np.array(rows, np.float32) + 1) / 2, np.array(labels)
    with gzip.open(f"{root}/mnist/t10k-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
    with gzip.open(f"{root}/mnist/t10k-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)
    return x.astype(np.float32) / 255.0, y.astype(np.int64)


def mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def accuracy(truth, predicted):
    counts = np.zeros((predicted.max() + 1, truth.max() + 1), np.int64)
    np.add.at(counts, (predicted, truth), 1)
    rows, cols = linear_sum_assignment(-counts)
    return counts[rows, cols].sum() / len(truth)


def distances(z):
    squared = (z * z).sum(1, keepdim=True)
    return (squared + squared.t() - 2 * z @ z.t()).clamp(min=1e-8).sqrt()


def soft_assignment(z, centers):
    q = 1.0 / (1.0 + ((z.unsqueeze(1) - centers) ** 2).sum(2))
    return q / q.sum(1, keepdim=True)


def target_distribution(q):
    weight = q**2 / q.sum(0)
    return weight / weight.sum(1, keepdim=True)


x_np, y = load(args.dataset, args.data)
n, d = x_np.shape
x = torch.from_numpy(x_np)
hidden = [int(h) for h in args.hidden.split(",")]


class Autoencoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = mlp([d] + hidden + [10])
        self.decoder = mlp([10] + hidden[::-1] + [d])


ae = Autoencoder()
ae.load_state_dict(load_file(args.autoencoder))
start = time.time()
with torch.no_grad():
    codes = ae.encoder(x[: args.init_subset]).numpy()
points = TSNE(2, init="random", learning_rate=200.0, perplexity=30.0, max_iter=1000,
              random_state=args.seed).fit_transform(codes)
groups = KMeans(10, random_state=0, n_init=20).fit(points).labels_
centers = nn.Parameter(torch.stack([torch.from_numpy(codes[groups == c].mean(0)) for c in range(10)]))
parameters = list(ae.parameters()) + [centers]
batch_adam = torch.optim.Adam(parameters, lr=1e-3)
full_adam = torch.optim.Adam(parameters, lr=1e-3)
epochs, warm_up, divisor = args.epochs, args.warm_up, n // 256
history = []
empty_clusters = 0  # cluster-epochs with no member
input_centers = None


def record(epoch):
    with torch.no_grad():
        predicted = soft_assignment(ae.encoder(x), centers).argmax(1).numpy()
    entry = {"epoch": epoch, "acc": accuracy(y, predicted),
             "nmi": normalized_mutual_info_score(y, predicted, average_method="geometric"),
             "empty_cluster_epochs": empty_clusters, "seconds": time.time() - start}
    history.append(entry)
    print(json.dumps(entry), flush=True)


record(0)
for epoch in range(epochs):
    with torch.no_grad():
        z = ae.encoder(x)
        q = soft_assignment(z, centers)
        p = target_distribution(q)
        labels = q.argmax(1).numpy()
    counts = np.bincount(labels, minlength=10)
    empty_clusters += int((counts == 0).sum())
    # SPEC.md §7.18: an empty cluster keeps its previous input centre and is left out of L_align.
    previous = input_centers if input_centers is not None else x.mean(0).expand(10, d)
    input_centers = torch.stack([x[labels == c].mean(0) if counts[c] > 0 else previous[c]
                                 for c in range(10)])
    first, second = [], []
    for c in range(10):
        members = np.where(labels == c)[0]
        k = min(args.neighbors, len(members) - 1)
        if k < 1:
            continue
        order = torch.sort(distances(z[members]), 1)[1][:, 1 : k + 1].numpy()
        first.append(np.repeat(members, k))
        second.append(members[order.reshape(-1)])
    first = torch.from_numpy(np.concatenate(first))
    second = torch.from_numpy(np.concatenate(second))
    input_distances = ((x[first] - x[second]) ** 2).sum(1).clamp(min=1e-8).sqrt() / d**0.5
    a = 1.0 if epoch < warm_up else max(0.0, 1 - (epoch - warm_up) / (epochs / 2 - warm_up))
    for batch in torch.randperm(n).split(256):
        xb = x[batch]
        zb = ae.encoder(xb)
        clustering = F.kl_div(soft_assignment(zb, centers).log(), p[batch], reduction="mean")
        loss = a * (0.1 * clustering + F.mse_loss(ae.decoder(zb), xb))
        if epoch >= warm_up:
            ranking = torch.norm(distances(centers) - 3 * distances(input_centers)) / 10
            loss = loss + ranking / divisor
        batch_adam.zero_grad()
        loss.backward()
        batch_adam.step()
    if epoch >= warm_up:
        z = ae.encoder(x)
        latent_distances = ((z[first] - z[second]) ** 2).sum(1).clamp(min=1e-8).sqrt() / 10**0.5
        isometry = torch.norm(input_distances - latent_distances)
        present = [c for c in range(10) if counts[c] > 0]
        means = torch.stack([z[torch.from_numpy(labels == c)].mean(0) for c in present])
        alignment = torch.norm(means - centers[present], dim=1).sum() / 10
        b = min(1.0, (epoch - warm_up) / (epochs / 2))
        full_adam.zero_grad()
        (b * isometry + alignment).backward()
        full_adam.step()
    if (epoch + 1) % 10 == 0:
        record(epoch + 1)

if args.out:
    with open(args.out, "w") as f:
        json.dump({"arguments": vars(args), "torch": torch.__version__, "history": history}, f, indent=1)
