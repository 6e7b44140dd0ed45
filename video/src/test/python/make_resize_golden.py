"""Golden outputs for mdlora.video.Resize: torch's antialiased bilinear resize of a small RGB image.

Run with /usr/bin/python3 (torch 1.13, numpy); writes ../resources/resize/*.rgb (raw uint8 HWC).
CI never runs this; the outputs are committed.
"""
import os
import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "resize")
os.makedirs(OUT, exist_ok=True)

rng = np.random.default_rng(6)
h, w = 30, 40
yy, xx = np.mgrid[0:h, 0:w]
smooth = np.stack([xx * 6, yy * 8, (xx + yy) * 3], -1)
image = np.clip(smooth + rng.integers(0, 60, (h, w, 3)), 0, 255).astype(np.uint8)
image.tofile(os.path.join(OUT, "input_40x30.rgb"))

for tw, th in [(21, 13), (53, 41)]:  # shrink (antialiased) and enlarge, both axes at different scales
    x = torch.from_numpy(image).permute(2, 0, 1)[None].float()
    y = F.interpolate(x, size=(th, tw), mode="bilinear", align_corners=False, antialias=True)
    out = y[0].permute(1, 2, 0).round().clamp(0, 255).to(torch.uint8).numpy()
    out.tofile(os.path.join(OUT, f"torch_{tw}x{th}.rgb"))
