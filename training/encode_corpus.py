#!/usr/bin/env python3
"""Encodes a pre-tokenized corpus on the GPU with the weights of an exported model, for corpora too large for
ONNX Runtime on CPU within the GPU host's time (the real corpus of docs/BENCHMARKS.md).

The int8 model's weights are dequantized into splade.SpladeBert (splade.load_onnx_model) and run in fp32 on the GPU
(TF32 off): the same weights as the served int8 model, without its activation quantization. How close that is to
the served vectors is measured on the first --check texts, which also run through ONNX Runtime on CPU one text per
run as the Java encoder runs them: Jaccard of the kept term sets and the MRR-free weight error are printed.

Input: gzip'd JSON lines, documents {"id","text"} (256 tokens) and queries {"qid","text"} (64 tokens), tokenized
with --tokenizer; output: docs.tw.xz.partN and queries-model.tw.xz.partN in export_vectors.py's term-weights format,
xz-compressed instead of gzip, term ids delta-coded per row (keys: document ids, query ids; rows in input order).
"""
import argparse
import gzip
import json
import lzma
import os
import subprocess
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_vectors import rows_of, serialize  # noqa: E402
from splade import SpladeBert, load_onnx_model  # noqa: E402
from train import THRESHOLD, Tok, ort_encode_parallel, pad  # noqa: E402

PART = 15 * 1024 * 1024


def read_jsonl(path, key):
    ids, texts = [], []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            ids.append(str(row.get(key, row.get("id"))))
            texts.append(row["text"])
    return ids, texts


@torch.no_grad()
def encode_gpu(model, seqs, cap, batch=256):
    order = np.argsort([len(s) for s in seqs], kind="stable")
    idx = np.zeros((len(seqs), cap), np.int32)
    val = np.zeros((len(seqs), cap), np.float32)
    for s in range(0, len(seqs), batch):
        rows = order[s:s + batch]
        ii, mm = pad([seqs[r] for r in rows])
        w = model(torch.from_numpy(ii).cuda(), torch.from_numpy(mm).cuda()).float()
        v, i = torch.topk(w, cap, dim=1)
        v = torch.where(v >= THRESHOLD, v, torch.zeros_like(v))
        idx[rows], val[rows] = i.int().cpu().numpy(), v.cpu().numpy()
    return idx, val


def write_xz(out_dir, name, ids, rows):
    raw = os.path.join(out_dir, name + ".tw")
    with open(raw, "wb") as f:
        f.write(serialize(ids, rows, delta=True))
    if subprocess.call(["xz", "-T0", "-6", "-f", raw]) == 0:  # multi-threaded where the xz tool exists
        with open(raw + ".xz", "rb") as f:
            data = f.read()
        os.remove(raw + ".xz")
    else:
        with open(raw, "rb") as f:
            data = lzma.compress(f.read(), preset=6)
        os.remove(raw)
    for p in range(0, len(data), PART):
        with open(os.path.join(out_dir, f"{name}.tw.xz.part{p // PART}"), "wb") as f:
            f.write(data[p:p + PART])
    print(name, len(ids), "rows,", len(data), "bytes xz", flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--onnx", required=True)
    p.add_argument("--docs", required=True, help="documents, JSON lines (gzip)")
    p.add_argument("--queries", required=True, help="queries, JSON lines (gzip)")
    p.add_argument("--tokenizer", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--doc-cap", type=int, default=256)
    p.add_argument("--query-cap", type=int, default=64)
    p.add_argument("--check", type=int, default=1000)
    args = p.parse_args()
    t0 = time.time()
    tok = Tok(args.tokenizer)
    doc_ids, doc_texts = read_jsonl(args.docs, "id")
    query_ids, query_texts = read_jsonl(args.queries, "qid")
    docs, queries = tok(doc_texts, 256), tok(query_texts, 64)
    ids = {"docs": doc_ids, "queries": query_ids}
    print(f"tokenized {len(docs)} docs (mean {np.mean([len(d) for d in docs]):.1f} tokens), {len(queries)} queries "
          f"in {time.time() - t0:.1f}s", flush=True)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    model = load_onnx_model(SpladeBert(), args.onnx).cuda().eval()
    d_idx, d_val = encode_gpu(model, docs, args.doc_cap)
    q_idx, q_val = encode_gpu(model, queries, args.query_cap)
    print(f"encoded {len(docs)} docs, {len(queries)} queries on the GPU in {time.time() - t0:.1f}s", flush=True)
    n = min(args.check, len(docs))
    c_idx, c_val, _ = ort_encode_parallel(args.onnx, docs[:n], args.doc_cap, torch.device("cpu"), 16, 1, batch=1)
    c_idx, c_val = c_idx.numpy(), c_val.numpy()
    jac, rel = [], []
    for a, av, b, bv in zip(d_idx[:n], d_val[:n], c_idx, c_val):
        sa, sb = set(a[av > 0].tolist()), set(b[bv > 0].tolist())
        jac.append(len(sa & sb) / max(1, len(sa | sb)))
        wa = dict(zip(a.tolist(), av.tolist()))
        common = [(wa[t], w) for t, w in zip(b.tolist(), bv.tolist()) if w > 0 and t in wa]
        rel.append(np.mean([abs(x - y) / max(y, 1e-6) for x, y in common]) if common else 0.0)
    print(json.dumps({"check_docs": n, "jaccard_gpu_fp32_vs_ort_int8_per_text": round(float(np.mean(jac)), 4),
                      "jaccard_p10": round(float(np.percentile(jac, 10)), 4),
                      "mean_rel_weight_diff_common_terms": round(float(np.mean(rel)), 4),
                      "nnz_doc": round(float((d_val > 0).sum(1).mean()), 1),
                      "nnz_query": round(float((q_val > 0).sum(1).mean()), 1)}), flush=True)
    write_xz(args.out, "docs", ids["docs"], rows_of(d_idx, d_val))
    write_xz(args.out, "queries-model", ids["queries"], rows_of(q_idx, q_val))
    print(f"done in {time.time() - t0:.1f}s", flush=True)


if __name__ == "__main__":
    main()
