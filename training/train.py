#!/usr/bin/env python3
"""Trains, evaluates and exports the default SPLADE-style encoder (run on the GPU machine; see README.md).

Stages (each writes to --out and logs one JSON line per result to --out/metrics.jsonl):
  train     one run per --variants entry: 'inbatch' (the docs/ARCHITECTURE.md recipe) or 'bm25neg' (plus one BM25-mined hard
            negative per query); val metrics after training; the best run on val is kept (never test).
  test      the kept model on the test split: PyTorch (bf16 encode, fp32 scores) and the inference-free query side.
  export    ONNX with the pooling in the graph (inputs input_ids, attention_mask int64 [B,S]; output
            sparse_weights float [B,30522]), parity against PyTorch, dynamic int8 quantization (per-channel),
            ONNX Runtime (CPU) evaluation of the int8 model on test.
  ort       only --onnx through ONNX Runtime on test (an exported model brought back to the GPU machine).
  sim       only --onnx (comma-separated int8 models) on val, simulated int8 in PyTorch (a screen before 'ort').
  tiny      a random 2-layer, hidden-32 BERT exported with a logits [B,S,30522] output, for the encoder's tests.
Evaluation: docs capped at 256 terms, queries at 64, weights below 0.01 dropped; MRR@10, R@10, R@100, nDCG@10.
"""
import argparse
import json
import lzma
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import splade  # noqa: E402
from splade import SPECIAL_IDS, VOCAB, LogitsOnly, SpladeBert, load_minilm, load_onnx_model  # noqa: E402

DOC_CAP, QUERY_CAP, THRESHOLD = 256, 64, 0.01
T0 = time.time()
LOG = None


def log(*args, **metrics):
    msg = f"[{time.time() - T0:7.1f}s] " + " ".join(str(a) for a in args)
    if metrics:
        msg += " " + json.dumps(metrics, sort_keys=True)
    print(msg, flush=True)
    if LOG:
        with open(LOG, "a") as f:
            f.write(msg + "\n")


def record(out, **row):
    row["elapsed_s"] = round(time.time() - T0, 1)
    with open(os.path.join(out, "metrics.jsonl"), "a") as f:
        f.write(json.dumps(row, sort_keys=True) + "\n")
    log("RESULT", **row)


# ---------------------------------------------------------------- data

class Tok:
    """tokenizers' WordPiece from tokenizer.json (no padding, truncation at max_len); a crude fallback for
    local CPU smoke tests where the tokenizers package is missing."""

    def __init__(self, path):
        try:
            from tokenizers import Tokenizer
            self.tok = Tokenizer.from_file(path)
            self.tok.no_padding()
        except ImportError:
            self.tok = None
            vocab = json.load(open(path))["model"]["vocab"]
            self.vocab = vocab

    def __call__(self, texts, max_len):
        if self.tok is not None:
            self.tok.enable_truncation(max_length=max_len)
            return [np.array(e.ids, dtype=np.int64) for e in self.tok.encode_batch(texts)]
        out = []
        for t in texts:
            ids = [self.vocab.get(w, 100) for w in t.lower().split()][: max_len - 2]
            out.append(np.array([101] + ids + [102], dtype=np.int64))
        return out


def pad(seqs):
    n = max(len(s) for s in seqs)
    ids = np.zeros((len(seqs), n), dtype=np.int64)
    mask = np.zeros((len(seqs), n), dtype=np.int64)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = s
        mask[i, : len(s)] = 1
    return ids, mask


def load_data(args):
    with lzma.open(os.path.join(args.data, "corpus.json.xz"), "rt", encoding="utf-8") as f:
        corpus = json.load(f)
    if args.smoke:
        keep_docs = set()
        for name in ("train", "val", "test"):
            corpus["queries"][name] = corpus["queries"][name][: args.smoke]
            keep_docs.update(q[2] for q in corpus["queries"][name])
        # small corpus: the gold docs plus some others, indices remapped
        keep = sorted(keep_docs | set(range(0, len(corpus["doc_texts"]), 200)))
        remap = {d: i for i, d in enumerate(keep)}
        corpus["doc_texts"] = [corpus["doc_texts"][d] for d in keep]
        corpus["doc_ids"] = [corpus["doc_ids"][d] for d in keep]
        for name in ("train", "val", "test"):
            corpus["queries"][name] = [[q[0], q[1], remap[q[2]]] for q in corpus["queries"][name]]
        corpus["negatives"] = None
    else:
        negs = np.load(os.path.join(args.data, "bm25_negatives.npy"))
        assert negs.shape[0] == len(corpus["queries"]["train"])
        corpus["negatives"] = negs
    if args.extra and not args.smoke:  # mine_pairs.py: training-only pairs from other Debian releases, never held-out text
        with lzma.open(os.path.join(args.extra, "extra.json.xz"), "rt", encoding="utf-8") as f:
            extra = json.load(f)
        extra["negatives"] = np.load(os.path.join(args.extra, "extra_negatives.npy"))
        assert extra["negatives"].shape[0] == len(extra["queries"])
        corpus["extra"] = extra
    return corpus


