package io.streamsparse.encoder;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal ONNX {@code ModelProto} serializer for tests: the protobuf wire format written by hand (varint, 32-bit
 * and length-delimited fields), enough for {@code ModelProto{ir_version, opset_import, producer_name, graph{node,
 * name, initializer, input, output}}}. Field numbers follow onnx/onnx.proto.
 */
final class OnnxModelWriter {

    // TensorProto.DataType
    static final int FLOAT = 1;
    static final int INT32 = 6;
    static final int INT64 = 7;

    // AttributeProto.AttributeType
    private static final int ATTR_INT = 2;
    private static final int ATTR_INTS = 7;

    /** A protobuf message under construction. */
    static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        private void tag(int field, int wireType) {
            rawVarint(((long) field << 3) | wireType);
        }

        private void rawVarint(long v) {
            // invariant: the bits of v not yet written are v >>> 0 (unsigned shift: negative int64 take 10 bytes)
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        Proto varint(int field, long v) {
            tag(field, 0);
            rawVarint(v);
            return this;
        }

        Proto fixed32(int field, float f) {
            tag(field, 5);
            int bits = Float.floatToRawIntBits(f);
            for (int i = 0; i < 4; i++) {
                out.write((bits >>> (8 * i)) & 0xFF);
            }
            return this;
        }

        Proto bytes(int field, byte[] b) {
            tag(field, 2);
            rawVarint(b.length);
            out.write(b, 0, b.length);
            return this;
        }

        Proto string(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto m) {
            return bytes(field, m.toByteArray());
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    private final List<Proto> nodes = new ArrayList<>();
    private final List<Proto> initializers = new ArrayList<>();
    private final List<Proto> inputs = new ArrayList<>();
    private final List<Proto> outputs = new ArrayList<>();
    private int nodeCount;

    /** Declares a graph input; each dim is a Long (fixed) or a String (symbolic). */
    OnnxModelWriter input(String name, int elemType, Object... dims) {
        inputs.add(valueInfo(name, elemType, dims));
        return this;
    }

    /** Declares a graph output; each dim is a Long (fixed) or a String (symbolic). */
    OnnxModelWriter output(String name, int elemType, Object... dims) {
        outputs.add(valueInfo(name, elemType, dims));
        return this;
    }

    OnnxModelWriter floatInitializer(String name, long[] dims, float[] data) {
        ByteBuffer raw = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : data) {
            raw.putFloat(f);
        }
        initializers.add(tensor(name, FLOAT, dims, raw.array()));
        return this;
    }

    OnnxModelWriter longInitializer(String name, long[] dims, long[] data) {
        ByteBuffer raw = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : data) {
            raw.putLong(v);
        }
        initializers.add(tensor(name, INT64, dims, raw.array()));
        return this;
    }

    /** Adds a node; attributes from {@link #intAttr} / {@link #intsAttr}. */
    OnnxModelWriter node(String opType, String[] in, String[] out, Proto... attributes) {
        Proto n = new Proto();
        for (String s : in) {
            n.string(1, s);
        }
        for (String s : out) {
            n.string(2, s);
        }
        n.string(3, opType.toLowerCase() + "_" + nodeCount++);
        n.string(4, opType);
        for (Proto a : attributes) {
            n.message(5, a);
        }
        nodes.add(n);
        return this;
    }

    static Proto intAttr(String name, long value) {
        return new Proto().string(1, name).varint(3, value).varint(20, ATTR_INT);
    }

    static Proto intsAttr(String name, long... values) {
        Proto a = new Proto().string(1, name);
        for (long v : values) {
            a.varint(8, v); // repeated int64 ints = 8, unpacked (parsers accept both)
        }
        return a.varint(20, ATTR_INTS);
    }

    /** The serialized model (IR version 8, default domain opset 17). */
    byte[] build() {
        Proto graph = new Proto();
        for (Proto n : nodes) {
            graph.message(1, n);
        }
        graph.string(2, "tiny");
        for (Proto t : initializers) {
            graph.message(5, t);
        }
        for (Proto i : inputs) {
            graph.message(11, i);
        }
        for (Proto o : outputs) {
            graph.message(12, o);
        }
        Proto model = new Proto();
        model.varint(1, 8);                                             // ir_version
        model.message(8, new Proto().string(1, "").varint(2, 17));      // opset_import {domain "", version 17}
        model.string(2, "streamsparse-test");                           // producer_name
        model.message(7, graph);                                        // graph
        return model.toByteArray();
    }

    private static Proto tensor(String name, int dataType, long[] dims, byte[] raw) {
        Proto t = new Proto();
        for (long d : dims) {
            t.varint(1, d);
        }
        t.varint(2, dataType);
        t.string(8, name);
        t.bytes(9, raw);
        return t;
    }

    private static Proto valueInfo(String name, int elemType, Object... dims) {
        Proto shape = new Proto();
        for (Object d : dims) {
            Proto dim = new Proto();
            if (d instanceof String s) {
                dim.string(2, s);
            } else {
                dim.varint(1, ((Number) d).longValue());
            }
            shape.message(1, dim);
        }
        Proto tensorType = new Proto().varint(1, elemType).message(2, shape);
        Proto type = new Proto().message(1, tensorType);
        return new Proto().string(1, name).message(2, type);
    }
}
