"""Records lora/src/test/resources/mdlora/lora/peft_adapter/ with PyTorch (torch 1.13): LoRA adapters in PEFT's
on-disk layout, as `PeftModel.save_pretrained` writes them for a model with several named adapters.

Run from the repository root: /usr/bin/python3 lora/src/test/python/make_peft_adapter.py
The `peft` package is not installed here, so the layout is written from PEFT's documented format: one folder
per adapter (`shared`, `ucf101`, `hmdb51`) holding `adapter_config.json` (a LoraConfig's fields) and
`adapter_model.safetensors` with `base_model.model.<module>.lora_A.weight` [r, in] and `.lora_B.weight` [out, r].
The modules are those of the test suite's tiny ViT (width 32, MLP 64, two blocks) under the upper-heavy
placement; the three adapters differ in rank, alpha and rsLoRA so the Java loader's scale handling is exercised.

Beside the adapters, `expected.safetensors` holds, per adapter and module, a probe input x [3, in] and torch's
own x @ (scale * B @ A)^T, which the Java test compares with its loaded LoRA's update.
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "tensor", "src", "test", "python"))
from safetensors_format import save  # noqa: E402

WIDTH, MLP = 32, 64
SHAPES = {"attn.qkv": (3 * WIDTH, WIDTH), "attn.proj": (WIDTH, WIDTH), "mlp.fc1": (MLP, WIDTH), "mlp.fc2": (WIDTH, MLP)}
ALL = [f"blocks.{b}.{name}" for b in range(2) for name in SHAPES]
LAST = ["blocks.1.attn.proj", "blocks.1.mlp.fc1", "blocks.1.mlp.fc2"]
ADAPTERS = {  # name: (modules, r, lora_alpha, use_rslora)
    "shared": (ALL, 4, 8.0, False),
    "ucf101": (LAST, 2, 4.0, True),
    "hmdb51": (LAST, 3, 3.0, False),
}


def config(modules, r, alpha, rslora):
    return {
        "alpha_pattern": {}, "auto_mapping": None, "base_model_name_or_path": None, "bias": "none",
        "fan_in_fan_out": False, "inference_mode": True, "init_lora_weights": True, "layers_pattern": None,
        "layers_to_transform": None, "lora_alpha": alpha, "lora_dropout": 0.0, "modules_to_save": None,
        "peft_type": "LORA", "r": r, "rank_pattern": {}, "revision": None, "target_modules": modules,
        "task_type": None, "use_dora": False, "use_rslora": rslora,
    }


def main():
    torch.manual_seed(0)
    root = os.path.join("lora", "src", "test", "resources", "mdlora", "lora", "peft_adapter")
    expected = {}
    for name, (modules, r, alpha, rslora) in ADAPTERS.items():
        scale = alpha / (math.sqrt(r) if rslora else r)
        tensors = {}
        for m in modules:
            out_f, in_f = SHAPES[m.split(".", 2)[2]]
            a, b = torch.randn(r, in_f) * 0.2, torch.randn(out_f, r) * 0.2
            tensors[f"base_model.model.{m}.lora_A.weight"] = a
            tensors[f"base_model.model.{m}.lora_B.weight"] = b
            x = torch.randn(3, in_f)
            expected[f"{name}/{m}/x"] = x
            expected[f"{name}/{m}/y"] = x @ (scale * b @ a).T
        folder = os.path.join(root, name)
        os.makedirs(folder, exist_ok=True)
        save(os.path.join(folder, "adapter_model.safetensors"), tensors, metadata={"format": "pt"})
        with open(os.path.join(folder, "adapter_config.json"), "w") as f:
            f.write(json.dumps(config(modules, r, alpha, rslora), indent=2, sort_keys=True))
    save(os.path.join(root, "expected.safetensors"), expected, metadata={"producer": "torch " + torch.__version__})
    print("wrote", root)


main()
