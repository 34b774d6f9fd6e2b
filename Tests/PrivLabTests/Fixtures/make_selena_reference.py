"""Reference values for SELENA (Tang et al., USENIX Security 2022), computed the way the authors'
released code does (inspire-group/MIAdefenseSELENA, commit 855c627), written again here from
reading it (no code copied):

- Split-AI's adaptive inference for a training record (`purchase/SELENA/Split_AI/eval.py`,
  `splitai_test`, mode 1): the mean of the softmax outputs of the record's L non-models;
- for any other query (mode 2): the mean over the L non-models of one training record (the authors
  draw it with `np.random.randint`; PrivLab picks it by a hash of the query, so the test gives the
  chosen record's index and checks only the mean);
- the self-distillation loss (`purchase/SELENA/Distillation/train.py`, `distill_train`):
  −Σ t · log softmax(z) / B over a batch, t = Split-AI's soft label, and its gradient in the logits
  (PyTorch autograd on exactly that expression).

Run with any Python that has numpy and torch (e.g. a throw-away virtualenv):

    python Tests/PrivLabTests/Fixtures/make_selena_reference.py

It writes selena_reference.json next to itself.
"""
import json
import os

import numpy as np
import torch

rng = np.random.default_rng(20261203)
K, L, N, C, Q, B = 7, 3, 9, 5, 4, 6

# Sub-model outputs on N training records and Q other queries (rows are probability vectors).
def softmax(a):
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)

train_out = softmax(rng.normal(0, 2, size=(K, N, C))).astype(np.float32)
query_out = softmax(rng.normal(0, 2, size=(K, Q, C))).astype(np.float32)

# The authors' partition (`purchase/SELENA/generation10.py`): per record, shuffle arange(K), keep
# the first L as its non-models.
non_models = []
for _ in range(N):
    t = np.arange(K)
    rng.shuffle(t)
    non_models.append(sorted(int(v) for v in t[:L]))

mode1 = np.stack([train_out[non_models[i], i, :].mean(axis=0) for i in range(N)])
chosen = [int(v) for v in rng.integers(0, N, size=Q)]
mode2 = np.stack([query_out[non_models[chosen[q]], q, :].mean(axis=0) for q in range(Q)])

# The distillation step's loss and gradient on a batch of B records.
logits = torch.tensor(rng.normal(0, 1.5, size=(B, C)).astype(np.float32), requires_grad=True)
targets = torch.tensor(mode1[:B].astype(np.float32))
loss = -torch.sum(targets * torch.log(torch.softmax(logits, dim=1))) / B
loss.backward()

out = {
    "models": K, "excluded": L, "records": N, "classes": C, "queries": Q, "batch": B,
    "train_outputs": train_out.reshape(K, -1).tolist(),
    "query_outputs": query_out.reshape(K, -1).tolist(),
    "non_models": non_models,
    "split_ai_members": mode1.reshape(-1).tolist(),
    "chosen": chosen,
    "split_ai_queries": mode2.reshape(-1).tolist(),
    "logits": logits.detach().numpy().reshape(-1).tolist(),
    "distill_loss": float(loss.item()),
    "distill_gradient": logits.grad.numpy().reshape(-1).tolist(),
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "selena_reference.json")
with open(path, "w") as f:
    json.dump(out, f)
print("wrote", path)
