"""Records tensor/src/test/resources/mdlora/tensor/linalg/svd_golden.safetensors with PyTorch (torch 1.13).

Run from the repository root: /usr/bin/python3 tensor/src/test/python/make_svd_golden.py
"a" is a 48x32 float32 matrix with singular values graded from 1 down to 1e-3 (random orthogonal
factors), "s" the singular values torch.linalg.svd finds for that float32 matrix computed in float64,
the reference the Java SVD is held to. The format is written from the spec (see safetensors_format.py).
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_format import save  # noqa: E402

g = torch.Generator().manual_seed(0)
m, n = 48, 32
p, _ = torch.linalg.qr(torch.randn(m, n, generator=g, dtype=torch.float64))
q, _ = torch.linalg.qr(torch.randn(n, n, generator=g, dtype=torch.float64))
spectrum = torch.logspace(0, -3, n, dtype=torch.float64)
a = ((p * spectrum) @ q.T).float()
s = torch.linalg.svd(a.double(), full_matrices=False).S.float()
out = os.path.join("tensor", "src", "test", "resources", "mdlora", "tensor", "linalg", "svd_golden.safetensors")
save(out, {"a": a, "s": s}, metadata={"producer": "torch " + torch.__version__})
print("wrote", out, os.path.getsize(out), "bytes")
