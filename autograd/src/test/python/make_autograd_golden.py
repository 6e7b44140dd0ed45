"""Records PyTorch's outputs and gradients of every autograd op into a safetensors file that
AutogradGoldenTest compares against. Run once by hand (CI never runs Python):

    /usr/bin/python3 autograd/src/test/python/make_autograd_golden.py

For case NAME the file holds NAME.in0.., NAME.out, NAME.proj (the random projection the loss
sum(out * proj) uses) and NAME.grad0.. (gradients of that loss). The safetensors layout is written by
hand from the format's specification: the `safetensors` package is not installed here.
"""
import json, math, struct, pathlib
import torch
import torch.nn.functional as F

torch.manual_seed(0)
OUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "golden" / "autograd_ops.safetensors"
tensors = {}


def record(name, fn, *inputs):
    xs = [x.clone().double().float().requires_grad_(True) for x in inputs]
    out = fn(*xs)
    proj = torch.randn(out.shape)
    (out * proj).sum().backward()
    for i, x in enumerate(xs):
        tensors[f"{name}.in{i}"] = x.detach()
        tensors[f"{name}.grad{i}"] = x.grad
    tensors[f"{name}.out"] = out.detach()
    tensors[f"{name}.proj"] = proj


r = torch.randn
pos = lambda *s: torch.rand(*s) * 1.5 + 0.5
record("add", lambda a, b: a + b, r(3, 4), r(4))
record("sub", lambda a, b: a - b, r(2, 1, 3), r(4, 1))
record("mul", lambda a, b: a * b, r(3, 5), r(3, 1))
record("div", lambda a, b: a / b, r(2, 3), pos(3))
record("pow", lambda a: a ** 3, pos(5))
record("sqrt", torch.sqrt, pos(6))
record("exp", torch.exp, r(6))
record("log", torch.log, pos(6))
record("tanh", torch.tanh, r(6))
record("sigmoid", torch.sigmoid, r(6))
record("gelu", F.gelu, r(4, 9) * 3)
record("matmul", torch.matmul, r(2, 3, 3, 4), r(3, 4, 5))
record("sum", lambda a: a.sum(dim=(0, 2)), r(2, 3, 4))
record("mean", lambda a: a.mean(dim=-1, keepdim=True), r(3, 5))
record("permute_reshape", lambda a: a.permute(2, 0, 1).reshape(4, 6), r(2, 3, 4))
record("slice", lambda a: a[:, 1:3], r(2, 4, 3))
record("concat", lambda a, b: torch.cat([a, b], 1), r(2, 3), r(2, 2))
record("index_select", lambda a: a.index_select(0, torch.tensor([2, 0, 2, 1])), r(3, 4))
record("softmax", lambda a: torch.softmax(a, -1), r(3, 7) * 4)
record("log_softmax", lambda a: torch.log_softmax(a, 0), r(5, 3) * 4)
record("layer_norm", lambda a, w, b: F.layer_norm(a, (8,), w, b, 1e-6), r(3, 4, 8), r(8), r(8))
record("linear", F.linear, r(2, 3, 6), r(5, 6), r(5))
record("cross_entropy", lambda a: F.cross_entropy(a, torch.tensor([1, 0, 3]), label_smoothing=0.1), r(3, 4) * 2)
record("attention", lambda q, k, v: torch.softmax(q @ k.transpose(-1, -2) * 0.5, -1) @ v, r(2, 3, 5, 4), r(2, 3, 6, 4), r(2, 3, 6, 2))

# a pre-norm transformer block (timm's Block), heads 2, width 8, mlp 16, eps 1e-6
D, H, M = 8, 2, 16


def block(x, n1w, n1b, qkvw, qkvb, projw, projb, n2w, n2b, fc1w, fc1b, fc2w, fc2b):
    B, N, _ = x.shape
    qkv = F.linear(F.layer_norm(x, (D,), n1w, n1b, 1e-6), qkvw, qkvb).reshape(B, N, 3, H, D // H).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    a = torch.softmax(q @ k.transpose(-1, -2) * (D // H) ** -0.5, -1) @ v
    x = x + F.linear(a.transpose(1, 2).reshape(B, N, D), projw, projb)
    return x + F.linear(F.gelu(F.linear(F.layer_norm(x, (D,), n2w, n2b, 1e-6), fc1w, fc1b)), fc2w, fc2b)


record("block", block, r(2, 5, D), 1 + 0.1 * r(D), 0.1 * r(D), r(3 * D, D) / D ** 0.5, 0.1 * r(3 * D),
       r(D, D) / D ** 0.5, 0.1 * r(D), 1 + 0.1 * r(D), 0.1 * r(D), r(M, D) / D ** 0.5, 0.1 * r(M),
       r(D, M) / M ** 0.5, 0.1 * r(D))


def write_safetensors(path, named, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name in sorted(named):
        data = named[name].contiguous().float().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(named[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw + b"".join(blobs))


write_safetensors(OUT, tensors, {"torch": torch.__version__, "script": "make_autograd_golden.py"})
print(f"wrote {len(tensors)} tensors to {OUT}")
