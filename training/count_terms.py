#!/usr/bin/env python3
"""Non-zeros per document of an exported model on a sample of another corpus, encoded as the Java encoder does it:
ONNX Runtime int8, one text per run (models marked per-text), 256 tokens, the `--cap` heaviest terms with weight
>= 0.01 kept (train.py's ort_encode_parallel). Used for the read path's real corpus (docs/MODEL_CARD.md, run 13).

Usage: python3 count_terms.py --onnx model.onnx --docs sample.jsonl.gz --tokenizer tokenizer.json [--cap 128]
Input: gzip'd JSON lines {"id","text"}. Prints one JSON line: documents, mean/min/max non-zeros after the cap, the
share of documents that fill the cap, mean terms >= 0.01 before the cap, mean tokens.
"""
import argparse
import gzip
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--onnx", required=True)
    p.add_argument("--docs", required=True)
    p.add_argument("--tokenizer", required=True)
    p.add_argument("--cap", type=int, default=128)
    p.add_argument("--max-len", type=int, default=256)
    p.add_argument("--workers", type=int, default=os.cpu_count())
    args = p.parse_args()
    t0 = time.time()
    with gzip.open(args.docs, "rt", encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f]
    seqs = train.Tok(args.tokenizer)(texts, args.max_len)
    batch = 1 if train.per_text(args.onnx) else 32
    _, val, raw = train.ort_encode_parallel(args.onnx, seqs, args.cap, torch.device("cpu"), args.workers, 1, batch)
    nnz = (val > 0).sum(1).numpy()
    print(json.dumps({"onnx": os.path.basename(args.onnx), "docs": len(texts), "cap": args.cap,
                      "nnz_mean": round(float(nnz.mean()), 2), "nnz_min": int(nnz.min()), "nnz_max": int(nnz.max()),
                      "share_at_cap": round(float((nnz == args.cap).mean()), 4), "terms_uncapped_mean": raw,
                      "tokens_mean": round(float(np.mean([len(s) for s in seqs])), 1), "per_text": batch == 1,
                      "seconds": round(time.time() - t0, 1)}), flush=True)


if __name__ == "__main__":
    main()
