#!/usr/bin/env python3
"""Turns encode_corpus.py's output (xz-compressed, delta-coded term-weights parts: NAME.tw.xz.part0, part1, ...) into
the plain gzip'd term-weights file that io.streamsparse.bench.ImportTermWeights reads (export_vectors.py's format).

Rows are copied as they are (same scale and u8 codes; term ids un-delta-coded). --keys FILE.jsonl replaces row i's key
(which must be "i": encode_corpus.py was given line numbers as ids) by the "id" of line i of FILE (the original
docs.jsonl); --rows N keeps the first N rows only.

Usage: python3 tw_to_gz.py IN.tw.xz.part0 OUT.tw.gz [--keys docs.jsonl] [--rows N]
"""
import argparse
import glob
import gzip
import json
import lzma
import struct

import numpy as np


def read_parts(first):
    stem = first[:-len("0")] if first.endswith(".part0") else None
    paths = [first] if stem is None else sorted(glob.glob(stem + "*"), key=lambda p: int(p[len(stem):]))
    data = b"".join(open(p, "rb").read() for p in paths)
    return lzma.decompress(data), len(paths)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--keys")
    p.add_argument("--rows", type=int)
    args = p.parse_args()
    raw, parts = read_parts(args.input)
    if raw[:3] != b"TW1":
        raise SystemExit(f"{args.input}: not a term-weights file")
    count = struct.unpack_from("<i", raw, 3)[0]
    keep = count if args.rows is None else min(count, args.rows)
    keys = None
    if args.keys:
        with open(args.keys, encoding="utf-8") as f:
            keys = [json.loads(line)["id"] for _, line in zip(range(keep), f)]
        if len(keys) < keep:
            raise SystemExit(f"{args.keys}: {len(keys)} lines for {keep} rows")
    pos, nnz_total = 7, 0
    with gzip.open(args.output, "wb", compresslevel=6) as out:
        out.write(b"TW1" + struct.pack("<i", keep))
        for r in range(keep):
            (klen,) = struct.unpack_from("<H", raw, pos)
            key = raw[pos + 2:pos + 2 + klen]
            pos += 2 + klen
            (nnz,) = struct.unpack_from("<H", raw, pos)
            pos += 2
            terms = np.cumsum(np.frombuffer(raw, "<u2", nnz, pos).astype(np.int64))
            if nnz and (terms[-1] > 0xFFFF or np.any(np.diff(terms) <= 0)):
                raise SystemExit(f"row {r}: term ids not ascending after un-delta-coding")
            pos += 2 * nnz
            tail = raw[pos:pos + 4 + nnz]  # scale:float32, code:uint8{nnz}
            pos += 4 + nnz
            if keys is not None:
                if key.decode("utf-8") != str(r):
                    raise SystemExit(f"row {r}: key {key!r} is not the row number; --keys does not apply")
                key = keys[r].encode("utf-8")
            out.write(struct.pack("<H", len(key)) + key + struct.pack("<H", nnz) + terms.astype("<u2").tobytes() + tail)
            nnz_total += nnz
    print(f"{parts} parts, {count} rows, wrote {keep} (mean nnz {nnz_total / max(1, keep):.1f}) -> {args.output}")


if __name__ == "__main__":
    main()
