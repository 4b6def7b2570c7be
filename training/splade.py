"""MiniLM-L6 (BERT, 6 layers, hidden 384) with an MLM-style head and SPLADE max pooling, in plain PyTorch.

Written out rather than taken from transformers so that it loads the weights pulled from the ONNX file by
onnx_weights.py (transformers' BertModel names, no 'bert.' prefix) and exports cleanly on any torch >= 2.
Pooling: w_j = max_s log(1 + relu(logit_sj)) over unmasked tokens, computed as log1p(relu(max_s logit_sj)) (the
same value, since log1p(relu(.)) is non-decreasing) so the [B,S,V] tensor is touched once; special tokens get 0.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

VOCAB = 30522
SPECIAL_IDS = (0, 100, 101, 102, 103)  # [PAD] [UNK] [CLS] [SEP] [MASK] of bert-base-uncased
# Fused attention for training; export switches it off so the ONNX graph holds plain MatMul/Softmax (opset 18)
USE_SDPA = True
# Quantization-aware training (train.py qat=1): while set to a [B,S] attention mask, every quantized MatMul of the
# int8 graph is simulated in the forward pass (straight-through gradients): its input as ONNX Runtime's
# DynamicQuantizeLinear does it for one text run alone (asymmetric uint8, one scale over the text's real positions),
# its weight as quantize_dynamic's per-channel symmetric int8 ([-127, 127]), and the tied word table as
# fast_head.py's per-row int8 table. None = plain float (evaluation of the float model, export).
QAT_MASK = None


def fake_quant_input(x, mask):
    """x [B,S,H] through uint8 DynamicQuantizeLinear per text (real positions of `mask` set the range)."""
    xf = x.float()
    real = mask[:, :, None].bool()
    big = torch.finfo(torch.float32).max
    lo = torch.where(real, xf, torch.full_like(xf, big)).amin(dim=(1, 2), keepdim=True).clamp(max=0.0)
    hi = torch.where(real, xf, torch.full_like(xf, -big)).amax(dim=(1, 2), keepdim=True).clamp(min=0.0)
    scale = ((hi - lo) / 255.0).clamp(min=1e-12)
    zero = torch.round(-lo / scale).clamp(0, 255)
    deq = (torch.clamp(torch.round(xf / scale) + zero, 0, 255) - zero) * scale
    return (xf + (deq - xf).detach()).to(x.dtype)


def fake_quant_rows(w):
    """Symmetric int8 with one scale per row of w ([out, in] Linear weights: per output channel; the word table:
    per vocabulary id)."""
    scale = w.detach().abs().amax(dim=1, keepdim=True).clamp(min=1e-12) / 127.0
    deq = torch.clamp(torch.round(w / scale), -127, 127) * scale
    return w + (deq - w).detach()


def qlinear(lin, x):
    if QAT_MASK is None:
        return lin(x)
    return F.linear(fake_quant_input(x, QAT_MASK), fake_quant_rows(lin.weight), lin.bias)


class Layer(nn.Module):
    def __init__(self, hidden, heads, inter):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.attn_out = nn.Linear(hidden, hidden)
        self.attn_ln = nn.LayerNorm(hidden, eps=1e-12)
        self.inter = nn.Linear(hidden, inter)
        self.out = nn.Linear(inter, hidden)
        self.out_ln = nn.LayerNorm(hidden, eps=1e-12)

    def forward(self, x, bias):
        b, s, h = x.shape
        d = h // self.heads

        def split(t):
            return t.view(b, s, self.heads, d).transpose(1, 2)

        q, k, v = split(qlinear(self.query, x)), split(qlinear(self.key, x)), split(qlinear(self.value, x))
        if USE_SDPA and hasattr(F, "scaled_dot_product_attention"):
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=bias.to(q.dtype))
        else:  # torch < 2.0 (local CPU smoke tests)
            att = (q @ k.transpose(-1, -2)) / math.sqrt(d) + bias.to(q.dtype)
            ctx = att.softmax(-1) @ v
        ctx = ctx.transpose(1, 2).reshape(b, s, h)
        x = self.attn_ln(x + qlinear(self.attn_out, ctx))
        return self.out_ln(x + qlinear(self.out, F.gelu(qlinear(self.inter, x))))


class SpladeBert(nn.Module):
    """BERT encoder + MLM head (dense, GELU, LayerNorm, decoder tied to the word embeddings + bias)."""

    def __init__(self, vocab=VOCAB, hidden=384, layers=6, heads=12, inter=1536, max_pos=512):
        super().__init__()
        self.word = nn.Embedding(vocab, hidden)
        self.pos = nn.Embedding(max_pos, hidden)
        self.token_type = nn.Embedding(2, hidden)
        self.emb_ln = nn.LayerNorm(hidden, eps=1e-12)
        self.layers = nn.ModuleList(Layer(hidden, heads, inter) for _ in range(layers))
        self.head_dense = nn.Linear(hidden, hidden)
        self.head_ln = nn.LayerNorm(hidden, eps=1e-12)
        self.head_bias = nn.Parameter(torch.zeros(vocab))
        keep = torch.ones(vocab)
        keep[list(i for i in SPECIAL_IDS if i < vocab)] = 0.0
        self.register_buffer("keep", keep, persistent=False)
        self.qat = False  # simulate the int8 graph in the forward pass (QAT_MASK)
        # MLM head starts as the identity map into the tied decoder: logits = LN(gelu(h)) . E
        with torch.no_grad():
            self.head_dense.weight.copy_(torch.eye(hidden))
            self.head_dense.bias.zero_()

    def logits(self, input_ids, attention_mask):
        global QAT_MASK
        QAT_MASK = attention_mask if self.qat else None
        try:
            return self._logits(input_ids, attention_mask)
        finally:
            QAT_MASK = None

    def _logits(self, input_ids, attention_mask):
        s = input_ids.shape[1]
        pos = torch.arange(s, device=input_ids.device)
        word = self.word.weight if QAT_MASK is None else fake_quant_rows(self.word.weight)
        x = F.embedding(input_ids, word) + self.pos(pos)[None] + self.token_type.weight[0]
        x = self.emb_ln(x)
        bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -1e4
        for layer in self.layers:
            x = layer(x, bias)
        h = self.head_ln(F.gelu(qlinear(self.head_dense, x)))
        if QAT_MASK is not None:
            h = fake_quant_input(h, QAT_MASK)
        return F.linear(h, word, self.head_bias)

    def forward(self, input_ids, attention_mask):
        """Pooled SPLADE weights [B, V]."""
        logits = self.logits(input_ids, attention_mask)
        neg = (1.0 - attention_mask[:, :, None].to(logits.dtype)) * -1e4
        pooled = (logits + neg).amax(dim=1)
        return torch.log1p(torch.relu(pooled)) * self.keep


NAME_MAP = {
    "embeddings.word_embeddings.weight": "word.weight",
    "embeddings.position_embeddings.weight": "pos.weight",
    "embeddings.token_type_embeddings.weight": "token_type.weight",
    "embeddings.LayerNorm.weight": "emb_ln.weight",
    "embeddings.LayerNorm.bias": "emb_ln.bias",
}
LAYER_MAP = {
    "attention.self.query": "query", "attention.self.key": "key", "attention.self.value": "value",
    "attention.output.dense": "attn_out", "attention.output.LayerNorm": "attn_ln",
    "intermediate.dense": "inter", "output.dense": "out", "output.LayerNorm": "out_ln",
}


def load_minilm(model, npz_path):
    """Loads the encoder weights from onnx_weights.py's .npz; the head keeps its identity/tied initialisation."""
    data = np.load(npz_path)
    state = {}
    for k in data.files:
        if k in NAME_MAP:
            state[NAME_MAP[k]] = torch.from_numpy(data[k].astype(np.float32))
            continue
        # encoder.layer.3.attention.self.query.weight
        parts = k.split(".")
        assert parts[0] == "encoder" and parts[1] == "layer", k
        sub, leaf = ".".join(parts[3:-1]), parts[-1]
        state[f"layers.{parts[2]}.{LAYER_MAP[sub]}.{leaf}"] = torch.from_numpy(data[k].astype(np.float32))
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not unexpected, unexpected
    assert set(missing) == {"head_dense.weight", "head_dense.bias", "head_ln.weight", "head_ln.bias",
                            "head_bias"}, missing
    return model


