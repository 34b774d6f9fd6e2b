"""Reference timings for `privlab bench train`: one epoch of the same 784-256-10 MLP (plain SGD,
lr 0.05, batch 128, shuffled) on the same 60,000 Fashion-MNIST images, in PyTorch (CPU) and in
scikit-learn's MLPClassifier; and of the same small CNN (conv16-pool-conv32-pool-dense128, Adam
lr 1e-3, batch 64) in PyTorch, and privately in Opacus; and of a GRU (or LSTM) with 128 hidden units
on sequential Fashion-MNIST (Adam lr 1e-3, batch 128) in PyTorch. Used only by bench/run.py, from a
throw-away virtualenv; never a dependency of PrivLab or its tests.

Prints one JSON object: {"torch": seconds, "sklearn": seconds, ...}.
"""
import gzip
import json
import os
import sys
import time
import warnings

import numpy as np

DIR = "/usr/share/datasets/fashion-mnist"
# Threads for PyTorch (bench/run.py --threads sets it; 2, both cores, by default).
THREADS = int(os.environ.get("PRIVLAB_BENCH_THREADS", "2"))


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load():
    x = idx(f"{DIR}/train-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255.0
    y = idx(f"{DIR}/train-labels-idx1-ubyte.gz").astype(np.int64)
    return x, y


def bench_torch(x, y, seed):
    import torch

    torch.set_num_threads(THREADS)
    torch.manual_seed(seed)
    X, Y = torch.from_numpy(x), torch.from_numpy(y)
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    return timed_epoch(torch, model, torch.optim.SGD(model.parameters(), lr=0.05), X, Y, 128)


def timed_epoch(torch, model, opt, X, Y, batch):
    """Seconds for one shuffled epoch of mini-batch training with cross-entropy."""
    loss_fn = torch.nn.CrossEntropyLoss()
    t0 = time.perf_counter()
    perm = torch.randperm(X.shape[0])
    for i in range(0, X.shape[0], batch):
        idx_ = perm[i:i + batch]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(X[idx_]), Y[idx_])
        loss.backward()
        opt.step()
    return time.perf_counter() - t0


def cnn_model(torch):
    """PrivLab's pl.cnn{channels={16,32}, hidden={128}}: 3×3 'same' convolutions, ReLU, 2×2 max pooling."""
    nn = torch.nn
    return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))


def bench_torch_cnn(x, y, seed, limit=None):
    import torch

    torch.set_num_threads(THREADS)
    torch.manual_seed(seed)
    n = limit or x.shape[0]
    X, Y = torch.from_numpy(x[:n]).reshape(-1, 1, 28, 28), torch.from_numpy(y[:n])
    model = cnn_model(torch)
    return timed_epoch(torch, model, torch.optim.Adam(model.parameters(), lr=1e-3), X, Y, 64)


def rnn_model(torch, cell="gru", hidden=128):
    """PrivLab's pl.rnn{cell = "gru", hidden = 128}: the images as 28 steps of 28 pixels, one GRU
    layer, its last hidden state into a linear output layer."""
    nn = torch.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.rec = {"gru": nn.GRU, "lstm": nn.LSTM, "rnn": nn.RNN}[cell](28, hidden, batch_first=True)
            self.out = nn.Linear(hidden, 10)

        def forward(self, x):
            seq, _ = self.rec(x.reshape(-1, 28, 28))
            return self.out(seq[:, -1, :])

    return Net()


def bench_torch_rnn(x, y, seed, limit=None, cell="gru"):
    import torch

    torch.set_num_threads(THREADS)
    torch.manual_seed(seed)
    n = limit or x.shape[0]
    X, Y = torch.from_numpy(x[:n]), torch.from_numpy(y[:n])
    model = rnn_model(torch, cell)
    return timed_epoch(torch, model, torch.optim.Adam(model.parameters(), lr=1e-3), X, Y, 128)


def bench_sklearn(x, y, seed):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(hidden_layer_sizes=(256,), solver="sgd", learning_rate_init=0.05, momentum=0.0,
                        nesterovs_momentum=False, alpha=0.0, batch_size=128, max_iter=1, shuffle=True,
                        random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        t0 = time.perf_counter()
        clf.fit(x, y)
        return time.perf_counter() - t0


def bench_opacus(x, y, seed, mode, cnn=False, limit=None):
    """One DP-SGD epoch (σ = 1.1, C = 1, Poisson sampling) with Opacus: the MLP (SGD, expected batch
    128) or the CNN (Adam, expected batch 64)."""
    import logging
    import torch
    from opacus import PrivacyEngine

    logging.getLogger("opacus").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")
    torch.set_num_threads(THREADS)
    torch.manual_seed(seed)
    n = limit or x.shape[0]
    X = torch.from_numpy(x[:n])
    if cnn:
        X = X.reshape(-1, 1, 28, 28)
    ds = torch.utils.data.TensorDataset(X, torch.from_numpy(y[:n]))
    loader = torch.utils.data.DataLoader(ds, batch_size=64 if cnn else 128)
    if cnn:
        model = cnn_model(torch)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    else:
        model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
        opt = torch.optim.SGD(model.parameters(), lr=0.05)
    loss_fn = torch.nn.CrossEntropyLoss()
    engine = PrivacyEngine()
    if mode == "ghost":
        model, opt, loss_fn, loader = engine.make_private(module=model, optimizer=opt, data_loader=loader, criterion=loss_fn,
                                                          noise_multiplier=1.1, max_grad_norm=1.0, poisson_sampling=True,
                                                          grad_sample_mode="ghost")
    else:
        model, opt, loader = engine.make_private(module=model, optimizer=opt, data_loader=loader, noise_multiplier=1.1,
                                                 max_grad_norm=1.0, poisson_sampling=True, grad_sample_mode="hooks")
    t0 = time.perf_counter()
    for xb, yb in loader:
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
    return time.perf_counter() - t0


def main():
    args = sys.argv[1:]
    limit = None
    if "--limit" in args:
        i = args.index("--limit")
        limit = int(args[i + 1])
        args = args[:i] + args[i + 2:]
    which = args or ["torch", "sklearn"]
    x, y = load()
    out = {}
    sides = {"torch": bench_torch, "sklearn": bench_sklearn,
             "torch_cnn": lambda x, y, seed: bench_torch_cnn(x, y, seed, limit),
             "torch_rnn": lambda x, y, seed: bench_torch_rnn(x, y, seed, limit),
             "torch_lstm": lambda x, y, seed: bench_torch_rnn(x, y, seed, limit, cell="lstm"),
             "opacus_ghost": lambda x, y, seed: bench_opacus(x, y, seed, "ghost"),
             "opacus_hooks": lambda x, y, seed: bench_opacus(x, y, seed, "hooks"),
             "opacus_ghost_cnn": lambda x, y, seed: bench_opacus(x, y, seed, "ghost", cnn=True, limit=limit),
             "opacus_hooks_cnn": lambda x, y, seed: bench_opacus(x, y, seed, "hooks", cnn=True, limit=limit)}
    for name in which:
        out[name] = sides[name](x, y, seed=len(out) + 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