def extra_training_set(corpus, doc_tok, tok, args):
    """Token ids of the extra pairs; an extra document equal to a corpus document keeps the corpus index (so the
    in-batch duplicate mask sees it), every other one is numbered after the corpus."""
    extra = corpus["extra"]
    index = {t: i for i, t in enumerate(corpus["doc_texts"])}
    own = [index.get(t, -1) for t in extra["doc_texts"]]
    new = [i for i, o in enumerate(own) if o < 0]
    number = {e: len(doc_tok) + k for k, e in enumerate(new)}
    gold = np.array([own[q[2]] if own[q[2]] >= 0 else number[q[2]] for q in extra["queries"]])
    return {"q_tok": tok([q[1] for q in extra["queries"]], args.query_len),
            "doc_tok": tok([extra["doc_texts"][e] for e in new], args.doc_len),
            "gold": gold, "negatives": extra["negatives"]}


# ---------------------------------------------------------------- training

def variant_args(spec, args):
    """'bm25neg:epochs=10:negatives=2' -> (spec, a copy of args with those overrides)."""
    name, *overrides = spec.split(":")
    a = argparse.Namespace(**vars(args))
    a.kind = name
    for o in overrides:
        k, v = o.split("=")
        k = k.replace("-", "_")
        setattr(a, k, type(getattr(a, k))(v))
    return a


def train(variant, corpus, doc_tok, q_tok, args, device):
    args = variant_args(variant, args)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    if args.init_onnx:  # continue from an exported model (e.g. the shipped one) instead of MiniLM-L6
        model = load_onnx_model(SpladeBert(), args.init_onnx).to(device)
    else:
        model = load_minilm(SpladeBert(), os.path.join(args.data, "minilm_fp16.npz")).to(device)
    model.qat = bool(args.qat)  # simulate the int8 graph in every forward pass, val included (splade.QAT_MASK)
    teacher = None
    if args.distill > 0:  # soft in-batch rankings of a frozen teacher (e.g. the shipped model, no term cap)
        teacher = load_onnx_model(SpladeBert(), args.teacher_onnx).to(device).eval().requires_grad_(False)
    train_q = corpus["queries"]["train"]
    gold = np.array([q[2] for q in train_q])
    negs = corpus["negatives"]
    q_tok, d_tok = list(q_tok), doc_tok
    if args.extra_pairs:  # train queries + the extra pairs (extra_training_set)
        ex = corpus["extra_set"]
        q_tok, d_tok = q_tok + ex["q_tok"], list(doc_tok) + ex["doc_tok"]
        gold = np.concatenate([gold, ex["gold"]])
        negs = None if negs is None else np.concatenate([negs, ex["negatives"]])
    if args.neg_source != "bm25":  # hard negatives from the starting model itself, mined once before training
        mined = mine_negatives(model, corpus, doc_tok, q_tok, gold, args, device)
        negs = mined if args.neg_source == "model" or negs is None else np.concatenate([negs, mined], axis=1)
    n = len(q_tok)
    bs = min(args.batch, n)
    steps_per_epoch = n // bs
    total = steps_per_epoch * args.epochs
    warmup = max(1, int(0.06 * total))
    ramp = max(1, total // 3)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / (total - warmup))))
    log(f"{variant}: {n} training queries, {len(d_tok)} documents")
    use_negs = args.kind == "bm25neg" and negs is not None
    amp = device.type == "cuda"
    model.train()
    step = 0
    t_start = time.time()
    for epoch in range(args.epochs):
        order = rng.permutation(n)
        for b in range(steps_per_epoch):
            idx = order[b * bs:(b + 1) * bs]
            doc_idx = gold[idx]
            if use_negs:
                depth = negs.shape[1] if args.neg_source == "mix" else min(args.neg_depth, negs.shape[1])
                pick = np.argsort(rng.random((len(idx), depth)), axis=1)[:, :args.negatives]
                doc_idx = np.concatenate([doc_idx, negs[idx[:, None], pick].T.reshape(-1)])
            qi, qm = pad([q_tok[i] for i in idx])
            di, dm = pad([d_tok[d] for d in doc_idx])
            qi, qm, di, dm = (torch.from_numpy(x).to(device, non_blocking=True) for x in (qi, qm, di, dm))
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=amp):
                q = model(qi, qm).float()
                d = model(di, dm).float()
            if args.doc_topk > 0:  # train as served: a document scores with its K heaviest terms only
                d = d * keep_topk(d, args.doc_topk)
            scores = q @ d.T
            dd = torch.from_numpy(doc_idx).to(device)
            dup = (dd[None, :] == dd[: len(idx), None])
            dup[torch.arange(len(idx)), torch.arange(len(idx))] = False
            scores = scores.masked_fill(dup, float("-inf"))
            ce = F.cross_entropy(scores, torch.arange(len(idx), device=device))
            lam = min(1.0, (step + 1) / ramp) ** 2
            flops_q = (q.mean(0) ** 2).sum()
            flops_d = (d.mean(0) ** 2).sum()
            loss = ce + lam * (args.lambda_q * flops_q + args.lambda_d * flops_d)
            kd = torch.zeros((), device=device)
            if teacher is not None:  # KL(teacher || student) over each query's in-batch documents
                with torch.no_grad(), torch.autocast(device.type, dtype=torch.bfloat16, enabled=amp):
                    t_scores = (teacher(qi, qm).float() @ teacher(di, dm).float().T).masked_fill(dup, -1e4)
                kd = F.kl_div(F.log_softmax(scores.masked_fill(dup, -1e4), 1), F.log_softmax(t_scores, 1),
                              log_target=True, reduction="batchmean")
                loss = loss + args.distill * kd
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            if step % 100 == 0 or step == total:
                log(f"{variant} epoch {epoch} step {step}/{total} loss {loss.item():.4f} ce {ce.item():.4f} kd {kd.item():.4f} "
                    f"flops_q {flops_q.item():.2f} flops_d {flops_d.item():.2f} "
                    f"nnz_q {(q > 0).sum(1).float().mean().item():.0f} nnz_d {(d > 0).sum(1).float().mean().item():.0f} "
                    f"{(time.time() - t_start) / step:.3f}s/step")
    model.eval()
    return model, round(time.time() - t_start, 1)


