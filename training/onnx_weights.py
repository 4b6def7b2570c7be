#!/usr/bin/env python3
"""Pull the MiniLM-L6 weights out of an ONNX file with no onnx/torch installed: a minimal protobuf reader.

Usage: python3 onnx_weights.py all-minilm-l6-v2.onnx minilm_fp16.npz [--fp32]

Reads ModelProto.graph.initializer (TensorProto) and the graph's nodes. Initializers exported under their PyTorch
name are kept as they are; the anonymous MatMul weights (``onnx::MatMul_NNN``) are named after the node that
consumes them (``/encoder/layer.0/attention/self/query/MatMul`` -> ``encoder.layer.0.attention.self.query.weight``)
and transposed from ONNX's [in, out] to PyTorch's Linear layout [out, in]. Writes an .npz (fp16 by default: the
GPU machine takes at most 64 MiB per transfer, and fp16 keeps the weights to ~4e-3 of ONNX Runtime's output).
"""
import sys

import numpy as np

# protobuf wire types
VARINT, I64, LEN, I32 = 0, 1, 2, 5
ONNX_DTYPES = {1: np.float32, 6: np.int32, 7: np.int64, 10: np.float16, 11: np.float64}


def varint(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def fields(buf):
    """Yields (field number, wire type, value) of one message; LEN values are memoryview slices."""
    pos, end = 0, len(buf)
    while pos < end:
        key, pos = varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == VARINT:
            value, pos = varint(buf, pos)
        elif wire == I64:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == I32:
            value, pos = buf[pos:pos + 4], pos + 4
        elif wire == LEN:
            n, pos = varint(buf, pos)
            value, pos = buf[pos:pos + n], pos + n
        else:
            raise ValueError(f"unsupported wire type {wire} at {pos}")
        yield number, wire, value


def packed_varints(buf):
    out, pos = [], 0
    while pos < len(buf):
        v, pos = varint(buf, pos)
        out.append(v)
    return out


def tensor(buf):
    """TensorProto: 1 dims, 2 data_type, 4 float_data, 7 int64_data, 8 name, 9 raw_data."""
    dims, dtype, name, raw, floats, int64s = [], None, None, None, None, None
    for number, wire, value in fields(buf):
        if number == 1:
            dims.extend(packed_varints(value) if wire == LEN else [value])
        elif number == 2:
            dtype = value
        elif number == 8:
            name = bytes(value).decode()
        elif number == 9:
            raw = bytes(value)
        elif number == 4:
            floats = np.frombuffer(bytes(value), dtype="<f4")
        elif number == 7:
            int64s = np.array(packed_varints(value), dtype=np.int64)
    if dtype not in ONNX_DTYPES:
        raise ValueError(f"initializer {name}: unsupported data_type {dtype}")
    if raw is not None:
        arr = np.frombuffer(raw, dtype=np.dtype(ONNX_DTYPES[dtype]).newbyteorder("<"))
    elif floats is not None:
        arr = floats
    elif int64s is not None:
        arr = int64s
    else:
        arr = np.zeros(0, dtype=ONNX_DTYPES[dtype])
    return name, arr.reshape(dims).copy()


def node(buf):
    """NodeProto: 1 input, 2 output, 3 name, 4 op_type."""
    inputs, outputs, name, op = [], [], "", ""
    for number, _, value in fields(buf):
        if number == 1:
            inputs.append(bytes(value).decode())
        elif number == 2:
            outputs.append(bytes(value).decode())
        elif number == 3:
            name = bytes(value).decode()
        elif number == 4:
            op = bytes(value).decode()
    return name, op, inputs, outputs


def read_model(path):
    with open(path, "rb") as f:
        data = memoryview(f.read())
    graph = next(v for n, w, v in fields(data) if n == 7)
    inits, nodes = {}, []
    for number, _, value in fields(graph):
        if number == 5:
            name, arr = tensor(value)
            inits[name] = arr
        elif number == 1:
            nodes.append(node(value))
    return inits, nodes


def torch_state(inits, nodes):
    """Initializers renamed to transformers' BertModel names (no 'bert.' prefix), Linear weights as [out, in]."""
    consumer = {}
    for name, op, inputs, outputs in nodes:
        for i in inputs:
            consumer.setdefault(i, (name, op, outputs))
    state = {}
    for name, arr in inits.items():
        if name.startswith("onnx::MatMul"):
            node_name, op, outputs = consumer[name]
            if op != "MatMul":
                raise ValueError(f"{name} consumed by {op}, expected MatMul")
            # '/encoder/layer.0/attention/self/query/MatMul_output_0' -> 'encoder.layer.0.attention.self.query'
            out = outputs[0]
            module = out.strip("/").rsplit("/", 1)[0].replace("/", ".")
            state[module + ".weight"] = np.ascontiguousarray(arr.T)
        elif arr.dtype == np.float32 and arr.ndim >= 1 and "." in name:
            state[name] = arr
    return state


def main(argv):
    src, dst = argv[1], argv[2]
    inits, nodes = read_model(src)
    state = torch_state(inits, nodes)
    dtype = np.float32 if "--fp32" in argv else np.float16
    for k in sorted(state):
        print(k, state[k].shape)
    np.savez(dst, **{k: v.astype(dtype) for k, v in state.items()})
    print(f"{len(state)} tensors -> {dst}")


if __name__ == "__main__":
    main(sys.argv)
