#!/usr/bin/env python3
"""Writes a tiny sparse encoder whose vocabulary is LARGER than BERT's 30522, for the end-to-end test that a model
with another vocabulary passes through the whole pipeline (e2e-tests LargeVocabularyPipelineTest).

model.onnx (a few KB): input_ids, attention_mask [batch, sequence] -> sparse_weights [batch, V], V = 40000.
  hidden = tanh(W1 . sin(id x f + p) + b1)        an 8-wide token embedding computed from the id (no table to store)
  logits = 2 . onehot(id, V) + 0.05 . hidden . H - 0.1 H[k, v] = sin(v x g_k + q_k): a vocabulary head computed in-graph
  sparse_weights = max over real positions of log(1 + relu(logits))
so every token's own id is its heaviest term (~1.1) and each text also gets a few hundred small expansion terms,
like a SPLADE model. The weights are fixed by a seed: the script always writes the same bytes.
tokenizer.json: BERT-style WordPiece (lowercase, punctuation split), specials [PAD]=0 [UNK]=100 [CLS]=101
  [SEP]=102 [MASK]=103, the letters, ##letters and ASCII punctuation at
  1000-1091 (any ASCII text tokenizes without [UNK]), and the words below at ids
  above 30522 (30600 + 37 i): texts made of them give term ids that a 30522-term index would dead-letter.

Usage: python3 tiny_vocab_model.py OUT_DIR   (the committed copy: e2e-tests/src/test/resources/large-vocabulary)
"""
import json
import os
import string
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

VOCAB = 40000
WIDTH = 8
WORDS = """volcano observatory seismometers slopes record tremors eruption alert magma pressure sulphur gas
sourdough starter flour water fermented wild yeast bread dough rye wheat bakers leaven chess engine searches moves
alpha beta pruning evaluates positions openings grandmaster games beekeeping hives queen honey frames varroa mites
winter apiary telescope mirror parabolic mount planets nebulae galaxies astronomy night sky glacier ice cores
meltwater alpine retreat moraines satellite the a of and on in for with from by to is it when""".split()


def tokenizer_json():
    vocab = {"[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102, "[MASK]": 103}
    for i, c in enumerate(string.ascii_lowercase):
        vocab[c] = 1000 + i
        vocab["##" + c] = 1026 + i
    for i, c in enumerate(string.punctuation):
        vocab[c] = 1060 + i
    for i, w in enumerate(dict.fromkeys(WORDS)):
        vocab[w] = 30600 + 37 * i
    assert max(vocab.values()) < VOCAB
    special = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                "normalized": False, "special": True} for t, i in vocab.items() if t.startswith("[")]
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": special,
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                                      {"Sequence": {"id": "A", "type_id": 0}},
                                      {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                           "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                                    {"Sequence": {"id": "A", "type_id": 0}},
                                    {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                                    {"Sequence": {"id": "B", "type_id": 1}},
                                    {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
                           "special_tokens": {t: {"id": t, "ids": [vocab[t]], "tokens": [t]}
                                              for t in ("[CLS]", "[SEP]")}},
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": dict(sorted(vocab.items(), key=lambda kv: kv[1]))},
    }


def model():
    rnd = np.random.default_rng(40000)
    f32 = lambda a: np.asarray(a, np.float32)  # noqa: E731
    inits = [
        numpy_helper.from_array(f32(rnd.uniform(0.001, 0.05, WIDTH)), "embed_freq"),
        numpy_helper.from_array(f32(rnd.uniform(0, np.pi, WIDTH)), "embed_phase"),
        numpy_helper.from_array(f32(rnd.normal(0, 0.5, (WIDTH, WIDTH))), "dense_w"),
        numpy_helper.from_array(f32(rnd.normal(0, 0.1, WIDTH)), "dense_b"),
        numpy_helper.from_array(f32(rnd.uniform(0.001, 0.05, (WIDTH, 1))), "head_freq"),
        numpy_helper.from_array(f32(rnd.uniform(0, np.pi, (WIDTH, 1))), "head_phase"),
        numpy_helper.from_array(np.array(VOCAB, np.int64), "vocab"),
        numpy_helper.from_array(np.array(0, np.int64), "zero"),
        numpy_helper.from_array(np.array(1, np.int64), "one"),
        numpy_helper.from_array(f32([0.0, 2.0]), "onehot_values"),
        numpy_helper.from_array(f32(0.05), "head_scale"),
        numpy_helper.from_array(f32(-0.1), "head_bias"),
        numpy_helper.from_array(np.array([-1], np.int64), "last_axis"),
        numpy_helper.from_array(np.array([1], np.int64), "seq_axis"),
    ]
    n = helper.make_node
    nodes = [
        n("Cast", ["input_ids"], ["ids_f"], to=TensorProto.FLOAT),
        n("Unsqueeze", ["ids_f", "last_axis"], ["ids_f3"]),
        n("Mul", ["ids_f3", "embed_freq"], ["embed_arg0"]),
        n("Add", ["embed_arg0", "embed_phase"], ["embed_arg"]),
        n("Sin", ["embed_arg"], ["embedding"]),                       # [B,S,W]
        n("MatMul", ["embedding", "dense_w"], ["dense0"]),
        n("Add", ["dense0", "dense_b"], ["dense1"]),
        n("Tanh", ["dense1"], ["hidden"]),                            # [B,S,W]
        n("Range", ["zero", "vocab", "one"], ["term_ids"]),
        n("Cast", ["term_ids"], ["term_f"], to=TensorProto.FLOAT),    # [V]
        n("Mul", ["head_freq", "term_f"], ["head_arg0"]),             # [W,V]
        n("Add", ["head_arg0", "head_phase"], ["head_arg"]),
        n("Sin", ["head_arg"], ["head"]),
        n("MatMul", ["hidden", "head"], ["expansion0"]),              # [B,S,V]
        n("Mul", ["expansion0", "head_scale"], ["expansion"]),
        n("OneHot", ["input_ids", "vocab", "onehot_values"], ["lexical"], axis=-1),
        n("Add", ["expansion", "head_bias"], ["expansion_b"]),
        n("Add", ["lexical", "expansion_b"], ["logits"]),
        n("Relu", ["logits"], ["relu"]),
        n("Constant", [], ["one_f"], value=numpy_helper.from_array(f32(1.0), "one_f")),
        n("Add", ["relu", "one_f"], ["relu1"]),
        n("Log", ["relu1"], ["saturated"]),                           # log(1 + relu(logits))
        n("Cast", ["attention_mask"], ["mask_f"], to=TensorProto.FLOAT),
        n("Unsqueeze", ["mask_f", "last_axis"], ["mask3"]),
        n("Mul", ["saturated", "mask3"], ["masked"]),                 # padding -> 0, below every real weight
        n("ReduceMax", ["masked", "seq_axis"], ["sparse_weights"], keepdims=0),
    ]
    graph = helper.make_graph(
        nodes, "tiny-large-vocabulary",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"])],
        [helper.make_tensor_value_info("sparse_weights", TensorProto.FLOAT, ["batch", VOCAB])], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)], producer_name="tiny_vocab_model.py")
    m.ir_version = 10
    onnx.checker.check_model(m, full_check=True)
    return m


def main(out):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "model.onnx"), "wb") as f:
        f.write(model().SerializeToString())
    with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(), f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
