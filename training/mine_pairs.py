#!/usr/bin/env python3
"""Mines extra training pairs (synopsis -> long description) from other Debian releases' package lists, keeping
everything that could touch the held-out queries out (issue 11, run 12).

Usage: python3 mine_pairs.py DEBIAN_DIR BOOKWORM_LISTS OUT_DIR RELEASE_LISTS...

DEBIAN_DIR holds DebianCorpusBuilder's docs.jsonl and queries.jsonl (the evaluation set, bookworm); BOOKWORM_LISTS
the apt lists it was built from; each RELEASE_LISTS an apt lists folder (`apt-get update -o Acquire::Languages=en
-o Dir::State::Lists=...` with a one-line sources list, e.g. `deb http://deb.debian.org/debian trixie main`).

A candidate is every (package, Description-md5) of a release's Packages with a Description-en: query = synopsis,
document = long description (DebianCorpusBuilder's text rules), at least MIN_WORDS words. Dropped:
  - held out: the package or its source package is one of a val/test query's (bookworm: every package that carries
    a val/test document or synopsis, and their source packages, the unit the shared split groups by); the
    synopsis or the document (lower-cased, blanks collapsed) equals a val/test one; the document's first paragraph
    equals a val/test document's; or its TF-IDF cosine to some val/test document is >= MAX_COSINE;
  - already there: the same (synopsis, document) as a train query of the evaluation set;
  - repeated: a (synopsis, document) seen before (releases are read in the order given), a synopsis that names
    several documents (ambiguous, as in DebianCorpusBuilder).
The real corpus (man/info/HTML passages of 89 packages, the read path's held-out set) is not read at all.

Writes OUT_DIR/extra.json.xz ({"queries": [[qid, synopsis, extra doc index]], "doc_texts": [...], "counts": ...})
and OUT_DIR/extra_negatives.npy: for each extra query its NEGATIVES best BM25 documents of the evaluation corpus
(prepare.py's BM25), never a val/test query's document (so BM25 negatives carry no held-out text either).
"""
import json
import lzma
import os
import re
import subprocess
import sys
import time
from collections import defaultdict

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import prepare  # noqa: E402

MIN_WORDS = 12
MAX_COSINE = 0.6
SPACE = re.compile(r"\s+")


def norm(text):
    return SPACE.sub(" ", text.strip().lower())


def stanzas(path):
    """apt list stanzas as dicts (continuation lines kept with their leading blank), via apt-helper (lz4)."""
    raw = subprocess.run(["/usr/lib/apt/apt-helper", "cat-file", path], check=True, capture_output=True).stdout
    cur, key = {}, None
    for line in raw.decode("utf-8", "replace").split("\n"):
        if not line:
            if cur:
                yield cur
            cur, key = {}, None
        elif line[0] in " \t" and key:
            cur[key] += "\n" + line
        else:
            key, _, value = line.partition(":")
            cur[key] = value.strip()
    if cur:
        yield cur


def long_text(raw_lines):
    out = []
    for line in raw_lines.split("\n"):
        s = line[1:] if line else line
        if s.strip() == ".":
            s = ""
        out.append(s.rstrip())
    return "\n".join(out).strip()


def read_release(lists_dir):
    """(package, source, synopsis, long text) for each (package, md5) of the Packages files with a translation."""
    files = sorted(os.listdir(lists_dir))
    trans, described = {}, {}
    for f in files:
        if re.match(r".*_Translation-en(\..*)?$", f):
            for st in stanzas(os.path.join(lists_dir, f)):
                if "Package" in st and "Description-md5" in st and "Description-en" in st:
                    trans.setdefault((st["Package"], st["Description-md5"]), st["Description-en"])
    for f in files:
        if re.match(r".*_Packages(\..*)?$", f):
            for st in stanzas(os.path.join(lists_dir, f)):
                if "Package" in st and "Description-md5" in st:
                    src = st.get("Source", st["Package"]).split(" ")[0]
                    described.setdefault((st["Package"], st["Description-md5"]), src)
    out = []
    for (pkg, md5), src in sorted(described.items()):
        d = trans.get((pkg, md5))
        if d is None:
            continue
        syn, _, rest = d.partition("\n")
        out.append((pkg, src, syn.strip(), long_text(rest)))
    return out


def first_paragraph(text):
    return norm(text.split("\n\n")[0])


