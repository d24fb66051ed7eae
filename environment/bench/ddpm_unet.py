"""The DDPM UNet of lib/Models/UNet.cs in PyTorch 1.13.1, for any UNetConfig (the sampling benchmark's peer).

The module tree and state-dict names are those of tests/fixtures/make_unet.py (which checks them against the C# UNet
on a tiny config); this copy takes the config as arguments instead of module constants, and the dropout of
UNetConfig.Dropout before each block's second convolution (0.1 in mnist-small; the identity in eval mode).
GroupNorm runs in float32 under autocast: PyTorch 1.13's CPU group_norm has no kernel for bfloat16 input with float32
weights ("expected scalar type BFloat16 but found Float"), so GroupNorm32 normalises a float32 copy and returns the
input's dtype, as guided-diffusion's GroupNorm32 does.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def groups(c, norm_groups=32, min_per_group=4):
    """UNetConfig.GroupsFor: the largest divisor of c not above min(norm_groups, c / min_per_group), at least 1."""
    limit = max(1, min(norm_groups, c // min_per_group))
    for g in range(limit, 1, -1):
        if c % g == 0:
            return g
    return 1


class GroupNorm32(nn.GroupNorm):
    """GroupNorm computed in float32, returned in the input's dtype (see the module docstring)."""

    def forward(self, x):
        return super().forward(x.float()).type(x.dtype)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, tdim, dropout=0.0):
        super().__init__()
        self.norm1 = GroupNorm32(groups(cin), cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb_proj = nn.Linear(tdim, cout)
        self.norm2 = GroupNorm32(groups(cout), cout)
        self.dropout = nn.Dropout(dropout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        if cin != cout:
            self.skip = nn.Conv2d(cin, cout, 1)

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.temb_proj(F.silu(temb))[:, :, None, None]
        h = self.conv2(self.dropout(F.silu(self.norm2(h))))
        return (self.skip(x) if hasattr(self, "skip") else x) + h


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.norm = GroupNorm32(groups(c), c)
        self.qkv = nn.Conv2d(c, 3 * c, 1)
        self.proj = nn.Conv2d(c, c, 1)

    def forward(self, x):
        b, c, h, w = x.shape
        qkv = self.qkv(self.norm(x)).reshape(b, 3, 1, c, h * w)
        q, k, v = qkv[:, 0], qkv[:, 1], qkv[:, 2]
        a = torch.softmax(q.transpose(-1, -2) @ k / math.sqrt(c), dim=-1)
        o = (v @ a.transpose(-1, -2)).reshape(b, c, h, w)
        return x + self.proj(o)


class Down(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, stride=2, padding=1)


class Up(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)


class Level(nn.Module):
    def __init__(self):
        super().__init__()
        self.res = nn.ModuleList()
        self.attn = nn.ModuleList()

    def block(self, j, x, temb):
        h = self.res[j](x, temb)
        return self.attn[j](h) if len(self.attn) else h


class Mid(nn.Module):
    def __init__(self, c, tdim, dropout):
        super().__init__()
        self.res1 = ResBlock(c, c, tdim, dropout)
        self.attn = Attention(c)
        self.res2 = ResBlock(c, c, tdim, dropout)


class UNet(nn.Module):
    """UNetConfig defaults are MnistSmall: 28x28x1, ch 32 x (1, 2, 2), 2 blocks, attention at 7, time embedding 4 ch."""

    def __init__(self, image=28, ch=32, mult=(1, 2, 2), blocks=2, attn=(7,), img_ch=1, tdim=None, dropout=0.1):
        super().__init__()
        tdim = tdim or 4 * ch
        self.ch = ch
        res = []
        s = image
        for _ in mult:
            res.append(s)
            s = (s + 1) // 2
        self.time_mlp = nn.Sequential(nn.Linear(ch, tdim), nn.SiLU(), nn.Linear(tdim, tdim))
        self.conv_in = nn.Conv2d(img_ch, ch, 3, padding=1)
        skips, cur = [ch], ch
        self.down = nn.ModuleList()
        for i, m in enumerate(mult):
            lvl = Level()
            for _ in range(blocks):
                lvl.res.append(ResBlock(cur, ch * m, tdim, dropout))
                cur = ch * m
                if res[i] in attn:
                    lvl.attn.append(Attention(cur))
                skips.append(cur)
            if i != len(mult) - 1:
                lvl.downsample = Down(cur)
                skips.append(cur)
            self.down.append(lvl)
        self.mid = Mid(cur, tdim, dropout)
        ups = [None] * len(mult)
        for i in reversed(range(len(mult))):
            lvl = Level()
            for _ in range(blocks + 1):
                lvl.res.append(ResBlock(cur + skips.pop(), ch * mult[i], tdim, dropout))
                cur = ch * mult[i]
                if res[i] in attn:
                    lvl.attn.append(Attention(cur))
            if i != 0:
                lvl.upsample = Up(cur)
            ups[i] = lvl
        self.up = nn.ModuleList(ups)
        self.norm_out = GroupNorm32(groups(cur), cur)
        self.conv_out = nn.Conv2d(cur, img_ch, 3, padding=1)

    def embed(self, t):
        half = self.ch // 2
        freqs = torch.tensor([math.exp(-math.log(10000) * i / (half - 1)) for i in range(half)], dtype=torch.float32)
        args = t.to(torch.float32)[:, None] * freqs[None]
        return torch.cat([args.sin(), args.cos()], 1)

    def forward(self, x, t):
        temb = self.time_mlp(self.embed(t))
        h = self.conv_in(x)
        hs = [h]
        for lvl in self.down:
            for j in range(len(lvl.res)):
                h = lvl.block(j, h, temb)
                hs.append(h)
            if hasattr(lvl, "downsample"):
                h = lvl.downsample.conv(h)
                hs.append(h)
        h = self.mid.res2(self.mid.attn(self.mid.res1(h, temb)), temb)
        for i in reversed(range(len(self.up))):
            lvl = self.up[i]
            for j in range(len(lvl.res)):
                h = lvl.block(j, torch.cat([h, hs.pop()], 1), temb)
            if hasattr(lvl, "upsample"):
                target = hs[-1]
                h = lvl.upsample.conv(F.interpolate(h, size=target.shape[2:], mode="nearest"))
        return self.conv_out(F.silu(self.norm_out(h)))
