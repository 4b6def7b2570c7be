#!/usr/bin/env python3
"""Packs the Debian known-item set for the GPU machine and mines BM25 hard negatives for the train queries.

Usage: python3 prepare.py DATA_DIR OUT_DIR   (DATA_DIR holds DebianCorpusBuilder's docs.jsonl and queries.jsonl)

Writes OUT_DIR/corpus.json.xz: doc ids and texts (every document: they are the retrieval corpus) and the queries by
split (train, val, test; qid, text, index of the relevant document), and OUT_DIR/bm25_negatives.npy: for each
train query (in corpus order) the NEGATIVES best BM25 documents (k1 0.9, b 0.4, lower-cased alphanumeric words)
that are neither its own document nor the document of any val or test query (so nothing about the held-out
queries enters training). Prints BM25's MRR@10 on val and test as a check of the data (docs/ARCHITECTURE.md: test 0.625
with Lucene's analyzer).
"""
import json
import lzma
import re
import sys
import time
from collections import Counter

import numpy as np
import scipy.sparse as sp

K1, B = 0.9, 0.4
NEGATIVES = 32
WORD = re.compile(r"[a-z0-9]+")


def words(text):
    return WORD.findall(text.lower())


def bm25_matrices(doc_texts, vocab):
    rows, cols, vals = [], [], []
    lengths = np.zeros(len(doc_texts), dtype=np.float64)
    for i, t in enumerate(doc_texts):
        c = Counter(words(t))
        lengths[i] = sum(c.values())
        for w, n in c.items():
            j = vocab.setdefault(w, len(vocab))
            rows.append(i)
            cols.append(j)
            vals.append(n)
    tf = sp.csr_matrix((np.array(vals, np.float64), (rows, cols)), shape=(len(doc_texts), len(vocab)))
    n_docs = len(doc_texts)
    df = np.bincount(tf.indices, minlength=len(vocab))
    idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5))
    avg = lengths.mean()
    tf = tf.tocoo()
    norm = K1 * (1 - B + B * lengths[tf.row] / avg)
    w = tf.data * (K1 + 1) / (tf.data + norm) * idf[tf.col]
    return sp.csr_matrix((w.astype(np.float32), (tf.row, tf.col)), shape=tf.shape)


def query_matrix(texts, vocab):
    rows, cols = [], []
    for i, t in enumerate(texts):
        for w in set(words(t)):
            if w in vocab:
                rows.append(i)
                cols.append(vocab[w])
    return sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(texts), len(vocab)))


def top_k(docs_t, q, k, banned=None, chunk=2000):
    out = np.zeros((q.shape[0], k), dtype=np.int32)
    for s in range(0, q.shape[0], chunk):
        scores = (q[s:s + chunk] @ docs_t).toarray()
        if banned is not None:
            scores[:, banned] = -1
            for r, own in enumerate(banned_own[s:s + chunk] if banned_own is not None else []):
                scores[r, own] = -1
        part = np.argpartition(-scores, k, axis=1)[:, :k]
        order = np.take_along_axis(scores, part, 1)
        # sort by score desc, then doc index asc (deterministic ties)
        idx = np.lexsort((part, -order), axis=1)
        out[s:s + chunk] = np.take_along_axis(part, idx, 1)
    return out


banned_own = None


def mrr10(ranked, gold):
    r = 0.0
    for row, g in zip(ranked, gold):
        hit = np.nonzero(row[:10] == g)[0]
        r += 1.0 / (hit[0] + 1) if len(hit) else 0.0
    return r / len(gold)


def main(data_dir, out_dir):
    global banned_own
    t0 = time.time()
    docs = [json.loads(l) for l in open(f"{data_dir}/docs.jsonl", encoding="utf-8")]
    queries = [json.loads(l) for l in open(f"{data_dir}/queries.jsonl", encoding="utf-8")]
    index = {d["id"]: i for i, d in enumerate(docs)}
    split = {"train": [], "val": [], "test": []}
    for q in queries:
        split[q["split"]].append([q["qid"], q["text"], index[q["doc"]]])
    corpus = {"doc_ids": [d["id"] for d in docs], "doc_texts": [d["text"] for d in docs], "queries": split}
    import os
    os.makedirs(out_dir, exist_ok=True)
    with lzma.open(f"{out_dir}/corpus.json.xz", "wt", encoding="utf-8", preset=6) as f:
        json.dump(corpus, f, ensure_ascii=False)
    print({k: len(v) for k, v in split.items()}, "docs", len(docs), f"{time.time() - t0:.1f}s")

    vocab = {}
    d = bm25_matrices(corpus["doc_texts"], vocab)
    docs_t = d.T.tocsr()
    for name in ("val", "test"):
        qs = split[name]
        ranked = top_k(docs_t, query_matrix([q[1] for q in qs], vocab), 10)
        print(f"BM25 {name} MRR@10 {mrr10(ranked, [q[2] for q in qs]):.4f}")
    held_out = sorted({q[2] for n in ("val", "test") for q in split[n]})
    train = split["train"]
    banned_own = [q[2] for q in train]
    negs = top_k(docs_t, query_matrix([q[1] for q in train], vocab), NEGATIVES, banned=held_out)
    banned_own = None
    gold = np.array([q[2] for q in train])
    assert not (negs == gold[:, None]).any()
    assert not np.isin(negs, held_out).any()
    np.save(f"{out_dir}/bm25_negatives.npy", negs)
    print("negatives", negs.shape, f"{time.time() - t0:.1f}s")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
