#!/usr/bin/env python3
"""Records the goldens of the backbone kinds beyond the plain class-token ViT (nn/src/test/resources/mdlora/nn/golden/).

Run with the system Python that has torch 1.13:  /usr/bin/python3 nn/src/test/python/make_backbone_golden.py

timm and transformers are not available, so timm's VisionTransformer (vision_transformer.py: class_token, global_pool,
fc_norm, pre_norm, init_values) and VisionTransformerDistilled (deit.py) are written here in plain torch with timm's
exact parameter names and forward; the Hugging Face DeiT folder holds the distilled model's weights under
modeling_deit.py's names (q/k/v split), which computes the same function with its own eps.

Tiny random models (width 16, depth 2, 2 heads, patch 8, 32 px, 5 classes) keep each file small.
  backbone_inputs.safetensors  the inputs every kind is run on: input [2,3,32,32] and input_24 [1,3,24,24]
For each KIND:
  KIND.safetensors (or KIND/model.safetensors with the hub's config.json beside it)  the weights
  KIND_io.safetensors  features (timm's forward_head(pre_logits=True)) and logits for input;
                       pos_embed_3 and pos_embed_6: the position embedding resampled by timm's resample_abs_pos_embed
                       (bicubic, antialias, prefix tokens kept) to 3x3 (down) and 6x6 (up) patch grids;
                       features_24: the model run on input_24 with the 3x3 embedding;
                       grad.NAME: the gradient of the cross-entropy of the logits for labels [3, 1] for every
                       parameter of at most 300 values (tokens, position embedding, norms, layer scales, biases)
Kinds: timm_clip (folder; norm_pre, no patch bias, eps 1e-5, timm's hub config.json with CLIP's mean/std),
       timm_avg_fcnorm (no class token, global_pool 'avg', fc_norm), timm_avg_norm (no class token, 'avg', norm before
       pooling), timm_layerscale (ls1/ls2.gamma), timm_deit_distilled (dist_token, head_dist), hf_deit (folder).
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from make_vit_golden import OUT, Attention, Mlp, PatchEmbed, randomize, resample_abs_pos_embed, write_safetensors

IMAGE, PATCH, WIDTH, DEPTH, HEADS, MLP, CLASSES = 32, 8, 16, 2, 2, 32, 5
CLIP_MEAN, CLIP_STD = [0.48145466, 0.4578275, 0.40821073], [0.26862954, 0.26130258, 0.27577711]


class LayerScale(nn.Module):
    def __init__(self, dim, init_values):
        super().__init__()
        self.gamma = nn.Parameter(init_values * torch.ones(dim))

    def forward(self, x):
        return x * self.gamma


class Block(nn.Module):
    def __init__(self, eps, init_values):
        super().__init__()
        self.norm1, self.attn = nn.LayerNorm(WIDTH, eps=eps), Attention(WIDTH, HEADS)
        self.ls1 = LayerScale(WIDTH, init_values) if init_values else nn.Identity()
        self.norm2, self.mlp = nn.LayerNorm(WIDTH, eps=eps), Mlp(WIDTH, MLP)
        self.ls2 = LayerScale(WIDTH, init_values) if init_values else nn.Identity()

    def forward(self, x):
        x = x + self.ls1(self.attn(self.norm1(x)))
        return x + self.ls2(self.mlp(self.norm2(x)))


class VisionTransformer(nn.Module):
    """timm's VisionTransformer (distilled=True: VisionTransformerDistilled in eval mode)."""

    def __init__(self, class_token=True, global_pool="token", fc_norm=False, pre_norm=False, init_values=None, distilled=False, eps=1e-6):
        super().__init__()
        self.global_pool, self.distilled = global_pool, distilled
        self.num_prefix_tokens = int(class_token) + int(distilled)
        self.patch_embed = PatchEmbed(PATCH, WIDTH)
        if pre_norm:
            self.patch_embed.proj = nn.Conv2d(3, WIDTH, kernel_size=PATCH, stride=PATCH, bias=False)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, WIDTH)) if class_token else None
        self.dist_token = nn.Parameter(torch.zeros(1, 1, WIDTH)) if distilled else None
        self.pos_embed = nn.Parameter(torch.zeros(1, self.num_prefix_tokens + (IMAGE // PATCH) ** 2, WIDTH))
        self.norm_pre = nn.LayerNorm(WIDTH, eps=eps) if pre_norm else nn.Identity()
        self.blocks = nn.Sequential(*[Block(eps, init_values) for _ in range(DEPTH)])
        self.norm = nn.LayerNorm(WIDTH, eps=eps) if not fc_norm else nn.Identity()
        self.fc_norm = nn.LayerNorm(WIDTH, eps=eps) if fc_norm else nn.Identity()
        self.head = nn.Linear(WIDTH, CLASSES)
        self.head_dist = nn.Linear(WIDTH, CLASSES) if distilled else None

    def forward_features(self, x):
        x = self.patch_embed(x)
        prefix = [t.expand(x.shape[0], -1, -1) for t in (self.cls_token, self.dist_token) if t is not None]
        x = torch.cat(prefix + [x], dim=1) + self.pos_embed
        return self.norm(self.blocks(self.norm_pre(x)))

    def forward_head(self, x, pre_logits=False):
        if self.distilled:
            x, x_dist = x[:, 0], x[:, 1]
            return (x + x_dist) / 2 if pre_logits else (self.head(x) + self.head_dist(x_dist)) / 2
        x = x[:, self.num_prefix_tokens:].mean(dim=1) if self.global_pool == "avg" else x[:, 0]
        x = self.fc_norm(x)
        return x if pre_logits else self.head(x)


KINDS = {
    "timm_clip": dict(pre_norm=True, eps=1e-5),
    "timm_avg_fcnorm": dict(class_token=False, global_pool="avg", fc_norm=True),
    "timm_avg_norm": dict(class_token=False, global_pool="avg"),
    "timm_layerscale": dict(init_values=1e-5),
    "timm_deit_distilled": dict(distilled=True),
}


def hf_deit_names(state):
    """timm's distilled DeiT state dict under modeling_deit.py's names (DeiTForImageClassificationWithTeacher)."""
    out = {"deit.embeddings.cls_token": state["cls_token"], "deit.embeddings.distillation_token": state["dist_token"],
           "deit.embeddings.position_embeddings": state["pos_embed"],
           "deit.embeddings.patch_embeddings.projection.weight": state["patch_embed.proj.weight"],
           "deit.embeddings.patch_embeddings.projection.bias": state["patch_embed.proj.bias"]}
    for i in range(DEPTH):
        b, layer = f"blocks.{i}.", f"deit.encoder.layer.{i}."
        for part in ("weight", "bias"):
            for name, qkv in zip(("query", "key", "value"), state[b + "attn.qkv." + part].chunk(3)):
                out[layer + "attention.attention." + name + "." + part] = qkv
            for timm, hf in (("norm1", "layernorm_before"), ("attn.proj", "attention.output.dense"), ("norm2", "layernorm_after"),
                             ("mlp.fc1", "intermediate.dense"), ("mlp.fc2", "output.dense")):
                out[layer + hf + "." + part] = state[b + timm + "." + part]
    for part in ("weight", "bias"):
        out["deit.layernorm." + part] = state["norm." + part]
        out["cls_classifier." + part] = state["head." + part]
        out["distillation_classifier." + part] = state["head_dist." + part]
    return out


def record(name, model, weights_path, x, x24):
    logits = model.forward_head(model.forward_features(x))
    F.cross_entropy(logits, torch.tensor([3, 1])).backward()
    with torch.no_grad():
        io = {"features": model.forward_head(model.forward_features(x), pre_logits=True), "logits": logits}
        io.update({"grad." + k: p.grad for k, p in model.named_parameters() if p.numel() <= 300})
        n = model.num_prefix_tokens
        io["pos_embed_6"] = resample_abs_pos_embed(model.pos_embed, 6, n)
        io["pos_embed_3"] = resample_abs_pos_embed(model.pos_embed, 3, n)
        weights = {k: v for k, v in model.state_dict().items()}
        model.pos_embed = nn.Parameter(io["pos_embed_3"])
        io["features_24"] = model.forward_head(model.forward_features(x24), pre_logits=True)
    write_safetensors(weights_path, weights, {"format": "pt"})
    write_safetensors(os.path.join(OUT, name + "_io.safetensors"), io)
    return weights


def write_json(path, content):
    with open(path, "w") as f:
        json.dump(content, f, indent=2)
        f.write("\n")


def main():
    torch.manual_seed(1)
    x, x24 = torch.randn(2, 3, IMAGE, IMAGE), torch.randn(1, 3, 24, 24)
    write_safetensors(os.path.join(OUT, "backbone_inputs.safetensors"), {"input": x, "input_24": x24})
    for name, args in KINDS.items():
        model = VisionTransformer(**args).eval()
        randomize(model)
        folder = name == "timm_clip"
        path = os.path.join(OUT, name, "model.safetensors") if folder else os.path.join(OUT, name + ".safetensors")
        record(name, model, path, x, x24)
        if folder:
            write_json(os.path.join(OUT, name, "config.json"), {
                "architecture": "vit_tiny_clip_test", "num_classes": CLASSES, "num_features": WIDTH, "global_pool": "token",
                "model_args": {"patch_size": PATCH, "embed_dim": WIDTH, "depth": DEPTH, "num_heads": HEADS, "pre_norm": True},
                "pretrained_cfg": {"input_size": [3, IMAGE, IMAGE], "mean": CLIP_MEAN, "std": CLIP_STD}})

    # The Hugging Face DeiT folder: its own eps (1e-12) and ImageNet normalisation in preprocessor_config.json.
    model = VisionTransformer(distilled=True, eps=1e-12).eval()
    randomize(model)
    weights = record("hf_deit", model, os.path.join(OUT, "hf_deit", "unused.safetensors"), x, x24)
    os.remove(os.path.join(OUT, "hf_deit", "unused.safetensors"))
    write_safetensors(os.path.join(OUT, "hf_deit", "model.safetensors"), hf_deit_names(weights), {"format": "pt"})
    write_json(os.path.join(OUT, "hf_deit", "config.json"), {
        "model_type": "deit", "architectures": ["DeiTForImageClassificationWithTeacher"], "hidden_size": WIDTH,
        "num_hidden_layers": DEPTH, "num_attention_heads": HEADS, "intermediate_size": MLP, "hidden_act": "gelu",
        "image_size": IMAGE, "patch_size": PATCH, "num_channels": 3, "layer_norm_eps": 1e-12, "qkv_bias": True})
    write_json(os.path.join(OUT, "hf_deit", "preprocessor_config.json"), {
        "image_processor_type": "DeiTImageProcessor", "do_normalize": True,
        "image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225]})


if __name__ == "__main__":
    main()
