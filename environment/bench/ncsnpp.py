"""The NCSN++ of lib/Models/NcsnPp.cs in PyTorch 1.13.1 (the SDE benchmark's peer), for the options ncsnpp-mnist uses.

Like the C# model, the module layout follows score_sde_pytorch's models/ncsnpp.py: one list `all_modules` in the order of the
forward pass (Fourier projection, two Dense layers, the first conv, then the BigGAN residual blocks, attention blocks,
Combine, GroupNorm and conv layers), and a float64 buffer `sigmas`, so the state-dict names and shapes are the C# model's
and a C# safetensors file loads as it is. Implemented: BigGAN blocks, no FIR (naive 2x2-mean / nearest resampling),
progressive output 'none' / 'output_skip', progressive input 'none' / 'input_skip', combine 'sum' / 'cat', Fourier time
embedding of log sigma, skip rescale, scale by sigma. The defaults are TrainingConfigs.NcsnPpMnist: 28x28x1, nf 12,
ch_mult (1, 2, 2), 1 block per level, attention only in the middle, dropout 0.1, sigma in [0.01, 15.8], N 1000
(175,527 parameters, the Fourier frequencies included). Initialisation as lib/Models/DdpmInit.cs (variance scaling,
fan_avg, uniform; scale 0 means 1e-10; zero biases).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def groups(c):
    """NcsnPpConfig.GroupsFor: min(C / 4, 32)."""
    return min(c // 4, 32)


def variance_scaling_(w, scale=1.0, in_axis=1, out_axis=0):
    """DdpmInit.VarianceScaling: U(-a, a), a = sqrt(3 s / ((fan_in + fan_out) / 2)), fan = channels * receptive field."""
    s = 1e-10 if scale == 0 else scale
    receptive = w.numel() / w.shape[in_axis] / w.shape[out_axis]
    fan_avg = (w.shape[in_axis] + w.shape[out_axis]) * receptive / 2
    bound = math.sqrt(3 * s / fan_avg)
    with torch.no_grad():
        w.uniform_(-bound, bound)


def conv(cin, cout, kernel, scale=1.0):
    """DdpmInit.Conv: a 3x3 (padding 1) or 1x1 convolution, variance-scaled weight, zero bias."""
    c = nn.Conv2d(cin, cout, kernel, padding=kernel // 2)
    variance_scaling_(c.weight, scale)
    nn.init.zeros_(c.bias)
    return c


def dense(fin, fout):
    """DdpmInit.Dense."""
    d = nn.Linear(fin, fout)
    variance_scaling_(d.weight)
    nn.init.zeros_(d.bias)
    return d


def group_norm(c):
    return nn.GroupNorm(groups(c), c, eps=1e-6)


def naive_down(x):
    """FirResampling.NaiveDownsample2d: the mean of each 2x2 block."""
    b, c, h, w = x.shape
    return x.reshape(b, c, h // 2, 2, w // 2, 2).mean((3, 5))


def naive_up(x):
    """FirResampling.NaiveUpsample2d: nearest, each pixel repeated 2x2."""
    b, c, h, w = x.shape
    return x.reshape(b, c, h, 1, w, 1).expand(b, c, h, 2, w, 2).reshape(b, c, 2 * h, 2 * w)


class GaussianFourierProjection(nn.Module):
    """e(t) = [sin(2 pi t W), cos(2 pi t W)], W ~ N(0, scale^2) fixed (a parameter without grad, named W)."""

    def __init__(self, size, scale):
        super().__init__()
        self.W = nn.Parameter(torch.randn(size) * scale, requires_grad=False)

    def forward(self, t):
        a = t[:, None] * self.W[None, :] * (2 * math.pi)
        return torch.cat([a.sin(), a.cos()], -1)


class NIN(nn.Module):
    """y[b, o, h, w] = sum_c x[b, c, h, w] W[c, o] + b[o] (W of shape [in, out])."""

    def __init__(self, cin, cout, init_scale=0.1):
        super().__init__()
        self.W = nn.Parameter(torch.empty(cin, cout))
        variance_scaling_(self.W, init_scale, in_axis=0, out_axis=1)
        self.b = nn.Parameter(torch.zeros(cout))

    def forward(self, x):
        b, c, h, w = x.shape
        y = torch.matmul(self.W.t(), x.reshape(b, c, h * w)) + self.b[:, None]
        return y.reshape(b, self.W.shape[1], h, w)


class AttnBlockpp(nn.Module):
    """NcsnPpAttention: A = softmax_j(q_i . k_j / sqrt(C)), o_i = sum_j A_ij v_j, y = (x + NIN_3(o)) / sqrt(2) with skip rescale."""

    def __init__(self, c, skip_rescale, init_scale):
        super().__init__()
        self.GroupNorm_0 = group_norm(c)
        self.NIN_0, self.NIN_1, self.NIN_2 = NIN(c, c), NIN(c, c), NIN(c, c)
        self.NIN_3 = NIN(c, c, init_scale)
        self.skip_rescale = skip_rescale

    def forward(self, x):
        b, c, h, w = x.shape
        n = self.GroupNorm_0(x)
        q = self.NIN_0(n).reshape(b, c, h * w)
        k = self.NIN_1(n).reshape(b, c, h * w)
        v = self.NIN_2(n).reshape(b, c, h * w)
        a = torch.softmax(torch.bmm(q.transpose(1, 2), k) * (1.0 / math.sqrt(c)), -1)
        o = torch.bmm(v, a.transpose(1, 2)).reshape(b, c, h, w)
        y = x + self.NIN_3(o)
        return y / math.sqrt(2) if self.skip_rescale else y


class ResnetBlockBigGANpp(nn.Module):
    """NcsnPpResBlock: h = SiLU(GN0(x)), resample h and x, h = Conv0(h) + Dense0(SiLU(e)), h = Conv1(Dropout(SiLU(GN1(h)))),
    x = Conv2(x) when the channels or the size change, y = (x + h) / sqrt(2) with skip rescale."""

    def __init__(self, cin, cout, tdim, dropout, skip_rescale, init_scale, up=False, down=False):
        super().__init__()
        cout = cout or cin
        self.GroupNorm_0 = group_norm(cin)
        self.Conv_0 = conv(cin, cout, 3)
        self.Dense_0 = dense(tdim, cout)
        self.GroupNorm_1 = group_norm(cout)
        self.Dropout_0 = nn.Dropout(dropout)
        self.Conv_1 = conv(cout, cout, 3, init_scale)
        if cin != cout or up or down:
            self.Conv_2 = conv(cin, cout, 1)
        self.up, self.down, self.skip_rescale = up, down, skip_rescale

    def forward(self, x, temb):
        h = F.silu(self.GroupNorm_0(x))
        if self.up:
            h, x = naive_up(h), naive_up(x)
        elif self.down:
            h, x = naive_down(h), naive_down(x)
        h = self.Conv_0(h) + self.Dense_0(F.silu(temb))[:, :, None, None]
        h = self.Conv_1(self.Dropout_0(F.silu(self.GroupNorm_1(h))))
        if hasattr(self, "Conv_2"):
            x = self.Conv_2(x)
        y = x + h
        return y / math.sqrt(2) if self.skip_rescale else y


class Combine(nn.Module):
    """NcsnPpCombine: h = Conv_0(x) (1x1), then h + y or [h, y]."""

    def __init__(self, dim1, dim2, method):
        super().__init__()
        self.Conv_0 = conv(dim1, dim2, 1)
        self.method = method

    def forward(self, x, y):
        h = self.Conv_0(x)
        return torch.cat([h, y], 1) if self.method == "cat" else h + y


class NCSNpp(nn.Module):
    """score(x, sigma) for x [B, C, H, W] in [0, 1] (unless centred) and sigma [B]; the defaults are ncsnpp-mnist."""

    def __init__(self, channels=1, image=28, nf=12, ch_mult=(1, 2, 2), num_res_blocks=1, attn_resolutions=(), dropout=0.1,
                 skip_rescale=True, progressive="output_skip", progressive_input="input_skip", combine="sum", init_scale=0.0,
                 fourier_scale=16.0, centered=False, scale_by_sigma=True, sigma_min=0.01, sigma_max=15.8, num_scales=1000):
        super().__init__()
        self.levels, self.num_res_blocks, self.attn_resolutions = len(ch_mult), num_res_blocks, tuple(attn_resolutions)
        self.output_skip, self.input_skip = progressive == "output_skip", progressive_input == "input_skip"
        self.centered, self.scale_by_sigma = centered, scale_by_sigma
        tdim = 4 * nf
        res = [image >> i for i in range(self.levels)]
        m = [GaussianFourierProjection(nf, fourier_scale), dense(2 * nf, tdim), dense(tdim, tdim), conv(channels, nf, 3)]

        def block(cin, cout=None, up=False, down=False):
            return ResnetBlockBigGANpp(cin, cout, tdim, dropout, skip_rescale, init_scale, up, down)

        def attn(c):
            return AttnBlockpp(c, skip_rescale, init_scale)

        skips, cin = [nf], nf
        for level in range(self.levels):
            for _ in range(num_res_blocks):
                m.append(block(cin, nf * ch_mult[level]))
                cin = nf * ch_mult[level]
                if res[level] in self.attn_resolutions:
                    m.append(attn(cin))
                skips.append(cin)
            if level != self.levels - 1:
                m.append(block(cin, down=True))
                if self.input_skip:
                    m.append(Combine(channels, cin, combine))
                    if combine == "cat":
                        cin *= 2
                skips.append(cin)
        cin = skips[-1]
        m += [block(cin), attn(cin), block(cin)]
        for level in reversed(range(self.levels)):
            for _ in range(num_res_blocks + 1):
                m.append(block(cin + skips.pop(), nf * ch_mult[level]))
                cin = nf * ch_mult[level]
            if res[level] in self.attn_resolutions:
                m.append(attn(cin))
            if self.output_skip:
                m += [group_norm(cin), conv(cin, channels, 3, init_scale)]
            if level != 0:
                m.append(block(cin, up=True))
        assert not skips
        if not self.output_skip:
            m += [group_norm(cin), conv(cin, channels, 3, init_scale)]
        self.all_modules = nn.ModuleList(m)
        sigmas = torch.linspace(math.log(sigma_max), math.log(sigma_min), num_scales, dtype=torch.float64).exp()
        self.register_buffer("sigmas", sigmas)

    def forward(self, x, sigma):
        modules, i = self.all_modules, 0

        def nxt():
            nonlocal i
            i += 1
            return modules[i - 1]

        temb = nxt()(sigma.to(x.dtype).log())
        temb = nxt()(temb)
        temb = nxt()(F.silu(temb))
        if not self.centered:
            x = 2 * x - 1
        pyramid_in = x
        hs = [nxt()(x)]
        for level in range(self.levels):
            for _ in range(self.num_res_blocks):
                h = nxt()(hs[-1], temb)
                if h.shape[-1] in self.attn_resolutions:
                    h = nxt()(h)
                hs.append(h)
            if level != self.levels - 1:
                h = nxt()(hs[-1], temb)
                if self.input_skip:
                    pyramid_in = naive_down(pyramid_in)
                    h = nxt()(pyramid_in, h)
                hs.append(h)
        h = nxt()(hs[-1], temb)
        h = nxt()(h)
        h = nxt()(h, temb)
        pyramid = None
        for level in reversed(range(self.levels)):
            for _ in range(self.num_res_blocks + 1):
                h = nxt()(torch.cat([h, hs.pop()], 1), temb)
            if h.shape[-1] in self.attn_resolutions:
                h = nxt()(h)
            if self.output_skip:
                norm = nxt()
                p = nxt()(F.silu(norm(h)))
                pyramid = p if pyramid is None else naive_up(pyramid) + p
            if level != 0:
                h = nxt()(h, temb)
        if self.output_skip:
            out = pyramid
        else:
            norm = nxt()
            out = nxt()(F.silu(norm(h)))
        assert i == len(modules), f"forward used {i} of {len(modules)} modules"
        if self.scale_by_sigma:
            out = out / sigma.to(out.dtype).reshape(-1, 1, 1, 1)
        return out
