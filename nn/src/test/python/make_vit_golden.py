#!/usr/bin/env python3
"""Records the golden files of the nn module's parity tests (nn/src/test/resources/mdlora/nn/golden/).

Run with the system Python that has torch 1.13:  /usr/bin/python3 nn/src/test/python/make_vit_golden.py

timm and transformers are not available, so both ViT layouts are written here in plain torch with
their libraries' exact parameter names and maths (timm's vision_transformer.py; Hugging Face's
modeling_vit.py). safetensors files are written from the format's spec (the package is absent).
The configuration is tiny so that every file stays small.

Files:
  timm_vit.safetensors            timm-layout weights of a random ViT
  timm_io.safetensors             input [2,3,16,16], labels (as F32), features (the class token after the final norm), logits, loss
  timm_adamw_step.safetensors     the weights after one AdamW step on the cross-entropy of that batch
  timm_resampled.safetensors      pos_embed resampled to a 6x6 grid as timm (bicubic, antialias), a 24x24 input and its logits
  hf/model.safetensors, hf_io.safetensors, hf_adamw_step.safetensors: the same for HF's layout, with the hub's
                                  hf/config.json and hf/preprocessor_config.json (ImageNet mean and std) beside
  trajectories.safetensors        20-step optimiser and schedule trajectories on a least-squares problem
"""
import copy
import json
import math
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "mdlora", "nn", "golden")
IMAGE, PATCH, WIDTH, DEPTH, HEADS, MLP, CLASSES = 16, 4, 24, 2, 3, 48, 5
# eps 1e-6, not PyTorch's 1e-8: some gradients are analytically zero (the key bias: softmax ignores a shift common
# to all keys) and come out as float noise of ~1e-10 in any implementation, which eps 1e-8 would turn into full
# steps of +-lr with random signs.
ADAMW = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.05)