def main(debian_dir, bookworm_lists, out_dir, *release_lists):
    t0 = time.time()
    docs = [json.loads(l) for l in open(os.path.join(debian_dir, "docs.jsonl"), encoding="utf-8")]
    queries = [json.loads(l) for l in open(os.path.join(debian_dir, "queries.jsonl"), encoding="utf-8")]
    text_of = {d["id"]: d["text"] for d in docs}
    held_q = [q for q in queries if q["split"] in ("val", "test")]
    held_texts = {norm(text_of[q["doc"]]) for q in held_q}
    held_first = {first_paragraph(text_of[q["doc"]]) for q in held_q}
    held_syn = {norm(q["text"]) for q in held_q}
    train_pairs = {(norm(q["text"]), norm(text_of[q["doc"]])) for q in queries if q["split"] == "train"}
    held_pkgs = {q["qid"][2:] for q in held_q} | {d["fields"]["package"] for d in docs
                                                   if norm(d["text"]) in held_texts}
    held_srcs = set()
    for pkg, src, syn, text in read_release(bookworm_lists):
        if norm(text) in held_texts or norm(syn) in held_syn or pkg in held_pkgs:
            held_pkgs.add(pkg)
            held_srcs.add(src)
    print(f"held out: {len(held_q)} queries, {len(held_pkgs)} packages, {len(held_srcs)} source packages "
          f"({time.time() - t0:.1f}s)", flush=True)

    counts = defaultdict(int)
    seen, by_syn = set(), defaultdict(set)
    cands = []
    for lists in (bookworm_lists,) + release_lists:
        rel = os.path.basename(os.path.normpath(lists))
        for pkg, src, syn, text in read_release(lists):
            key = (norm(syn), norm(text))
            if not syn or len(text.split()) < MIN_WORDS:
                counts["short"] += 1
                continue
            if pkg in held_pkgs or src in held_srcs:
                counts["held-package"] += 1
                continue
            if key[0] in held_syn or key[1] in held_texts or first_paragraph(text) in held_first:
                counts["held-text"] += 1
                continue
            if key in train_pairs:
                counts["train-pair"] += 1
                continue
            if key in seen:
                counts["repeated"] += 1
                continue
            seen.add(key)
            by_syn[key[0]].add(key[1])
            cands.append((rel, pkg, syn, text))
    cands = [c for c in cands if len(by_syn[norm(c[2])]) == 1]
    counts["ambiguous-dropped"] = len(seen) - len(cands)

    # near duplicates of held-out documents (TF-IDF cosine over prepare.py's words)
    vocab = {}
    held_docs = sorted({q["doc"] for q in held_q})
    m = prepare.bm25_matrices([text_of[d] for d in held_docs] + [c[3] for c in cands], vocab)
    m = sp.csr_matrix(m)
    rownorm = np.sqrt(np.asarray(m.multiply(m).sum(1)).ravel()) + 1e-9
    m = sp.diags(1.0 / rownorm) @ m
    h, c = m[: len(held_docs)], m[len(held_docs):]
    best = np.zeros(c.shape[0])
    for s in range(0, c.shape[0], 2000):
        best[s:s + 2000] = (c[s:s + 2000] @ h.T).max(axis=1).toarray().ravel()
    keep = best < MAX_COSINE
    counts["near-held-out"] = int((~keep).sum())
    cands = [x for x, k in zip(cands, keep) if k]
    per_rel = defaultdict(int)
    for x in cands:
        per_rel[x[0]] += 1
    counts = dict(counts, kept=len(cands), kept_by_release=dict(per_rel),
                  cosine_quantiles=[round(float(v), 3) for v in np.quantile(best, [0.5, 0.9, 0.99])])
    print(json.dumps(counts), flush=True)

    doc_texts, doc_index, extra_q = [], {}, []
    for rel, pkg, syn, text in cands:
        if text not in doc_index:
            doc_index[text] = len(doc_texts)
            doc_texts.append(text)
        extra_q.append([f"x:{rel}:{pkg}", syn, doc_index[text]])
    os.makedirs(out_dir, exist_ok=True)
    with lzma.open(os.path.join(out_dir, "extra.json.xz"), "wt", encoding="utf-8", preset=6) as f:
        json.dump({"queries": extra_q, "doc_texts": doc_texts, "counts": counts}, f, ensure_ascii=False)

    # BM25 negatives from the evaluation corpus, never a held-out document
    vocab = {}
    d = prepare.bm25_matrices([x["text"] for x in docs], vocab)
    docs_t = d.T.tocsr()
    index = {x["id"]: i for i, x in enumerate(docs)}
    banned = sorted({index[q["doc"]] for q in held_q})
    corpus_index = {x["text"]: i for i, x in enumerate(docs)}  # an extra document that is also a train document
    prepare.banned_own = [corpus_index.get(doc_texts[q[2]], banned[0]) for q in extra_q]
    negs = prepare.top_k(docs_t, prepare.query_matrix([q[1] for q in extra_q], vocab), prepare.NEGATIVES,
                         banned=banned)
    prepare.banned_own = None
    assert not np.isin(negs, banned).any()
    np.save(os.path.join(out_dir, "extra_negatives.npy"), negs)
    print("extra queries", len(extra_q), "docs", len(doc_texts), "negatives", negs.shape,
          f"{time.time() - t0:.1f}s", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
