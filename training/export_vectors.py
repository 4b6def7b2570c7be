#!/usr/bin/env python3
"""Encodes the Debian set with an exported model through ONNX Runtime (CPU) and writes the vectors in the small
term-weights format that `io.streamsparse.bench.ImportTermWeights` turns into the benchmark's vector files.

Runs where many cores are (the GPU machine's 16): the int8 model encodes ~290 documents/s there, ~19 on this
2-core machine. Documents: up to 256 tokens, 256 heaviest terms; model queries: 64 tokens, 64 terms; weights
below 0.01 dropped (the Java encoder's defaults). Inference-free queries: distinct non-special token ids weighted
by idf over the encoded documents (train.py's definition).

Format (`.tw`, gzip-compressed, cut into parts of at most 15 MiB: NAME.tw.gz.part0, part1, ...):
  'TW1' count:int32   then per row:  idLength:uint16 id:utf8  nnz:uint16  termId:uint16{nnz} (ascending)
                                     scale:float32  code:uint8{nnz}      (weight = code * scale)
All numbers little-endian. u8 codes with a per-row scale are what the engine stores anyway (Quantization.U8).
"""
import argparse
import gzip
import io
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
PART = 15 * 1024 * 1024


def rows_of(idx, val):
    for i, v in zip(idx, val):
        keep = v > 0
        i, v = i[keep], v[keep]
        order = np.argsort(i)
        yield i[order].astype(np.uint16), v[order].astype(np.float32)


def serialize(ids, rows, delta=False):
    """The uncompressed term-weights bytes ('TW1', count, rows); delta=True stores each row's ascending term ids as
    differences (first id, then gaps), which compress far better (undo with a cumulative sum per row)."""
    buf = io.BytesIO()
    ids = list(ids)
    buf.write(b"TW1" + struct.pack("<i", len(ids)))
    for key, (terms, weights) in zip(ids, rows):
        k = key.encode("utf-8")
        top = float(weights.max()) if len(weights) else 0.0
        scale = top / 255.0 if top > 0 else 1.0
        codes = np.clip(np.rint(weights / scale), 1, 255).astype(np.uint8)
        buf.write(struct.pack("<H", len(k)) + k + struct.pack("<H", len(terms)))
        stored = np.diff(terms.astype(np.int64), prepend=0) if delta else terms
        buf.write(stored.astype("<u2").tobytes() + struct.pack("<f", scale) + codes.tobytes())
    return buf.getvalue()


def write(out_dir, name, ids, rows):
    ids = list(ids)
    data = gzip.compress(serialize(ids, rows), 6)
    for p in range(0, len(data), PART):
        with open(os.path.join(out_dir, f"{name}.tw.gz.part{p // PART}"), "wb") as f:
            f.write(data[p:p + PART])
    print(name, len(ids), "rows,", len(data), "bytes compressed", flush=True)


def inference_free(doc_rows, n_docs, q_seqs, cap):
    from splade import SPECIAL_IDS, VOCAB
    df = np.zeros(VOCAB, dtype=np.float64)
    for terms, _ in doc_rows:
        df[terms] += 1
    idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
    idf[df == 0] = 0.0
    idf[list(SPECIAL_IDS)] = 0.0
    for s in q_seqs:
        t = np.unique(s)
        w = idf[t]
        t, w = t[w > 0], w[w > 0]
        top = np.argsort(-w, kind="stable")[:cap]
        t, w = t[top], w[top]
        order = np.argsort(t)
        yield t[order].astype(np.uint16), w[order].astype(np.float32)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True, help="training/data/carry (corpus.json.xz, tokenizer.json)")
    p.add_argument("--onnx", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--splits", default="val,test")
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--doc-cap", type=int, default=256, help="terms kept per document")
    p.add_argument("--queries-only", action="store_true",
                   help="model queries only (no documents, no inference-free queries: those need the documents)")
    args = p.parse_args()
    args.smoke = 0
    args.extra = None  # load_data reads it (train.py --extra); no extra pairs here
    import torch
    from train import THRESHOLD, Tok, load_data, ort_encode_parallel, per_text
    corpus = load_data(args)
    tok = Tok(os.path.join(args.data, "tokenizer.json"))
    cpu = torch.device("cpu")
    # a per-text model (fast_head.py) runs one text per model run, as the Java encoder runs it
    doc_batch, query_batch = (1, 1) if per_text(args.onnx) else (16, 32)
    if not args.queries_only:
        doc_seqs = tok(corpus["doc_texts"], 256)
        d_idx, d_val, _ = ort_encode_parallel(args.onnx, doc_seqs, args.doc_cap, cpu, args.workers, args.threads,
                                            batch=doc_batch)
        doc_rows = list(rows_of(d_idx.numpy(), d_val.numpy()))
        write(args.out, "docs", corpus["doc_ids"], doc_rows)
    for split in args.splits.split(","):
        qs = corpus["queries"][split]
        q_seqs = tok([q[1] for q in qs], 64)
        q_idx, q_val, _ = ort_encode_parallel(args.onnx, q_seqs, 64, cpu, args.workers, args.threads,
                                             batch=query_batch)
        qids = [str(q[0]) for q in qs]
        write(args.out, f"queries-{split}-model", qids, rows_of(q_idx.numpy(), q_val.numpy()))
        if not args.queries_only:
            write(args.out, f"queries-{split}-free", qids, inference_free(doc_rows, len(doc_rows), q_seqs, 64))
    # gold: query id -> document id, for recall/MRR on the Java side
    with open(os.path.join(args.out, "gold.tsv"), "w") as f:
        for split in args.splits.split(","):
            for q in corpus["queries"][split]:
                f.write(f"{split}\t{q[0]}\t{corpus['doc_ids'][q[2]]}\n")
    print("threshold", THRESHOLD)


if __name__ == "__main__":
    main()