def write_safetensors(path, tensors, metadata=None):
    """safetensors: u64 little-endian header length, JSON header, then the raw little-endian bytes."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


# ---------------------------------------------------------------- timm layout (vision_transformer.py)

class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.num_heads, self.head_dim = heads, dim // heads
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = ((q * self.scale) @ k.transpose(-2, -1)).softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(B, N, C)
        return self.proj(x)


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1, self.act, self.fc2 = nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, heads, hidden, eps):
        super().__init__()
        self.norm1, self.attn = nn.LayerNorm(dim, eps=eps), Attention(dim, heads)
        self.norm2, self.mlp = nn.LayerNorm(dim, eps=eps), Mlp(dim, hidden)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    def __init__(self, patch, dim):
        super().__init__()
        self.proj = nn.Conv2d(3, dim, kernel_size=patch, stride=patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class VisionTransformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.patch_embed = PatchEmbed(PATCH, WIDTH)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, WIDTH))
        self.pos_embed = nn.Parameter(torch.zeros(1, 1 + (IMAGE // PATCH) ** 2, WIDTH))
        self.blocks = nn.Sequential(*[Block(WIDTH, HEADS, MLP, 1e-6) for _ in range(DEPTH)])
        self.norm = nn.LayerNorm(WIDTH, eps=1e-6)
        self.head = nn.Linear(WIDTH, CLASSES)

    def features(self, x):
        x = self.patch_embed(x)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
        return self.norm(self.blocks(x))[:, 0]

    def forward(self, x):
        return self.head(self.features(x))


# ---------------------------------------------------------------- Hugging Face layout (modeling_vit.py)

class HFPatchEmbeddings(nn.Module):
    def __init__(self):
        super().__init__()
        self.projection = nn.Conv2d(3, WIDTH, kernel_size=PATCH, stride=PATCH)


class HFEmbeddings(nn.Module):
    def __init__(self):
        super().__init__()
        self.cls_token = nn.Parameter(torch.zeros(1, 1, WIDTH))
        self.patch_embeddings = HFPatchEmbeddings()
        self.position_embeddings = nn.Parameter(torch.zeros(1, 1 + (IMAGE // PATCH) ** 2, WIDTH))

    def forward(self, x):
        x = self.patch_embeddings.projection(x).flatten(2).transpose(1, 2)
        return torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.position_embeddings


class HFSelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.query, self.key, self.value = nn.Linear(WIDTH, WIDTH), nn.Linear(WIDTH, WIDTH), nn.Linear(WIDTH, WIDTH)

    def forward(self, x):
        B, N, _ = x.shape
        heads = lambda t: t.view(B, N, HEADS, WIDTH // HEADS).permute(0, 2, 1, 3)
        q, k, v = heads(self.query(x)), heads(self.key(x)), heads(self.value(x))
        probs = (q @ k.transpose(-1, -2) / math.sqrt(WIDTH // HEADS)).softmax(dim=-1)
        return (probs @ v).permute(0, 2, 1, 3).reshape(B, N, WIDTH)


class HFDense(nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.dense = nn.Linear(d_in, d_out)


class HFAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.attention, self.output = HFSelfAttention(), HFDense(WIDTH, WIDTH)

    def forward(self, x):
        return self.output.dense(self.attention(x))


class HFLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.attention = HFAttention()
        self.intermediate, self.output = HFDense(WIDTH, MLP), HFDense(MLP, WIDTH)
        self.layernorm_before = nn.LayerNorm(WIDTH, eps=1e-12)
        self.layernorm_after = nn.LayerNorm(WIDTH, eps=1e-12)

    def forward(self, x):
        x = self.attention(self.layernorm_before(x)) + x
        return self.output.dense(F.gelu(self.intermediate.dense(self.layernorm_after(x)))) + x


class HFEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.ModuleList([HFLayer() for _ in range(DEPTH)])


class HFViTModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.embeddings, self.encoder = HFEmbeddings(), HFEncoder()
        self.layernorm = nn.LayerNorm(WIDTH, eps=1e-12)

    def forward(self, x):
        x = self.embeddings(x)
        for layer in self.encoder.layer:
            x = layer(x)
        return self.layernorm(x)


class HFViTForImageClassification(nn.Module):
    def __init__(self):
        super().__init__()
        self.vit, self.classifier = HFViTModel(), nn.Linear(WIDTH, CLASSES)

    def features(self, x):
        return self.vit(x)[:, 0]

    def forward(self, x):
        return self.classifier(self.features(x))


# ---------------------------------------------------------------- recording

def randomize(model):
    """Random values everywhere (not timm's init: zero biases and unit norms would hide swapped tensors)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name and name.endswith("weight"):
                p.copy_(1 + 0.1 * torch.randn_like(p))
            elif p.dim() <= 1 or "token" in name or "pos" in name:
                p.copy_(0.1 * torch.randn_like(p))


def record_step(model, prefix, labels):
    x = torch.randn(2, 3, IMAGE, IMAGE)
    logits = model(x)
    loss = F.cross_entropy(logits, labels)
    write_safetensors(os.path.join(OUT, prefix + "_io.safetensors"),
                      {"input": x, "labels": labels.float(), "features": model.features(x), "logits": logits, "loss": loss.reshape(1)})
    opt = torch.optim.AdamW(model.parameters(), **ADAMW)
    loss.backward()
    opt.step()
    write_safetensors(os.path.join(OUT, prefix + "_adamw_step.safetensors"), model.state_dict())


def resample_abs_pos_embed(posemb, new_size, num_prefix_tokens=1):
    """timm's resample_abs_pos_embed with its defaults: prefix tokens kept, the square grid resized by
    bicubic interpolation with antialias=True (align_corners=False)."""
    old = int(math.sqrt(posemb.shape[1] - num_prefix_tokens))
    prefix, grid = posemb[:, :num_prefix_tokens], posemb[:, num_prefix_tokens:]
    dim = posemb.shape[-1]
    grid = grid.reshape(1, old, old, dim).permute(0, 3, 1, 2)
    grid = F.interpolate(grid, size=(new_size, new_size), mode="bicubic", antialias=True)
    return torch.cat([prefix, grid.permute(0, 2, 3, 1).reshape(1, new_size * new_size, dim)], dim=1)


def record_resampled(model):
    """The position embedding resampled as timm does for a 24x24 input, and the logits there."""
    with torch.no_grad():
        pos = resample_abs_pos_embed(model.pos_embed, 24 // PATCH)
        model.pos_embed = nn.Parameter(pos)
        x = torch.randn(1, 3, 24, 24)
        write_safetensors(os.path.join(OUT, "timm_resampled.safetensors"), {"pos_embed": pos, "input": x, "logits": model(x)})


def warmup_cosine(step, warmup=5, total=20, start=0.1, floor=0.01):
    """The LambdaLR factor that mdlora's WarmupCosine reproduces."""
    if step < warmup:
        return start + (1 - start) * step / warmup
    progress = min(1.0, (step - warmup) / (total - warmup))
    return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress))