def mine_negatives(model, corpus, doc_tok, q_tok, gold, args, device):
    """Each training query's `neg_depth` best corpus documents under `model` (documents capped as in training,
    queries at QUERY_CAP), never its own document nor a val/test query's document (as prepare.py's BM25
    negatives: nothing about the held-out queries enters training)."""
    model.eval()
    n_docs = len(corpus["doc_texts"])
    banned = torch.zeros(n_docs, dtype=torch.bool, device=device)
    banned[[q[2] for split in ("val", "test") for q in corpus["queries"][split]]] = True
    d_idx, d_val = encode_torch(model, doc_tok[:n_docs], args.doc_topk or DOC_CAP, device)
    doc_dense = densify(d_idx, d_val, device)
    q_idx, q_val = encode_torch(model, q_tok, QUERY_CAP, device)
    out = np.zeros((len(q_tok), args.neg_depth), dtype=np.int64)
    for s in range(0, len(q_tok), 1024):
        scores = densify(q_idx[s:s + 1024], q_val[s:s + 1024], device) @ doc_dense.T
        scores[:, banned] = float("-inf")
        g = torch.as_tensor(gold[s:s + 1024], device=device)
        own = g < n_docs
        scores[torch.nonzero(own).squeeze(1), g[own]] = float("-inf")
        out[s:s + 1024] = torch.topk(scores, args.neg_depth, dim=1).indices.cpu().numpy()
    del doc_dense
    assert not np.isin(out, torch.nonzero(banned).squeeze(1).cpu().numpy()).any()
    assert not (out == gold[:, None]).any()
    model.train()
    log(f"mined {out.shape} negatives with the starting model")
    return out


# ---------------------------------------------------------------- encoding and evaluation

def keep_topk(w, k):
    """0/1 mask of each row's k largest entries (no gradient through the selection)."""
    with torch.no_grad():
        idx = torch.topk(w, min(k, w.shape[1]), dim=1).indices
        return torch.zeros_like(w).scatter_(1, idx, 1.0)


def topk_sparse(w, cap):
    vals, idx = torch.topk(w, cap, dim=1)
    vals = torch.where(vals >= THRESHOLD, vals, torch.zeros_like(vals))
    return idx.int(), vals.float()


