#!/usr/bin/env python3
"""Rewrites the vocabulary head of an exported int8 SPLADE model (train.py's export + quantize) for CPU speed.

The dynamo export + quantize_dynamic leave the head as an fp32 MatMul against the dequantized tied embedding
(`[B,S,384] x [384,V]`), then two full passes over the `[B,S,V]` logits (bias add, padding mask add) before the max
pooling: more than two thirds of the CPU time per document. This script
  1. quantizes the head like every other MatMul (DynamicQuantizeLinear + MatMulInteger against the int8 embedding
     table, which ONNX Runtime fuses with the bias into one DynamicQuantizeMatMul), and
  2. drops the padding-mask pass over the logits: padded positions get the hidden state of position 0 ([CLS], always
     a real token) before the head, so they repeat a value the max already sees (max is idempotent).
The pooled output is unchanged in meaning: w_j = max over real positions of log(1 + relu(logit_sj)), specials 0.

  3. with the fp32 export beside it (--fp32), re-quantizes the tied word-embedding table per row (one int8 scale
     per vocabulary id) instead of quantize_dynamic's single scale for the whole table; the embedding lookup and the
     head read the same table, so the head gets per-column weight scales.
The model is marked `streamsparse.per_text_runs = true`: its activation scales are per tensor, so the encoder runs
each text alone (no padding, no batch neighbours) and a text's vector never depends on its batch.

  4. with --logits, the graph ends at the head's logits `[B,S,V]` (output `logits`, bias added, padded positions
     repeating position 0): the pooling max_s, log1p(relu(.)) and the special ids are left to the caller.

  With --signed and no fp32 export, the per-row table is made from the uint8 table.

Usage: python3 fast_head.py IN.onnx OUT.onnx [FP32.onnx] [--logits] [--signed]
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto


def producer(graph):
    return {o: n for n in graph.node for o in n.output}


def consumers(graph, name):
    return [n for n in graph.node if name in n.input]


def per_row_table(model, fp32_path=None):
    """Replaces the per-tensor uint8 word table by a per-row int8 one (symmetric, scale = max|row| / 127), from the
    fp32 export's table, or without one from the uint8 table itself (a second rounding, at most half a step of the
    finer per-row grid). A signed table also puts the head on ONNX Runtime's u8 x s8 kernel (VNNI), 2.3x faster
    here than the u8 x u8 one the uint8 table gets."""
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    if fp32_path:
        src = onnx.load(fp32_path)
        table = next(numpy_helper.to_array(i) for i in src.graph.initializer if i.name == "word.weight")
        scale = np.maximum(np.abs(table).max(axis=1), 1e-12).astype(np.float32) / 127.0
    else:
        # keep the uint8 grid where a row fits int8 (then q - zero_point is exact); a row reaching past +-127 gets a
        # coarser scale of its own in the head: 1 of the 30,522 rows of the run-2 model, [CLS], read by every
        # text's lookup, which therefore keeps the row's exact value (docs/MODEL_CARD.md, "Graph, second pass")
        codes = numpy_helper.to_array(inits["word.weight_quantized"]).astype(np.float32) \
            - numpy_helper.to_array(inits["word.weight_zero_point"]).astype(np.float32)
        step = numpy_helper.to_array(inits["word.weight_scale"]).astype(np.float32)
        table = codes * step
        scale = (step * np.maximum(1.0, np.abs(codes).max(axis=1) / 127.0)).astype(np.float32)
    q = np.clip(np.rint(table / scale[:, None]), -127, 127).astype(np.int8)
    # rows the int8 grid cannot hold exactly; without an fp32 export the lookup keeps their old values (below)
    moved = [] if fp32_path else [int(r) for r in np.nonzero((q.astype(np.float32) * scale[:, None] != table).any(axis=1))[0]]
    for name in ("word.weight_quantized", "word.weight_scale", "word.weight_zero_point"):
        g.initializer.remove(inits[name])
    g.initializer.extend([numpy_helper.from_array(q, "word.weight_quantized"),
                          numpy_helper.from_array(scale, "word.weight_scale"),
                          numpy_helper.from_array(np.array(0, np.int8), "word.weight_zero_point")])
    # the lookup: DequantizeLinear(Gather(q), scalar scale) -> Gather(q) * Gather(scale)[..., None]
    lookup_dq = next(n for n in g.node if n.op_type == "DequantizeLinear" and n.input[1] == "word.weight_scale"
                     and n.input[0] != "fh_unused" and any(m.op_type == "Gather" and m.output[0] == n.input[0]
                                                            for m in g.node))
    gather = next(m for m in g.node if m.output[0] == lookup_dq.input[0])
    ids = gather.input[1]
    at = list(g.node).index(lookup_dq)
    new = [helper.make_node("Gather", ["word.weight_scale", ids], ["fh_row_scale"], axis=0, name="fh_row_scale"),
           helper.make_node("Unsqueeze", ["fh_row_scale", "fh_last"], ["fh_row_scale3"], name="fh_row_scale3"),
           helper.make_node("Cast", [lookup_dq.input[0]], ["fh_lookup_f"], to=TensorProto.FLOAT, name="fh_lookup_f"),
           helper.make_node("Mul", ["fh_lookup_f", "fh_row_scale3"], ["fh_lookup_0"], name="fh_lookup")]
    g.initializer.append(numpy_helper.from_array(np.array([-1], dtype=np.int64), "fh_last"))
    # A moved row is used by the head only through its own logit (the [CLS] row of the run-2 model: a special id,
    # whose weight is always 0), but the lookup feeds it to the whole body: there it keeps its exact old value.
    for k, row in enumerate(moved):
        tag = f"fh_keep{k}"
        g.initializer.extend([numpy_helper.from_array(np.array(row, np.int64), f"{tag}_id"),
                              numpy_helper.from_array(table[row].astype(np.float32), f"{tag}_row")])
        new += [helper.make_node("Equal", [ids, f"{tag}_id"], [f"{tag}_hit"], name=f"{tag}_hit"),
                helper.make_node("Unsqueeze", [f"{tag}_hit", "fh_last"], [f"{tag}_hit3"], name=f"{tag}_hit3"),
                helper.make_node("Where", [f"{tag}_hit3", f"{tag}_row", f"fh_lookup_{k}"], [f"fh_lookup_{k + 1}"],
                                 name=f"{tag}_where")]
    new[-1].output[0] = lookup_dq.output[0]
    g.node.remove(lookup_dq)
    for k, n in enumerate(new):
        g.node.insert(at + k, n)
    return model


def rewrite(model):
    g = model.graph
    prod = producer(g)
    reduce_max = next(n for n in g.node if n.op_type == "ReduceMax")
    masked_add = prod[reduce_max.input[0]]                       # logits + (1 - mask) * -1e4
    assert masked_add.op_type == "Add", masked_add
    bias_add = prod[masked_add.input[0]]
    assert bias_add.op_type == "Add", bias_add
    head_mm = prod[bias_add.input[0]]
    assert head_mm.op_type == "MatMul", head_mm
    hidden, weight = head_mm.input
    dq = prod[weight]
    assert dq.op_type == "DequantizeLinear", dq
    w_q, w_scale, w_zp = dq.input
    bias = bias_add.input[1]

    # padded positions take position 0's hidden state: [B,S,1] mask as bool, [B,1,H] first position
    new = [
        helper.make_node("Unsqueeze", ["attention_mask", "fh_axis2"], ["fh_mask3"], name="fh_mask_unsqueeze"),
        helper.make_node("Cast", ["fh_mask3"], ["fh_mask_bool"], to=TensorProto.BOOL, name="fh_mask_bool"),
        helper.make_node("Slice", [hidden, "fh_zero", "fh_one", "fh_axis1"], ["fh_first"], name="fh_first"),
        helper.make_node("Where", ["fh_mask_bool", hidden, "fh_first"], ["fh_hidden"], name="fh_where"),
        helper.make_node("DynamicQuantizeLinear", ["fh_hidden"], ["fh_q", "fh_scale", "fh_zp"], name="fh_quantize"),
        helper.make_node("MatMulInteger", ["fh_q", w_q, "fh_zp", w_zp], ["fh_int"], name="fh_matmul"),
        helper.make_node("Cast", ["fh_int"], ["fh_float"], to=TensorProto.FLOAT, name="fh_cast"),
        helper.make_node("Mul", ["fh_scale", w_scale], ["fh_scales"], name="fh_scales"),
        helper.make_node("Mul", ["fh_float", "fh_scales"], ["fh_logits_nobias"], name="fh_rescale"),
        helper.make_node("Add", ["fh_logits_nobias", bias], [reduce_max.input[0]], name="fh_bias"),
    ]
    for name, value in (("fh_axis2", [2]), ("fh_axis1", [1]), ("fh_zero", [0]), ("fh_one", [1])):
        g.initializer.append(numpy_helper.from_array(np.array(value, dtype=np.int64), name))
    drop = {id(head_mm), id(bias_add), id(masked_add), id(dq)}
    nodes = [n for n in g.node if id(n) not in drop]
    at = next(i for i, n in enumerate(nodes) if n is reduce_max)
    del g.node[:]
    g.node.extend(nodes[:at] + new + nodes[at:])
    drop_dead(g)  # the mask term of the logits
    # one text per model run: DynamicQuantizeLinear's scale spans the whole [B,S,H] tensor, so only a text run
    # alone gets a vector that does not depend on its batch neighbours (the Java encoder reads this key)
    meta = {p.key: p for p in model.metadata_props}
    entry = meta.get("streamsparse.per_text_runs") or model.metadata_props.add()
    entry.key, entry.value = "streamsparse.per_text_runs", "true"
    return model


def drop_dead(g):
    """Removes nodes whose outputs nobody reads any more, then unread initializers."""
    while True:
        used = {i for n in g.node for i in n.input} | {o.name for o in g.output}
        dead = [n for n in g.node if not any(o in used for o in n.output)]
        if not dead:
            break
        for n in dead:
            g.node.remove(n)
    used = {i for n in g.node for i in n.input}
    for init in [i for i in g.initializer if i.name not in used]:
        g.initializer.remove(init)


def logits_output(model):
    """Ends a rewritten graph at the head's logits [B,S,V] (output `logits`): the pooling max_s, log1p(relu(.)) and
    the special ids are left to the caller (the Java encoder's LOGITS path, train.py's ONNX Runtime evaluation).
    ONNX Runtime's ReduceMax over the positions of [1,S,V] cost as much as the whole int8 head (8 ms of ~40 per
    Debian document on one thread here); a plain max loop over the same floats takes under 1 ms."""
    g = model.graph
    bias_add = next(n for n in g.node if n.name == "fh_bias")
    old = bias_add.output[0]
    for n in g.node:
        n.input[:] = ["logits" if i == old else i for i in n.input]
    bias_add.output[0] = "logits"
    vocab = next(int(i.dims[0]) for i in g.initializer if i.name == "head_bias")
    del g.output[:]
    g.output.append(helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "seq", vocab]))
    drop_dead(g)
    return model


def main(src, dst, fp32=None, logits=False, signed=False):
    model = onnx.load(src)
    if not any(n.name == "fh_bias" for n in model.graph.node):  # not yet rewritten (a shipped model is)
        model = rewrite(model)
    if fp32 or signed:
        model = per_row_table(model, fp32)
    if logits:
        model = logits_output(model)
    onnx.checker.check_model(model)
    onnx.save(model, dst)


if __name__ == "__main__":
    flags = [a for a in sys.argv[1:] if a.startswith("--")]
    paths = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(*paths[:3], logits="--logits" in flags, signed="--signed" in flags)