def record_trajectories():
    """Least squares mean((X W^T + b - Y)^2); W decays, b does not (two parameter groups)."""
    torch.manual_seed(7)
    X, Y, W0, b0 = torch.randn(8, 4), torch.randn(8, 3), torch.randn(3, 4), torch.randn(3)
    out = {"problem.X": X, "problem.Y": Y, "problem.W": W0, "problem.b": b0}

    def run(name, make_opt, make_sched=None, clip=None):
        W, b = nn.Parameter(W0.clone()), nn.Parameter(b0.clone())
        opt = make_opt(W, b)
        sched = make_sched(opt) if make_sched else None
        params, lrs, norms = [], [], []
        for _ in range(20):
            opt.zero_grad()
            ((X @ W.t() + b - Y) ** 2).mean().backward()
            if clip is not None:
                norms.append(float(torch.nn.utils.clip_grad_norm_([W, b], clip)))
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            if sched:
                sched.step()
            params.append(torch.cat([W.detach().flatten(), b.detach()]))
        out[name + ".params"] = torch.stack(params)
        out[name + ".lr"] = torch.tensor(lrs)
        if clip is not None:
            out[name + ".grad_norm"] = torch.tensor(norms)

    groups = lambda W, b, wd: [{"params": [W], "weight_decay": wd}, {"params": [b], "weight_decay": 0.0}]
    run("adamw", lambda W, b: torch.optim.AdamW(groups(W, b, 0.1), lr=0.05, betas=(0.9, 0.99), eps=1e-8))
    run("sgd_nesterov", lambda W, b: torch.optim.SGD(groups(W, b, 0.01), lr=0.05, momentum=0.9, nesterov=True), clip=0.5)
    run("sgd_multistep", lambda W, b: torch.optim.SGD(groups(W, b, 0.0), lr=0.1, momentum=0.9),
        lambda opt: torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[5, 12], gamma=0.1))
    run("adamw_warmup_cosine", lambda W, b: torch.optim.AdamW(groups(W, b, 0.1), lr=0.05),
        lambda opt: torch.optim.lr_scheduler.LambdaLR(opt, warmup_cosine))
    write_safetensors(os.path.join(OUT, "trajectories.safetensors"), out)


def main():
    torch.manual_seed(0)
    labels = torch.tensor([3, 1])
    timm_model = VisionTransformer()
    randomize(timm_model)
    write_safetensors(os.path.join(OUT, "timm_vit.safetensors"), timm_model.state_dict(), {"format": "pt"})
    record_resampled(copy.deepcopy(timm_model))
    record_step(timm_model, "timm", labels)

    hf_model = HFViTForImageClassification()
    randomize(hf_model)
    write_safetensors(os.path.join(OUT, "hf", "model.safetensors"), hf_model.state_dict(), {"format": "pt"})
    record_step(hf_model, "hf", labels)
    config = {"model_type": "vit", "architectures": ["ViTForImageClassification"], "hidden_size": WIDTH,
              "num_hidden_layers": DEPTH, "num_attention_heads": HEADS, "intermediate_size": MLP,
              "hidden_act": "gelu", "image_size": IMAGE, "patch_size": PATCH, "num_channels": 3,
              "layer_norm_eps": 1e-12, "qkv_bias": True}
    preprocessor = {"image_processor_type": "ViTImageProcessor", "do_normalize": True,
                    "image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225]}
    for name, content in (("config.json", config), ("preprocessor_config.json", preprocessor)):
        with open(os.path.join(OUT, "hf", name), "w") as f:
            json.dump(content, f, indent=2)
            f.write("\n")
    record_trajectories()


if __name__ == "__main__":
    main()