@torch.no_grad()
def encode_torch(model, seqs, cap, device, batch=512, amp=True):
    order = np.argsort([len(s) for s in seqs], kind="stable")
    idx_out = torch.zeros((len(seqs), cap), dtype=torch.int32, device=device)
    val_out = torch.zeros((len(seqs), cap), dtype=torch.float32, device=device)
    raw_terms = 0
    for s in range(0, len(seqs), batch):
        rows = order[s:s + batch]
        ii, mm = pad([seqs[r] for r in rows])
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=amp and device.type == "cuda"):
            w = model(torch.from_numpy(ii).to(device), torch.from_numpy(mm).to(device)).float()
        raw_terms += int((w >= THRESHOLD).sum())
        i, v = topk_sparse(w, cap)
        r = torch.from_numpy(rows).to(device)
        idx_out[r], val_out[r] = i, v
    encode_torch.raw_terms = round(raw_terms / max(1, len(seqs)), 1)
    return idx_out, val_out


def densify(idx, val, device):
    m = torch.zeros((idx.shape[0], VOCAB), dtype=torch.float32, device=device)
    m.scatter_(1, idx.long(), val)
    return m


def evaluate(doc_dense, q_idx, q_val, gold, device, chunk=1024):
    ranks = []
    for s in range(0, q_idx.shape[0], chunk):
        q = densify(q_idx[s:s + chunk], q_val[s:s + chunk], device)
        scores = q @ doc_dense.T
        top = torch.topk(scores, min(100, scores.shape[1]), dim=1).indices
        g = torch.as_tensor(gold[s:s + chunk], device=device)
        hit = (top == g[:, None])
        pos = torch.where(hit.any(1), hit.float().argmax(1) + 1, torch.full_like(g, 10 ** 6))
        ranks.append(pos.cpu())
    r = torch.cat(ranks).double()
    return {
        "mrr@10": round(float(torch.where(r <= 10, 1.0 / r, torch.zeros_like(r)).mean()), 4),
        "r@10": round(float((r <= 10).double().mean()), 4),
        "r@100": round(float((r <= 100).double().mean()), 4),
        "ndcg@10": round(float(torch.where(r <= 10, 1.0 / torch.log2(r + 1), torch.zeros_like(r)).mean()), 4),
        "queries": int(len(r)),
    }


def nnz(val):
    return round(float((val > 0).sum(1).float().mean()), 1)


def inference_free(doc_dense, q_seqs, device):
    """Query = its distinct non-special token ids weighted by IDF over the encoded corpus (BM25's idf form)."""
    n = doc_dense.shape[0]
    df = (doc_dense > 0).sum(0).double()
    idf = torch.log1p((n - df + 0.5) / (df + 0.5)).float()
    idf[df == 0] = 0.0
    idf[list(SPECIAL_IDS)] = 0.0
    idx = torch.zeros((len(q_seqs), QUERY_CAP), dtype=torch.int32, device=device)
    val = torch.zeros((len(q_seqs), QUERY_CAP), dtype=torch.float32, device=device)
    for i, s in enumerate(q_seqs):
        ids = torch.as_tensor(np.unique(s), device=device)
        w = idf[ids]
        k = min(QUERY_CAP, len(ids))
        top = torch.topk(w, k)
        idx[i, :k] = ids[top.indices].int()
        val[i, :k] = top.values
    return idx, val


def eval_split(model, name, corpus, doc_tok, q_toks, device, doc_cache=None, free=False, amp=True):
    if doc_cache is None:
        d_idx, d_val = encode_torch(model, doc_tok, DOC_CAP, device, amp=amp)
        doc_cache = (densify(d_idx, d_val, device), nnz(d_val), encode_torch.raw_terms)
    doc_dense, doc_nnz, doc_raw = doc_cache
    qs = q_toks[name]
    gold = np.array([q[2] for q in corpus["queries"][name]])
    q_idx, q_val = encode_torch(model, qs, QUERY_CAP, device, amp=amp)
    # nnz_*: after the caps (what the index holds); terms_*_uncapped: weights >= THRESHOLD before the caps
    res = {"split": name, **evaluate(doc_dense, q_idx, q_val, gold, device), "nnz_doc": doc_nnz,
           "nnz_query": nnz(q_val), "terms_doc_uncapped": doc_raw, "terms_query_uncapped": encode_torch.raw_terms}
    out = [res]
    if free:
        fi, fv = inference_free(doc_dense, qs, device)
        out.append({"split": name, "query_side": "inference-free-idf",
                    **evaluate(doc_dense, fi, fv, gold, device), "nnz_doc": doc_nnz, "nnz_query": nnz(fv)})
    return out, doc_cache


# ---------------------------------------------------------------- export

def export_onnx(module, path, output_name):
    splade.USE_SDPA = False
    try:
        how, size = _export_onnx(module, path, output_name)
    finally:
        splade.USE_SDPA = True
    return how, size, fix_ir_version(path)


