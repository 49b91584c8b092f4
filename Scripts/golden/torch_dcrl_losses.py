"""PyTorch golden for DCRL's losses and its alternating update (SPEC.md §2, §3.3, §7.7).

A tiny autoencoder 12-8-6-3 (mirrored decoder) with 3 learnable centres, float64, on 40 fixed
samples. The epoch structure is fixed: target distribution P from the initial soft assignment,
labels pi = argmax Q, input-space cluster means v, and within-cluster latent 2-NN pairs with
their input distances / sqrt(D). The script records

* each loss on its own, with the gradient of every parameter:
  L_C = kl_div(log q_batch, P_batch, reduction='mean') on batch rows 0..15,
  L_rec = MSE on the same batch, L_rank (kappa 3, /floor(N/B) not applied),
  L_iso and L_align on the full data;
* five steps of the alternation, each a mini-batch Adam #1 step on
  a*(0.1*L_C + L_rec) + L_rank/floor(N/B) over batch `batches[s]`, then a full-data Adam #2 step on
  b*L_iso + L_align with fresh activations, with (a, b) = weights[s]; losses per step and the
  final parameters.

The loss forms are written from SPEC.md's formulas. Run from the repository root:
python3 Scripts/golden/torch_dcrl_losses.py
"""
import os
import sys

import warnings

import numpy as np
import torch

warnings.filterwarnings("ignore", message="reduction: 'mean'")

sys.path.insert(0, os.path.dirname(__file__))
from _header import header, write  # noqa: E402

SEED = 3
torch.manual_seed(SEED)
torch.set_default_dtype(torch.float64)
N, D, M, C, K, B = 40, 12, 3, 3, 2, 16
sizes = [D, 8, 6, M]


def mlp(dims):
    layers = []
    for i in range(len(dims) - 1):
        layers.append(torch.nn.Linear(dims[i], dims[i + 1]))
        if i < len(dims) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


encoder, decoder = mlp(sizes), mlp(list(reversed(sizes)))
x = 3 * torch.randn(N, D)
with torch.no_grad():
    z0 = encoder(x)
    order = z0[:, 0].argsort()
    centers0 = torch.stack([z0[order[c * N // C:(c + 1) * N // C]].mean(0) for c in range(C)])
centers = torch.nn.Parameter(centers0.clone())
params = list(encoder.parameters()) + list(decoder.parameters()) + [centers]
initial = {f"encoder.{k}": v.tolist() for k, v in encoder.state_dict().items()}
initial.update({f"decoder.{k}": v.tolist() for k, v in decoder.state_dict().items()})
initial["centers"] = centers0.tolist()


def clamped_distance(a, b):
    return torch.sqrt(torch.clamp(((a - b) ** 2).sum(-1), min=1e-8))


def soft_assignment(z, mu, nu=1.0):
    w = (1 + ((z[:, None, :] - mu[None, :, :]) ** 2).sum(-1) / nu) ** (-(nu + 1) / 2)
    return w / w.sum(1, keepdim=True)


with torch.no_grad():
    q = soft_assignment(z0, centers0)
    f = q.sum(0)
    p = q ** 2 / f
    p = p / p.sum(1, keepdim=True)
    labels = q.argmax(1)
    v = torch.stack([x[labels == c].mean(0) for c in range(C)])
    first, second = [], []
    for c in range(C):
        members = (labels == c).nonzero().flatten().tolist()
        for i in members:
            others = sorted(members, key=lambda j: (float(((z0[i] - z0[j]) ** 2).sum()), j))
            neighbours = [j for j in others if j != i][: min(K, len(members) - 1)]
            for j in neighbours:
                first.append(i)
                second.append(j)
    input_distances = clamped_distance(x[first], x[second]) / D ** 0.5
assert all((labels == c).sum() >= 3 for c in range(C)), "every cluster needs members"


def loss_c(z, rows):
    return torch.nn.functional.kl_div(soft_assignment(z, centers).log(), p[rows], reduction="mean")


def loss_rank():
    dz = clamped_distance(centers[:, None, :], centers[None, :, :])
    dx = clamped_distance(v[:, None, :], v[None, :, :])
    return torch.sqrt(((dz - 3.0 * dx) ** 2).sum()) / C


def loss_iso(z):
    dz = clamped_distance(z[first], z[second]) / M ** 0.5
    return torch.sqrt(((input_distances - dz) ** 2).sum())


def loss_align(z):
    u = torch.stack([z[labels == c].mean(0) for c in range(C)])
    return clamped_distance(u, centers).sum() / C


def named_gradients():
    result = {}
    for prefix, module in (("encoder", encoder), ("decoder", decoder)):
        for name, parameter in module.named_parameters():
            result[f"{prefix}.{name}"] = (parameter.grad if parameter.grad is not None else torch.zeros_like(parameter)).tolist()
    result["centers"] = centers.grad.tolist() if centers.grad is not None else torch.zeros_like(centers).tolist()
    return result


batch0 = list(range(B))
single = {}
for name, build in (
    ("clustering", lambda: loss_c(encoder(x[batch0]), batch0)),
    ("reconstruction", lambda: torch.nn.functional.mse_loss(decoder(encoder(x[batch0])), x[batch0])),
    ("ranking", loss_rank),
    ("isometry", lambda: loss_iso(encoder(x))),
    ("alignment", lambda: loss_align(encoder(x))),
):
    for parameter in params:
        parameter.grad = None
    value = build()
    value.backward()
    single[name] = {"value": value.item(), "gradients": named_gradients()}

generator = torch.Generator().manual_seed(SEED)
batches = [torch.randperm(N, generator=generator)[:B].tolist() for _ in range(5)]
weights = [(1.0, 0.0), (0.8, 0.25), (0.5, 0.5), (0.2, 0.75), (0.0, 1.0)]
adam1 = torch.optim.Adam(params, lr=1e-3)
adam2 = torch.optim.Adam(params, lr=1e-3)
rank_divisor = N // B
trajectory = []
for (a, b), rows in zip(weights, batches):
    adam1.zero_grad()
    z = encoder(x[rows])
    l_c = loss_c(z, rows)
    l_rec = torch.nn.functional.mse_loss(decoder(z), x[rows])
    l_rank = loss_rank()
    (a * (0.1 * l_c + l_rec) + l_rank / rank_divisor).backward()
    adam1.step()
    adam2.zero_grad()
    z_all = encoder(x)
    l_iso, l_align = loss_iso(z_all), loss_align(z_all)
    (b * l_iso + l_align).backward()
    adam2.step()
    trajectory.append({"clustering": l_c.item(), "reconstruction": l_rec.item(), "ranking": l_rank.item(),
                       "isometry": l_iso.item(), "alignment": l_align.item()})

final = {f"encoder.{k}": v.tolist() for k, v in encoder.state_dict().items()}
final.update({f"decoder.{k}": v.tolist() for k, v in decoder.state_dict().items()})
final["centers"] = centers.detach().tolist()

write(
    "Tests/DCRLTests/Fixtures/torch_dcrl_losses.json",
    header("Scripts/golden/torch_dcrl_losses.py", SEED, sizes=sizes, clusters=C, neighbors=K, batch=B),
    {"x": x.tolist(), "initial": initial, "p": p.tolist(), "labels": labels.tolist(), "v": v.tolist(),
     "first": first, "second": second, "input_distances": input_distances.tolist(),
     "single": single, "batches": batches, "weights": [list(w) for w in weights],
     "trajectory": trajectory, "final": final},
)
print("labels", np.bincount(labels.numpy(), minlength=C), "pairs", len(first))
print({k: v["value"] for k, v in single.items()})