class LogitsOnly(nn.Module):
    """Export wrapper whose output is the raw logits [B, S, V] (no pooling): the tiny test model."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        return self.model.logits(input_ids, attention_mask)


def load_onnx_model(model, onnx_path):
    """Loads every weight of `model` from an exported SPLADE model (train.py's export, fp32 or int8 as quantized by
    train.py): int8 MatMul weights are dequantized (w = (q - zero_point) * scale) and transposed back to
    PyTorch's [out, in]; each MatMul is named by the bias its output is added to ('layers.3.query.bias').
    Used to continue training from the shipped model (train.py --init-onnx)."""
    import onnx
    from onnx import numpy_helper
    g = onnx.load(onnx_path).graph
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    users = {}
    for n in g.node:
        for i in n.input:
            users.setdefault(i, []).append(n)

    def dequant(base):
        q, s, z = inits[base + "_quantized"], inits[base + "_scale"], inits[base + "_zero_point"]
        if base == "word.weight" and s.ndim == 1:  # fast_head.py's per-row table: one scale per vocabulary id
            s = s[:, None]
        return (q.astype(np.float32) - z.astype(np.float32)) * s.astype(np.float32)

    def bias_after(node):
        """Follows Cast/Mul (or nothing) from a MatMul(Integer) to the Add of its bias."""
        out = node.output[0]
        for _ in range(3):
            nxt = users[out][0]
            if nxt.op_type == "Add":
                return next(i for i in nxt.input if i in inits)
            out = nxt.output[0]
        raise ValueError("no bias Add after " + node.name)

    state = {}
    for n in g.node:
        w = n.input[1] if len(n.input) > 1 else None
        if n.op_type == "MatMulInteger" and w.endswith("_quantized") and w[:-10] + "_scale" in inits:
            weight = dequant(w[:-10])
        elif n.op_type == "MatMul" and w in inits and inits[w].ndim == 2 and inits[w].shape[0] != VOCAB \
                and inits[w].shape[1] != VOCAB:
            weight = inits[w]
        else:
            continue
        bias = bias_after(n)
        state[bias[: -len(".bias")] + ".weight"] = torch.from_numpy(np.ascontiguousarray(weight.T))
    for table in ("word", "pos"):
        state[table + ".weight"] = torch.from_numpy(
            dequant(table + ".weight") if table + ".weight_quantized" in inits else inits[table + ".weight"])
    for k, v in inits.items():
        if k.endswith(".bias") or k.endswith("_ln.weight") or k == "head_bias":
            state[k] = torch.from_numpy(v.astype(np.float32))
    # token type 0's embedding is folded into a constant by the exporter ('select': token_type.weight[0])
    tt = torch.zeros(2, model.token_type.weight.shape[1])
    tt[0] = torch.from_numpy(inits["select"].astype(np.float32))
    state["token_type.weight"] = tt
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not unexpected, unexpected
    assert not missing, missing
    return model
