"""Golden trajectory for the NN module: a 32-16-8-4 autoencoder (mirrored decoder), float64,
with exported initial weights, trained 10 Adam steps on one fixed batch of 64 samples.

Writes Tests/NNTests/Fixtures/torch_ae_trajectory.json with the initial weights (PyTorch's
state_dict names), the batch, every step's loss, the step-0 gradient of every parameter and the
final weights. Run from the repository root:  python3 Scripts/golden/torch_ae_trajectory.py
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from _header import header, write  # noqa: E402

SEED = 0
torch.manual_seed(SEED)
torch.set_default_dtype(torch.float64)

sizes = [32, 16, 8, 4]


def mlp(dims):
    layers = []
    for i in range(len(dims) - 1):
        layers.append(torch.nn.Linear(dims[i], dims[i + 1]))
        if i < len(dims) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


encoder = mlp(sizes)
decoder = mlp(list(reversed(sizes)))
params = list(encoder.parameters()) + list(decoder.parameters())
x = torch.rand(64, 32)

initial = {f"encoder.{k}": v.tolist() for k, v in encoder.state_dict().items()}
initial.update({f"decoder.{k}": v.tolist() for k, v in decoder.state_dict().items()})

optimizer = torch.optim.Adam(params, lr=1e-3)
losses = []
step0_gradients = {}
for step in range(10):
    optimizer.zero_grad()
    loss = torch.nn.functional.mse_loss(decoder(encoder(x)), x)
    loss.backward()
    if step == 0:
        for prefix, module in (("encoder", encoder), ("decoder", decoder)):
            for name, p in module.named_parameters():
                step0_gradients[f"{prefix}.{name}"] = p.grad.tolist()
    losses.append(loss.item())
    optimizer.step()

final = {f"encoder.{k}": v.tolist() for k, v in encoder.state_dict().items()}
final.update({f"decoder.{k}": v.tolist() for k, v in decoder.state_dict().items()})

write(
    "Tests/NNTests/Fixtures/torch_ae_trajectory.json",
    header("Scripts/golden/torch_ae_trajectory.py", SEED, sizes=sizes, optimizer="Adam(lr=1e-3)"),
    {"x": x.tolist(), "initial": initial, "losses": losses, "step0_gradients": step0_gradients,
     "final": final},
)
print("losses", losses)