def fix_ir_version(path, max_ir=10):
    """Opset-18 graphs need no IR version past 10; older ONNX Runtimes (the Java side's) reject newer ones."""
    import onnx
    m = onnx.load(path)
    opsets = {o.domain or "ai.onnx": o.version for o in m.opset_import}
    if m.ir_version > max_ir and opsets.get("ai.onnx", 99) <= 21:
        m.ir_version = max_ir
        onnx.save(m, path)
    return {"ir_version": m.ir_version, "opsets": opsets}


def _export_onnx(module, path, output_name):
    module = module.cpu().float().eval()
    ids = torch.randint(1000, 2000, (3, 17))
    mask = torch.ones_like(ids)
    mask[1, 12:] = 0
    names = ["input_ids", "attention_mask"]
    try:
        batch, seq = torch.export.Dim("batch"), torch.export.Dim("seq", max=512)
        kw = dict(input_names=names, output_names=[output_name], dynamo=True, external_data=False, opset_version=18,
                  dynamic_shapes={"input_ids": {0: batch, 1: seq}, "attention_mask": {0: batch, 1: seq}})
        torch.onnx.export(module, (ids, mask), path, **kw)
        how = "dynamo"
    except Exception as e:  # noqa: BLE001 - fall back to the TorchScript exporter, without folding the tie
        log("dynamo export failed, falling back to TorchScript:", repr(e)[:2000])
        axes = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                output_name: {0: "batch"} if output_name == "sparse_weights" else {0: "batch", 1: "seq"}}
        torch.onnx.export(module, (ids, mask), path, input_names=names, output_names=[output_name],
                          dynamic_axes=axes, dynamo=False, opset_version=17, do_constant_folding=False)
        how = "torchscript"
    return how, os.path.getsize(path)


def ort_session(path, threads):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


_WORKER = {}


def run_pooled(sess, ids, mask):
    """Pooled weights [B,V] from a model with the pooling inside (output sparse_weights) or a logits [B,S,V] one
    (fast_head.py --logits: padded positions repeat position 0, so a plain max over positions is the pooling)."""
    name = sess.get_outputs()[0].name
    out = sess.run([name], {"input_ids": ids, "attention_mask": mask})[0]
    if out.ndim == 2:
        return out
    w = np.log1p(np.maximum(out.max(axis=1), 0.0))
    w[:, [i for i in SPECIAL_IDS if i < w.shape[1]]] = 0.0
    return w


def _ort_init(path, threads):
    _WORKER["sess"] = ort_session(path, threads)


def _ort_batch(job):
    rows, seqs, cap = job
    ii, mm = pad(seqs)
    w = run_pooled(_WORKER["sess"], ii, mm)
    top = np.argpartition(-w, cap - 1, axis=1)[:, :cap]
    vals = np.take_along_axis(w, top, 1)
    vals[vals < THRESHOLD] = 0.0
    return rows, top.astype(np.int32), vals.astype(np.float32), int((w >= THRESHOLD).sum())


