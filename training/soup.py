#!/usr/bin/env python3
"""Averages the weights of exported int8 models of one graph (a "model soup" of fine-tunes from one start).

Every quantized initializer `X_quantized` (+ `X_scale`, `X_zero_point`) is dequantized in each model, averaged and
re-quantized on the same grid kind: int8 with one scale per column (quantize_dynamic's per-channel MatMul weights),
int8 with one scale per row for the tied word table `word.weight` (fast_head.py), uint8 with one scale and zero
point per tensor (the position table); float initializers with more than one value are averaged; the rest (shape
constants) are taken from the first model, which must have the same graph.

Usage: python3 soup.py OUT.onnx IN1.onnx IN2.onnx [...]
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def dequant(inits, base):
    q = inits[base + "_quantized"].astype(np.float32)
    s = inits[base + "_scale"].astype(np.float32)
    z = inits[base + "_zero_point"].astype(np.float32)
    if s.ndim == 1 and base == "word.weight":
        return (q - z) * s[:, None]
    return (q - z) * s  # per column (broadcast over the last axis) or per tensor


def requant(w, like_q, like_s, base):
    if like_q.dtype == np.uint8:
        lo, hi = min(float(w.min()), 0.0), max(float(w.max()), 0.0)
        scale = np.float32((hi - lo) / 255.0)
        zero = np.uint8(round(-lo / scale))
        return np.clip(np.rint(w / scale) + zero, 0, 255).astype(np.uint8), scale, zero
    axis = 1 if base == "word.weight" else 0
    scale = (np.maximum(np.abs(w).max(axis=axis), 1e-12) / 127.0).astype(np.float32)
    q = np.clip(np.rint(w / (scale[:, None] if axis == 1 else scale)), -127, 127).astype(np.int8)
    return q, scale.reshape(like_s.shape), np.int8(0)


def main(out, *paths):
    models = [onnx.load(p) for p in paths]
    inits = [{i.name: numpy_helper.to_array(i) for i in m.graph.initializer} for m in models]
    first = inits[0]
    new = {}
    for name, x in first.items():
        if name.endswith("_quantized"):
            base = name[:-len("_quantized")]
            w = np.mean([dequant(i, base) for i in inits], axis=0)
            q, s, z = requant(w, x, first[base + "_scale"], base)
            zp = first[base + "_zero_point"]
            assert zp.dtype == np.asarray(z).dtype, base
            new[name], new[base + "_scale"] = q, np.asarray(s, np.float32).reshape(first[base + "_scale"].shape)
            new[base + "_zero_point"] = np.full(zp.shape, z, zp.dtype)
        elif x.dtype.kind == "f" and x.size > 1 and name not in new:
            new[name] = np.mean([i[name] for i in inits], axis=0).astype(x.dtype)
    g = models[0].graph
    for init in g.initializer:
        if init.name in new:
            init.CopyFrom(numpy_helper.from_array(new[init.name], init.name))
    onnx.checker.check_model(models[0])
    onnx.save(models[0], out)


if __name__ == "__main__":
    main(*sys.argv[1:])
