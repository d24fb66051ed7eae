"""Converts a score_sde_pytorch checkpoint (checkpoint_N.pth) to a safetensors file that the course's NcsnPp loads
(Diffusion.Models.NcsnPpCheckpoint.Load).

    python3 environment/score_sde_to_safetensors.py checkpoint_48.pth ffhq256-ema.safetensors [--weights ema|model]

The checkpoint is torch.save({'model': state_dict, 'ema': {'decay', 'num_updates', 'shadow_params'}, 'optimizer', 'step'}).
The state dict's keys start with 'module.' (DataParallel); the loader drops that prefix. 'ema' (the default, the weights the
paper samples with) holds a bare list of tensors in the order of the model's trainable parameters: the state dict's keys
without its buffer 'sigmas' and the fixed Fourier frequencies 'all_modules.0.W' (requires_grad=False), which this script
takes from 'model'. Needs only PyTorch (any 1.x/2.x); it writes safetensors itself (little-endian, no extra package).
"""
import argparse
import json
import struct

import torch

FIXED = ("sigmas", "all_modules.0.W")  # in the state dict, not in the EMA list


def named_weights(checkpoint, which):
    model = checkpoint["model"]
    if which == "model":
        return dict(model)
    shadow = checkpoint["ema"]["shadow_params"]
    trainable = [k for k in model if k.removeprefix("module.") not in FIXED]
    if len(trainable) != len(shadow):
        raise SystemExit(f"{len(shadow)} EMA tensors for {len(trainable)} trainable state-dict entries: not an NCSN++ checkpoint?")
    named = {}
    for key, value in model.items():
        named[key] = value
    for key, value in zip(trainable, shadow):
        if tuple(value.shape) != tuple(model[key].shape):
            raise SystemExit(f"EMA tensor for {key} has shape {tuple(value.shape)}, the model's {tuple(model[key].shape)}")
        named[key] = value
    return named


def save_safetensors(path, tensors):
    names = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.int64: "I64"}
    header, blobs, offset = {}, [], 0
    for key, t in tensors.items():
        t = t.detach().cpu().contiguous()
        data = t.numpy().astype(t.numpy().dtype.newbyteorder("<"), copy=False).tobytes()
        header[key] = {"dtype": names[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("checkpoint")
    p.add_argument("out")
    p.add_argument("--weights", choices=["ema", "model"], default="ema")
    a = p.parse_args()
    checkpoint = torch.load(a.checkpoint, map_location="cpu")
    tensors = named_weights(checkpoint, a.weights)
    save_safetensors(a.out, tensors)
    print(f"{len(tensors)} tensors ({a.weights} weights, step {checkpoint.get('step', '?')}) -> {a.out}")


if __name__ == "__main__":
    main()
