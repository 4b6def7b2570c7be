#!/usr/bin/env python3
"""How much of a document vector the ranking needs: pruning policies applied to already-encoded vectors.

Reads term-weights files (export_vectors.py / encode_corpus.py format) of the Debian set (documents, val and test
model queries) and of the real corpus, prunes each document vector by a policy, and reports the mean document
non-zeros with exact MRR@10 (dot product over all documents, rank = 1 + documents scoring above the gold one).
Policies: `topk:K` (K heaviest), `len:A` (K = clamp(A x tokens, 16, 256): shorter texts keep fewer terms),
`sqrt:A` (K = clamp(A x sqrt(tokens), 32, 256)), `abs:T` (weights >= T), `floor:T` (the 64 heaviest plus any
other weight >= T, at most 256), `rel:R` (weights >= R x the document's largest), `mass:P` (heaviest terms holding a share P
of the document's L1 mass).

Usage: python3 sparsify_eval.py --debian DIR --corpus corpus.json.xz --tokenizer tokenizer.json
                                [--real PACKED_DIR] [--policies topk:128,abs:0.3,...]
DIR holds docs.tw.gz.part*, queries-val-model.tw.gz.part*, queries-test-model.tw.gz.part*.
"""
import argparse
import glob
import gzip
import json
import lzma
import os
import struct

import numpy as np
import scipy.sparse as sp


def read_tw(stem, delta=False):
    parts = sorted(glob.glob(stem + ".part*"), key=lambda p: int(p.rsplit("part", 1)[1]))
    raw = b"".join(open(p, "rb").read() for p in parts)
    data = lzma.decompress(raw) if stem.endswith(".xz") else gzip.decompress(raw)
    assert data[:3] == b"TW1"
    n = struct.unpack("<i", data[3:7])[0]
    p = 7
    keys, terms, weights = [], [], []
    for _ in range(n):
        k = struct.unpack("<H", data[p:p + 2])[0]
        keys.append(data[p + 2:p + 2 + k].decode("utf-8"))
        p += 2 + k
        m = struct.unpack("<H", data[p:p + 2])[0]
        p += 2
        t = np.frombuffer(data, "<u2", m, p).astype(np.int64)
        terms.append(np.cumsum(t) if delta else t)
        p += 2 * m
        scale = struct.unpack("<f", data[p:p + 4])[0]
        weights.append(np.frombuffer(data, np.uint8, m, p + 4).astype(np.float32) * scale)
        p += 4 + m
    return keys, terms, weights


def keep_mask(w, policy, tokens):
    """Which of one document's weights the policy keeps."""
    kind, arg = policy.split(":")
    x = float(arg)
    if kind == "all":
        return np.ones(len(w), bool)
    order = np.argsort(-w, kind="stable")
    keep = np.zeros(len(w), bool)
    if kind == "topk":
        keep[order[:int(x)]] = True
    elif kind == "len":
        keep[order[:int(min(256, max(16, round(x * tokens))))]] = True
    elif kind == "sqrt":
        keep[order[:int(min(256, max(32, round(x * np.sqrt(tokens)))))]] = True
    elif kind == "abs":
        keep = w >= x
    elif kind == "floor":  # the 64 heaviest, then whatever else reaches x (at most 256)
        keep[order[:64]] = True
        keep[order[:256]] |= w[order[:256]] >= x
    elif kind == "rel":
        keep = w >= x * w.max()
    elif kind == "mass":
        c = np.cumsum(w[order])
        keep[order[:int(np.searchsorted(c, x * c[-1]) + 1)]] = True
    else:
        raise ValueError(policy)
    return keep


def matrix(terms, weights, vocab):
    indptr = np.cumsum([0] + [len(t) for t in terms])
    return sp.csr_matrix((np.concatenate(weights), np.concatenate(terms), indptr), shape=(len(terms), vocab))


