"""PyTorch peer for `dcrl-bench kernels` (CPU) and `dcrl-bench gpu-check` (CUDA): one training
step of the 784-500-500-2000-10 autoencoder (mirrored decoder, ReLU, linear bottleneck and
output), MSE, default Adam, on a fixed random batch. Prints one JSON line with every timed
step's duration in seconds.

On CUDA the step is bracketed by torch.cuda.synchronize(), as the Swift side calls
backend.synchronize(), and TF32 is off (PyTorch's default for matmul), so both sides run
float32 SGEMM.

Usage: python3 Scripts/peer/torch_ae_step.py [--device cpu|cuda] [--threads 2] [--batch 256]
       [--time 2.0]
"""
import argparse
import json
import time

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--batch", type=int, default=256)
parser.add_argument("--time", type=float, default=2.0)
args = parser.parse_args()

torch.set_num_threads(args.threads)
torch.manual_seed(0)
device = torch.device(args.device)
if args.device == "cuda":
    torch.backends.cuda.matmul.allow_tf32 = False
sizes = [784, 500, 500, 2000, 10]


def mlp(dims):
    layers = []
    for i in range(len(dims) - 1):
        layers.append(torch.nn.Linear(dims[i], dims[i + 1]))
        if i < len(dims) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


model = torch.nn.Sequential(mlp(sizes), mlp(list(reversed(sizes)))).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
x = torch.rand(args.batch, sizes[0], device=device)


def synchronize():
    if args.device == "cuda":
        torch.cuda.synchronize()


def step():
    optimizer.zero_grad()
    loss = torch.nn.functional.mse_loss(model(x), x)
    loss.backward()
    optimizer.step()


for _ in range(10 if args.device == "cuda" else 5):
    step()
synchronize()
samples = []
start = time.perf_counter()
while len(samples) < 20 or time.perf_counter() - start < args.time:
    synchronize()
    t0 = time.perf_counter()
    step()
    synchronize()
    samples.append(time.perf_counter() - t0)
result = {
    "torch": torch.__version__,
    "device": torch.cuda.get_device_name() if args.device == "cuda" else "cpu",
    "threads": args.threads,
    "batch": args.batch,
    "samples": samples,
}
print(json.dumps(result))
