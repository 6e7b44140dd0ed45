"""Records tensor/src/test/resources/mdlora/tensor/io/golden.safetensors with PyTorch (torch 1.13).

Run from the repository root: /usr/bin/python3 tensor/src/test/python/make_safetensors_golden.py
The file holds F32, F16, BF16 and I64 tensors and metadata. Next to each F16, BF16 and I64 tensor it
stores torch's own widening to float32 ("<name>_as_f32"), so the Java test compares its widening
against PyTorch's bit for bit. The format is written from the spec (see safetensors_format.py).
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_format import save  # noqa: E402

# 16-bit patterns: zeros, the smallest and largest subnormals, the smallest normal, ordinary values,
# the largest finite, infinities and a NaN.
F16_BITS = [0x0000, 0x8000, 0x0001, 0x03FF, 0x0400, 0x3C00, 0xC000, 0x3555, 0x7BFF, 0x7C00, 0xFC00, 0x7E00]
BF16_BITS = [0x0000, 0x8000, 0x0001, 0x007F, 0x0080, 0x3F80, 0xC000, 0x4049, 0x7F7F, 0x7F80, 0xFF80, 0x7FC0]


def from_bits(bits, dtype):
    signed = [b - 0x10000 if b >= 0x8000 else b for b in bits]
    return torch.tensor(signed, dtype=torch.int16).view(dtype)


f16 = from_bits(F16_BITS, torch.float16).reshape(3, 4)
bf16 = from_bits(BF16_BITS, torch.bfloat16).reshape(2, 6)
i64 = torch.tensor([[0, -1, 2**40 + 1], [2**24 + 1, -(2**62), 2**63 - 1]], dtype=torch.int64)
f32 = torch.tensor([[1.0, -0.0, 3.4028234663852886e38], [1e-45, -2.5, 0.1]], dtype=torch.float32)
tensors = {
    "f32": f32,
    "f16": f16, "f16_as_f32": f16.float(),
    "bf16": bf16, "bf16_as_f32": bf16.float(),
    "i64": i64, "i64_as_f32": i64.float(),
    "empty": torch.zeros(0, 3, dtype=torch.float32),
}
out = os.path.join("tensor", "src", "test", "resources", "mdlora", "tensor", "io", "golden.safetensors")
save(out, tensors, metadata={"format": "pt", "producer": "torch " + torch.__version__})
print("wrote", out, os.path.getsize(out), "bytes")