def mrr10(docs, queries, gold, chunk=256):
    rr = []
    dt = docs.T.tocsc()
    for s in range(0, queries.shape[0], chunk):
        scores = (queries[s:s + chunk] @ dt).toarray()
        g = gold[s:s + chunk]
        gs = scores[np.arange(len(g)), g]
        rank = 1 + (scores > gs[:, None]).sum(1)
        rr.append(np.where(rank <= 10, 1.0 / rank, 0.0))
    return float(np.concatenate(rr).mean())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--debian", required=True)
    p.add_argument("--corpus", required=True)
    p.add_argument("--tokenizer", required=True)
    p.add_argument("--real", help="packed real-corpus vectors (docs-*.tw.xz.part*), first stem only (a sample)")
    p.add_argument("--real-docs", help="the real corpus docs.jsonl (for token counts)")
    p.add_argument("--real-sample", type=int, default=20000)
    p.add_argument("--policies", default="all:0,topk:96,topk:128,topk:160,len:1,len:1.5,len:2,abs:0.2,abs:0.3,"
                                          "abs:0.4,abs:0.5,rel:0.1,rel:0.15,rel:0.2,mass:0.8,mass:0.85,mass:0.9")
    args = p.parse_args()
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(args.tokenizer)
    tok.no_padding()
    tok.enable_truncation(max_length=256)
    with lzma.open(args.corpus, "rt", encoding="utf-8") as f:
        corpus = json.load(f)
    keys, terms, weights = read_tw(os.path.join(args.debian, "docs.tw.gz"))
    row_of = {k: i for i, k in enumerate(keys)}
    text_of = dict(zip(corpus["doc_ids"], corpus["doc_texts"]))
    tokens = np.array([len(e.ids) for e in tok.encode_batch([text_of[k] for k in keys])])
    vocab = 1 + max(int(t.max()) for t in terms if len(t))
    splits = {}
    for split in ("val", "test"):
        qk, qt, qw = read_tw(os.path.join(args.debian, f"queries-{split}-model.tw.gz"))
        qrow = {k: i for i, k in enumerate(qk)}
        qs = corpus["queries"][split]
        order = [qrow[str(q[0])] for q in qs]
        gold = np.array([row_of[corpus["doc_ids"][q[2]]] for q in qs])
        vocab = max(vocab, 1 + max(int(t.max()) for t in qt if len(t)))
        splits[split] = ([qt[i] for i in order], [qw[i] for i in order], gold)
    real = None
    if args.real:
        stem = sorted(glob.glob(os.path.join(args.real, "docs*.tw.xz.part0")))[0][:-len(".part0")]
        rk, rt, rw = read_tw(stem, delta=True)
        rk, rt, rw = rk[:args.real_sample], rt[:args.real_sample], rw[:args.real_sample]
        texts = {}
        with open(args.real_docs, encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                texts[row["id"]] = row["text"]
                if len(texts) >= args.real_sample:
                    break
        rtok = np.array([len(e.ids) for e in tok.encode_batch([texts[k] for k in rk])])
        real = (rw, rtok)
    print(json.dumps({"debian_docs": len(keys), "mean_tokens_debian": round(float(tokens.mean()), 1),
                      "mean_tokens_real": round(float(real[1].mean()), 1) if real else None}), flush=True)
    for policy in args.policies.split(","):
        masks = [keep_mask(w, policy, n) for w, n in zip(weights, tokens)]
        docs = matrix([t[m] for t, m in zip(terms, masks)], [w[m] for w, m in zip(weights, masks)], vocab)
        res = {"policy": policy, "nnz_doc_debian": round(float(np.mean([m.sum() for m in masks])), 1)}
        if real:
            res["nnz_doc_real"] = round(float(np.mean([keep_mask(w, policy, n).sum()
                                                       for w, n in zip(*real)])), 1)
        for split, (qt, qw, gold) in splits.items():
            res[f"mrr@10_{split}"] = round(mrr10(docs, matrix(qt, qw, vocab), gold), 4)
        print(json.dumps(res), flush=True)


if __name__ == "__main__":
    main()