def ort_encode_parallel(path, seqs, cap, device, workers=4, threads=4, batch=32):
    """ONNX Runtime on CPU, `workers` processes of `threads` intra-op threads each (one session scales poorly)."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor
    order = np.argsort([len(s) for s in seqs], kind="stable")
    jobs = [(order[s:s + batch], [seqs[r] for r in order[s:s + batch]], cap) for s in range(0, len(seqs), batch)]
    idx_out = np.zeros((len(seqs), cap), dtype=np.int32)
    val_out = np.zeros((len(seqs), cap), dtype=np.float32)
    raw = 0
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn"), initializer=_ort_init,
                             initargs=(path, threads)) as ex:
        for rows, i, v, n in ex.map(_ort_batch, jobs, chunksize=4):
            idx_out[rows], val_out[rows] = i, v
            raw += n
    return (torch.from_numpy(idx_out).to(device), torch.from_numpy(val_out).to(device),
            round(raw / max(1, len(seqs)), 1))


def ort_encode(sess, seqs, cap, device, batch=32):
    order = np.argsort([len(s) for s in seqs], kind="stable")
    idx_out = torch.zeros((len(seqs), cap), dtype=torch.int32, device=device)
    val_out = torch.zeros((len(seqs), cap), dtype=torch.float32, device=device)
    raw = 0
    for s in range(0, len(seqs), batch):
        rows = order[s:s + batch]
        ii, mm = pad([seqs[r] for r in rows])
        w = run_pooled(sess, ii, mm)
        raw += int((w >= THRESHOLD).sum())
        i, v = topk_sparse(torch.from_numpy(w).to(device), cap)
        r = torch.from_numpy(rows).to(device)
        idx_out[r], val_out[r] = i, v
    return idx_out, val_out, round(raw / max(1, len(seqs)), 1)


def head_matmul_nodes(path):
    import onnx
    m = onnx.load(path)
    shapes = {i.name: tuple(i.dims) for i in m.graph.initializer}
    out = []
    for n in m.graph.node:
        if n.op_type in ("MatMul", "Gemm") and any(VOCAB in shapes.get(i, ()) for i in n.input):
            out.append(n.name)
    return out


def quantize(src, dst, exclude_head=False):
    from onnxruntime.quantization import QuantType, quantize_dynamic
    exclude = head_matmul_nodes(src) if exclude_head else []
    quantize_dynamic(src, dst, weight_type=QuantType.QInt8, per_channel=True, nodes_to_exclude=exclude)
    return os.path.getsize(dst), exclude


def tiny_model(args):
    torch.manual_seed(0)
    tiny = SpladeBert(vocab=VOCAB, hidden=32, layers=2, heads=2, inter=64, max_pos=128)
    path = os.path.join(args.out, "tiny-logits-model.onnx")
    how, size, ir = export_onnx(LogitsOnly(tiny), path, "logits")
    sess = ort_session(path, 1)
    ids = np.array([[101, 7592, 2088, 102], [101, 7592, 102, 0]], dtype=np.int64)
    mask = (ids > 0).astype(np.int64)
    with torch.no_grad():
        ref = tiny.logits(torch.from_numpy(ids), torch.from_numpy(mask)).numpy()
    got = sess.run(["logits"], {"input_ids": ids, "attention_mask": mask})[0]
    record(args.out, stage="tiny", exporter=how, bytes=size, **ir, shape=list(got.shape),
           max_abs_diff=float(np.abs(ref - got).max()))


# ---------------------------------------------------------------- main

def main():
    global LOG, DOC_CAP
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--stages", default="train,test,export,tiny")
    p.add_argument("--variants", default="inbatch")
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--lr", type=float, default=5e-5)
    p.add_argument("--lambda-q", type=float, default=3e-2)
    p.add_argument("--lambda-d", type=float, default=1e-2)
    p.add_argument("--neg-depth", type=int, default=32)
    p.add_argument("--negatives", type=int, default=1, help="BM25 negatives per query (bm25neg)")
    p.add_argument("--neg-source", default="bm25",
                   help="bm25neg's negatives: bm25 (prepare.py), model (mined by the starting model) or mix (both)")
    p.add_argument("--onnx", help="stage 'ort': the exported model to evaluate on test with ONNX Runtime")
    p.add_argument("--max-doc-terms", type=float, default=1e9,
                   help="keep the best val variant among those whose documents average at most this many terms "
                        ">= 0.01 before the cap (else the sparsest)")
    p.add_argument("--keep-above", type=float, default=0.0,
                   help="stop after training unless the best val MRR@10 exceeds this (a model kept from before)")
    p.add_argument("--doc-len", type=int, default=128)
    p.add_argument("--eval-doc-len", type=int, default=0, help="document tokens when evaluating (0: --doc-len)")
    p.add_argument("--doc-cap", type=int, default=256, help="terms kept per document when evaluating/serving")
    p.add_argument("--doc-topk", type=int, default=0, help="train with only each document's K heaviest terms")
    p.add_argument("--init-onnx", help="start from this exported model (dequantized) instead of MiniLM-L6")
    p.add_argument("--qat", type=int, default=0,
                   help="1: quantization-aware training (the int8 graph simulated in the forward pass, val too)")
    p.add_argument("--distill", type=float, default=0.0,
                   help="weight of a KL term pulling the in-batch score distribution towards --teacher-onnx's")
    p.add_argument("--teacher-onnx", help="the frozen teacher of --distill (an exported model, dequantized)")
    p.add_argument("--logits-output", action="store_true",
                   help="export (with --fast-head): the int8 graph ends at the logits [B,S,V]; pooling by the caller")
    p.add_argument("--fast-head", action="store_true",
                   help="export: rewrite the int8 model's head (fast_head.py) and evaluate it one text per run")
    p.add_argument("--extra", help="folder of mine_pairs.py's extra pairs (extra.json.xz, extra_negatives.npy)")
    p.add_argument("--extra-pairs", type=int, default=0, help="1: train on the --extra pairs too (variant option)")
    p.add_argument("--query-len", type=int, default=32)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--ort-threads", type=int, default=os.cpu_count())
    p.add_argument("--skip-after", type=float, default=1e9, help="train no further variant after this many s")
    p.add_argument("--ort-workers", type=int, default=4)
    p.add_argument("--ort-splits", default="test", help="splits the ONNX Runtime evaluation reports")
    p.add_argument("--write-vectors", action="store_true",
                   help="write the ONNX Runtime evaluation's vectors (docs, model queries) as .tw.gz files")
    p.add_argument("--ort-eval-before", type=float, default=1e9, help="skip the int8 evaluation after this many s")
    p.add_argument("--smoke", type=int, default=0, help="use only N queries per split (CPU smoke test)")
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    LOG = os.path.join(args.out, "train.log")
    stages = set(args.stages.split(","))
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    log("torch", torch.__version__, "device", device, "args", vars(args))
    torch.backends.cuda.matmul.allow_tf32 = True

    if "tiny" in stages:
        try:
            tiny_model(args)
        except Exception:  # noqa: BLE001 - the tiny model must not stop the training run
            import traceback
            log("tiny model failed:", traceback.format_exc())

    DOC_CAP = args.doc_cap
    corpus = load_data(args)
    tok = Tok(os.path.join(args.data, "tokenizer.json"))
    doc_tok = tok(corpus["doc_texts"], args.doc_len)
    eval_doc_tok = tok(corpus["doc_texts"], args.eval_doc_len) if args.eval_doc_len else doc_tok
    q_toks = {n: tok([q[1] for q in corpus["queries"][n]], args.query_len) for n in ("train", "val", "test")}
    log("tokenized", len(doc_tok), "docs; mean doc tokens", float(np.mean([len(s) for s in doc_tok])))
    if "extra" in corpus:
        corpus["extra_set"] = extra_training_set(corpus, doc_tok, tok, args)
        log("extra pairs", len(corpus["extra_set"]["q_tok"]), "new documents", len(corpus["extra_set"]["doc_tok"]))

    if "sim" in stages:  # exported int8 models, simulated in PyTorch (splade.QAT_MASK) on val: a cheap screen
        for path in args.onnx.split(","):
            model = load_onnx_model(SpladeBert(), path).to(device).eval()
            model.qat = True
            res, _ = eval_split(model, "val", corpus, eval_doc_tok, q_toks, device)
            record(args.out, stage="sim-val", variant=os.path.basename(path), **res[0])
            del model
        return

    if "ort" in stages:
        ort_test(args.onnx, os.path.basename(args.onnx), corpus, eval_doc_tok, q_toks, args, device)
        return
    best = None
    if "train" in stages:
        for variant in args.variants.split(","):
            if best is not None and time.time() - T0 > args.skip_after:
                log("skipping variant", variant, "(past --skip-after)")
                continue
            model, secs = train(variant, corpus, doc_tok, q_toks["train"], args, device)
            res, _ = eval_split(model, "val", corpus, eval_doc_tok, q_toks, device)
            record(args.out, stage="val", variant=variant, train_s=secs, **res[0])
            sparse_enough = res[0]["terms_doc_uncapped"] <= args.max_doc_terms
            key = (sparse_enough, res[0]["mrr@10"] if sparse_enough else -res[0]["terms_doc_uncapped"])
            if best is None or key > best[3]:
                best = (variant, res[0]["mrr@10"], model, key)
            else:
                del model
            torch.cuda.empty_cache() if device.type == "cuda" else None
        log("kept", best[0], "val mrr@10", best[1])
        if best[1] <= args.keep_above:
            log("no variant beats --keep-above", args.keep_above, "; stopping")
            return
        torch.save(best[2].state_dict(), os.path.join("/tmp", "best.pt"))
    if best is None:
        return
    variant, _, model, _ = best

    fp32_test = None
    if "test" in stages:
        torch.backends.cuda.matmul.allow_tf32 = False
        res, doc_cache = eval_split(model, "test", corpus, eval_doc_tok, q_toks, device, free=True, amp=False)
        for r in res:
            record(args.out, stage="test", variant=variant,
                   encoder="pytorch-fp32" + ("-qat-simulated-int8" if model.qat else ""), **r)
        fp32_test = res[0]["mrr@10"]
        del doc_cache
        torch.cuda.empty_cache() if device.type == "cuda" else None

    if "export" in stages:
        work = f"/tmp/export-{os.getpid()}"  # runs in parallel on one machine must not share it
        os.makedirs(work, exist_ok=True)
        fp32 = os.path.join(work, "model-fp32.onnx")
        model.qat = False  # the float graph; ONNX Runtime's quantization is what QAT simulated
        how, size, ir = export_onnx(model, fp32, "sparse_weights")
        sess = ort_session(fp32, args.ort_threads)
        ii, mm = pad(doc_tok[:16])
        with torch.no_grad():
            ref = model(torch.from_numpy(ii), torch.from_numpy(mm)).numpy()
        got = sess.run(["sparse_weights"], {"input_ids": ii, "attention_mask": mm})[0]
        record(args.out, stage="export", exporter=how, bytes=size, **ir, max_abs_diff=float(np.abs(ref - got).max()),
               inputs=[i.name for i in sess.get_inputs()], outputs=[(o.name, o.shape) for o in sess.get_outputs()])
        int8 = os.path.join(work, "model-int8.onnx")
        qsize, excluded = quantize(fp32, int8)
        if args.fast_head:
            import fast_head
            fast_head.main(int8, int8, fp32, logits=args.logits_output)
            qsize = os.path.getsize(int8)
        ir8 = fix_ir_version(int8)
        s8 = ort_session(int8, args.ort_threads)
        # bring the int8 model back in pieces under 16 MiB
        with open(int8, "rb") as f:
            data = f.read()
        part = 15 * 1024 * 1024
        for k in range(0, len(data), part):
            with open(os.path.join(args.out, f"model-int8.onnx.part{k // part}"), "wb") as g:
                g.write(data[k:k + part])
        # reference output for the Java side: top terms of two texts through the int8 model
        probe = tok(["Real-time strategy game of ancient warfare", corpus["doc_texts"][0]], args.doc_len)
        pi, pm = pad(probe)
        pw = run_pooled(s8, pi, pm)
        tops = [[[int(j), round(float(r[j]), 4)] for j in np.argsort(-r)[:10]] for r in pw]
        record(args.out, stage="probe", ids=[p.tolist() for p in probe], top_terms=tops,
               nnz=[int((r > 0).sum()) for r in pw])
        log("int8 model", len(data), "bytes in", (len(data) + part - 1) // part, "parts")
        if time.time() - T0 > args.ort_eval_before:
            log("skipping the ONNX Runtime int8 evaluation (past --ort-eval-before)")
            return
        got8 = run_pooled(s8, ii, mm)
        model.to(device)
        ort_test(int8, variant, corpus, eval_doc_tok, q_toks, args, device, bytes=qsize, excluded=excluded, **ir8,
                 max_abs_diff_vs_fp32=float(np.abs(got8 - ref).max()))


def ort_test(path, variant, corpus, doc_tok, q_toks, args, device, **extra):
    """The exported model through ONNX Runtime on CPU, over --ort-splits: model queries and inference-free.
    Models marked per-text (fast_head.py) run one text per model run, as the Java encoder runs them."""
    t = time.time()
    w, th = args.ort_workers, max(1, args.ort_threads // args.ort_workers)
    batch = 1 if per_text(path) else 32
    name = "onnxruntime-int8-per-channel" + ("-per-text" if batch == 1 else "")
    d_idx, d_val, d_raw = ort_encode_parallel(path, doc_tok, DOC_CAP, device, w, th, batch=batch)
    enc_s = time.time() - t
    doc_dense = densify(d_idx, d_val, device)
    if args.write_vectors:  # the vectors behind these numbers, for the Java side (export_vectors.py's format)
        import export_vectors as ev
        ev.write(args.out, "docs", corpus["doc_ids"], ev.rows_of(d_idx.cpu().numpy(), d_val.cpu().numpy()))
    for split in args.ort_splits.split(","):
        q_idx, q_val, q_raw = ort_encode_parallel(path, q_toks[split], QUERY_CAP, device, w, th, batch=batch)
        if args.write_vectors:
            ev.write(args.out, f"queries-{split}-model", [str(q[0]) for q in corpus["queries"][split]],
                     ev.rows_of(q_idx.cpu().numpy(), q_val.cpu().numpy()))
        gold = np.array([q[2] for q in corpus["queries"][split]])
        res = evaluate(doc_dense, q_idx, q_val, gold, device)
        record(args.out, stage=split, variant=variant, encoder=name, **extra, docs_per_s=round(len(doc_tok) / enc_s, 1),
               ort_threads=args.ort_threads, ort_workers=w, split=split, **res, nnz_doc=nnz(d_val),
               nnz_query=nnz(q_val), terms_doc_uncapped=d_raw, terms_query_uncapped=q_raw, doc_cap=DOC_CAP,
               doc_tokens=max(len(x) for x in doc_tok))
        fi, fv = inference_free(doc_dense, q_toks[split], device)
        record(args.out, stage=split, variant=variant, encoder=name, query_side="inference-free-idf", split=split,
               **evaluate(doc_dense, fi, fv, gold, device), nnz_doc=nnz(d_val), nnz_query=nnz(fv))


def per_text(path):
    import onnx
    meta = {p.key: p.value for p in onnx.load(path, load_external_data=False).metadata_props}
    return meta.get("streamsparse.per_text_runs") == "true"


if __name__ == "__main__":
    main()
