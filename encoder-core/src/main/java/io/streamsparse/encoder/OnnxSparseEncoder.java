package io.streamsparse.encoder;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import io.streamsparse.core.vector.SparseVector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link SparseEncoder} over an ONNX model and its Hugging Face tokenizer.
 *
 * <p><b>Model contract.</b> Inputs: {@code input_ids} (required), {@code attention_mask} and {@code token_type_ids}
 * (fed only if the model declares them), int64 or int32, shape {@code [batch, sequence]} with dynamic axes.
 * Output, detected from the model's declared outputs: a float tensor of rank 3, {@code logits [B,S,V]}, pooled
 * here with SPLADE max pooling ({@link SpladeKernels}), or of rank 2, already pooled weights {@code [B,V]} (e.g.
 * {@code sparse_weights}). With several candidate outputs, one named {@code sparse_weights}, then {@code logits},
 * is taken. {@code V} must cover the tokenizer's vocabulary; term id = token id.
 *
 * <p><b>Batching.</b> A call tokenizes every text (truncating to {@code maxLength}, counted in
 * {@link #truncatedTexts()}), sorts the texts by token count, and runs sub-batches of neighbours in that order, each
 * padded (right, with the pad id, mask 0) only to its own longest text, so short texts do not pay for long ones.
 * A sub-batch holds at most {@code maxBatchSize} texts and, for logits models, at most
 * {@link #LOGITS_FLOATS_PER_RUN} output floats (the {@code [B,S,V]} tensor is 122 KB per token at V = 30522).
 * Results are put back in input order. Padding is invisible: a text's vector does not depend on its batch
 * neighbours, up to the model's own numerics across batch shapes (float: ~1e-6). A model whose metadata holds
 * {@value #PER_TEXT_RUNS_KEY}{@code = true} (a dynamically quantized int8 model, whose activation scales span the
 * whole input tensor, such as the bundled one) is run one text per model run whatever {@code maxBatchSize} says:
 * then a text's vector is a function of the text alone, bit for bit (no padding, no neighbours).
 *
 * <p><b>Threads and memory.</b> Thread-safe. With one session, each call runs on the caller's thread plus the
 * session's intra-op threads; sessions are taken round robin and one session serves concurrent callers. With
 * {@code sessions > 1}, a call's sub-batches (one text each for a per-text model) are also spread over all sessions
 * at once: the caller and {@code sessions - 1} pooled threads each drive one session, taking the next sub-batch
 * from a shared cursor (per-text runs of a small model scale better over texts than over one run's intra-op
 * threads: docs/BENCHMARKS.md). A sub-batch's result depends only on its texts, never on the thread or session
 * that ran it. Each running sub-batch borrows a workspace (direct input buffers, a direct output buffer ONNX Runtime
 * writes into, pooling scratch) from a pool, so a steady state allocates only the result vectors.
 */
public final class OnnxSparseEncoder implements SparseEncoder {

    /** System property that turns ONNX Runtime's CPU arena and memory patterns back on (measurements only). */
    public static final String CPU_ARENA_PROPERTY = "streamsparse.onnx.cpu-arena";

    /** What the model emits. */
    public enum Output {
        /** {@code [B,S,V]} token logits; SPLADE pooling runs in Java. */
        LOGITS,
        /** {@code [B,V]} term weights; the pooling is inside the graph. */
        POOLED
    }

    /** Cap on the floats of one logits output ({@code B * S * V}): 128 MiB. */
    public static final long LOGITS_FLOATS_PER_RUN = 1L << 25;

    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String TOKEN_TYPE_IDS = "token_type_ids";
    static final String POOLED_OUTPUT_NAME = "sparse_weights";
    static final String LOGITS_OUTPUT_NAME = "logits";
    /** Model metadata key: {@code "true"} = run each text alone (see the class comment). */
    public static final String PER_TEXT_RUNS_KEY = "streamsparse.per_text_runs";
    private static final String WARMUP_WORD = "warm ";

    private final EncoderConfig config;
    private final HfTokenizer tokenizer;
    private final OrtEnvironment env;
    private final OrtSession[] sessions;
    private final boolean idsInt32;
    private final String maskInput;     // null: not declared
    private final boolean maskInt32;
    private final String typesInput;    // null: not declared
    private final boolean typesInt32;
    private final String outputName;
    private final Output output;
    private final int vocab;
    private final int[] specialIds;
    private final int maxTokensPerRun;
    private final boolean perTextRuns;
    private final int textsPerRunLimit;
    private final AtomicInteger nextSession = new AtomicInteger();
    private final ExecutorService helpers;   // null with one session
    private final ConcurrentLinkedQueue<Workspace> workspaces = new ConcurrentLinkedQueue<>();
    private final LongAdder truncated = new LongAdder();
    private final LongAdder encoded = new LongAdder();
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;             // guarded by lifecycle

    /**
     * Opens the model and tokenizer of {@code config}, checks the model's inputs and outputs, and warms up if
     * configured.
     *
     * @throws IllegalArgumentException if a location does not resolve, or the model does not fit the contract
     */
    public static OnnxSparseEncoder open(EncoderConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        HfTokenizer tokenizer = HfTokenizer.load(ModelResources.readTokenizer(config), config.maxLength());
        OrtSession[] sessions = new OrtSession[config.sessions()];
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            Path file = ModelResources.fileOf(config.modelPath());
            byte[] bytes = file == null ? ModelResources.readModel(config) : null;
            try (OrtSession.SessionOptions options = sessionOptions(config)) {
                for (int i = 0; i < sessions.length; i++) {
                    sessions[i] = file != null
                            ? env.createSession(file.toString(), options)
                            : env.createSession(bytes, options);
                }
            }
            OnnxSparseEncoder encoder = new OnnxSparseEncoder(config, tokenizer, env, sessions);
            if (config.warmup()) {
                encoder.warmup();
            }
            return encoder;
        } catch (OrtException e) {
            closeQuietly(tokenizer, sessions);
            throw new IllegalArgumentException("cannot load ONNX model " + config.modelPath() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(tokenizer, sessions);
            throw e;
        }
    }

    /**
     * The session options every session of {@code config} uses; public so a raw-runtime baseline can match them.
     *
     * <p>The CPU arena and the memory-pattern planner are off unless {@value #CPU_ARENA_PROPERTY} is true: with them,
     * ONNX Runtime keeps the largest buffers any run ever needed (per concurrent run) for the life of the session,
     * so resident memory only grows with the widest batch and the highest concurrency seen, far past the heap (the
     * vocabulary-sized activations of one 32 x 256-token document batch alone are 1 GB). Without them each run
     * allocates and frees its own buffers, and memory returns to the idle level between runs; the cost is measured
     * in docs/BENCHMARKS.md ("Resident memory").
     */
    public static OrtSession.SessionOptions sessionOptions(EncoderConfig config) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        int threads = intraOpThreads(config);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        boolean arena = Boolean.getBoolean(CPU_ARENA_PROPERTY);
        options.setCPUArenaAllocator(arena);
        options.setMemoryPatternOptimization(arena);
        if (threads > 0) {
            options.setIntraOpNumThreads(threads);
        }
        options.setInterOpNumThreads(1);
        return options;
    }

    /**
     * Intra-op threads per session: the configured number, or with {@code 0} and several sessions the processors
     * shared out among them (at least one each), or with {@code 0} and one session ONNX Runtime's default
     * ({@code 0} returned: one per physical core).
     */
    static int intraOpThreads(EncoderConfig config) {
        if (config.intraOpThreads() > 0 || config.sessions() == 1) {
            return config.intraOpThreads();
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors() / config.sessions());
    }

    private OnnxSparseEncoder(EncoderConfig config, HfTokenizer tokenizer, OrtEnvironment env, OrtSession[] sessions)
            throws OrtException {
        this.config = config;
        this.tokenizer = tokenizer;
        this.env = env;
        this.sessions = sessions;
        OrtSession s = sessions[0];

        Map<String, NodeInfo> inputs = s.getInputInfo();
        for (String name : inputs.keySet()) {
            if (!name.equals(INPUT_IDS) && !name.equals(ATTENTION_MASK) && !name.equals(TOKEN_TYPE_IDS)) {
                throw new IllegalArgumentException("model input '" + name + "' is not one of " + INPUT_IDS + ", "
                        + ATTENTION_MASK + ", " + TOKEN_TYPE_IDS + " (inputs: " + inputs.keySet() + ")");
            }
        }
        if (!inputs.containsKey(INPUT_IDS)) {
            throw new IllegalArgumentException("model has no input '" + INPUT_IDS + "' (inputs: " + inputs.keySet() + ")");
        }
        this.idsInt32 = checkTokenInput(inputs.get(INPUT_IDS));
        this.maskInput = inputs.containsKey(ATTENTION_MASK) ? ATTENTION_MASK : null;
        this.maskInt32 = maskInput != null && checkTokenInput(inputs.get(ATTENTION_MASK));
        this.typesInput = inputs.containsKey(TOKEN_TYPE_IDS) ? TOKEN_TYPE_IDS : null;
        this.typesInt32 = typesInput != null && checkTokenInput(inputs.get(TOKEN_TYPE_IDS));

        Map<String, NodeInfo> outputs = s.getOutputInfo();
        List<String> candidates = new ArrayList<>();
        for (NodeInfo n : outputs.values()) {
            ValueInfo info = n.getInfo();
            if (info instanceof TensorInfo t && t.type == OnnxJavaType.FLOAT
                    && (t.getShape().length == 2 || t.getShape().length == 3)) {
                candidates.add(n.getName());
            }
        }
        String chosen;
        if (candidates.contains(POOLED_OUTPUT_NAME)) {
            chosen = POOLED_OUTPUT_NAME;
        } else if (candidates.contains(LOGITS_OUTPUT_NAME)) {
            chosen = LOGITS_OUTPUT_NAME;
        } else if (candidates.size() == 1) {
            chosen = candidates.get(0);
        } else {
            throw new IllegalArgumentException("cannot tell which model output holds the term weights: expected one "
                    + "float output [B,V] or [B,S,V], or one named " + POOLED_OUTPUT_NAME + " or " + LOGITS_OUTPUT_NAME
                    + "; outputs: " + describe(outputs));
        }
        this.outputName = chosen;
        long[] shape = ((TensorInfo) outputs.get(chosen).getInfo()).getShape();
        this.output = shape.length == 3 ? Output.LOGITS : Output.POOLED;
        long declaredVocab = shape[shape.length - 1];
        this.vocab = declaredVocab > 0 ? checkVocab(declaredVocab) : checkVocab(probeVocab());
        this.specialIds = tokenizer.specialIds();
        this.perTextRuns = "true".equalsIgnoreCase(s.getMetadata().getCustomMetadata().get(PER_TEXT_RUNS_KEY));
        this.textsPerRunLimit = perTextRuns ? 1 : config.maxBatchSize();
        this.maxTokensPerRun = output == Output.LOGITS
                ? (int) Math.max(config.maxLength(), Math.min(Integer.MAX_VALUE, LOGITS_FLOATS_PER_RUN / vocab))
                : Integer.MAX_VALUE;
        this.helpers = sessions.length == 1 ? null : Executors.newFixedThreadPool(sessions.length - 1, r -> {
            Thread t = new Thread(r, "onnx-encoder-" + HELPER_IDS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private static final AtomicInteger HELPER_IDS = new AtomicInteger();

    private static boolean checkTokenInput(NodeInfo n) {
        if (!(n.getInfo() instanceof TensorInfo t)) {
            throw new IllegalArgumentException("model input '" + n.getName() + "' is not a tensor: " + n.getInfo());
        }
        if (t.type != OnnxJavaType.INT64 && t.type != OnnxJavaType.INT32) {
            throw new IllegalArgumentException("model input '" + n.getName() + "' must be int64 or int32, is " + t.type);
        }
        long[] shape = t.getShape();
        if (shape.length != 2) {
            throw new IllegalArgumentException("model input '" + n.getName() + "' must be [batch, sequence], is "
                    + Arrays.toString(shape));
        }
        if (shape[0] > 0 || shape[1] > 0) {
            throw new IllegalArgumentException("model input '" + n.getName() + "' has a fixed shape "
                    + Arrays.toString(shape) + "; export it with dynamic batch and sequence axes");
        }
        return t.type == OnnxJavaType.INT32;
    }

    private int checkVocab(long v) {
        if (v < tokenizer.vocabularySize() || v > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("model output '" + outputName + "' has " + v + " terms but the "
                    + "tokenizer has " + tokenizer.vocabularySize() + " ids: model and tokenizer do not match");
        }
        return (int) v;
    }

    /** Runs one tiny input to learn V when the model declares it symbolically. */
    private long probeVocab() throws OrtException {
        HfTokenizer.Tokens t = tokenizer.encode("probe");
        int len = t.length();
        long[][] ids = {t.ids()};
        long[][] ones = new long[1][len];
        Arrays.fill(ones[0], 1L);
        Map<String, OnnxTensor> in = new LinkedHashMap<>();
        try {
            in.put(INPUT_IDS, idsInt32 ? OnnxTensor.createTensor(env, toInt(ids)) : OnnxTensor.createTensor(env, ids));
            if (maskInput != null) {
                in.put(maskInput, maskInt32 ? OnnxTensor.createTensor(env, toInt(ones))
                        : OnnxTensor.createTensor(env, ones));
            }
            if (typesInput != null) {
                long[][] zeros = new long[1][len];
                in.put(typesInput, typesInt32 ? OnnxTensor.createTensor(env, toInt(zeros))
                        : OnnxTensor.createTensor(env, zeros));
            }
            try (OrtSession.Result r = sessions[0].run(in, Collections.singleton(outputName))) {
                long[] shape = ((TensorInfo) r.get(0).getInfo()).getShape();
                return shape[shape.length - 1];
            }
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    private static int[][] toInt(long[][] a) {
        int[][] r = new int[a.length][];
        for (int i = 0; i < a.length; i++) {
            r[i] = new int[a[i].length];
            for (int j = 0; j < a[i].length; j++) {
                r[i][j] = (int) a[i][j];
            }
        }
        return r;
    }

    private static String describe(Map<String, NodeInfo> infos) {
        StringBuilder sb = new StringBuilder("[");
        for (NodeInfo n : infos.values()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(n.getName()).append(' ').append(n.getInfo());
        }
        return sb.append(']').toString();
    }

    private void warmup() {
        int shortCount = Math.min(config.maxBatchSize(), 4);
        List<String> texts = new ArrayList<>(shortCount + 1);
        for (int i = 0; i < shortCount; i++) {
            texts.add("a short warm up text number " + i);
        }
        texts.add(WARMUP_WORD.repeat(config.maxLength()));
        for (int i = 0; i < sessions.length; i++) {
            encodeAll(texts, i, false, false);
        }
    }

    @Override
    public List<SparseVector> encode(List<String> texts) {
        if (texts == null) {
            throw new IllegalArgumentException("texts must not be null");
        }
        for (int i = 0; i < texts.size(); i++) {
            SparseEncoder.requireText(texts.get(i), i);
        }
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("encoder is closed");
            }
            if (texts.isEmpty()) {
                return List.of();
            }
            int first = Math.floorMod(nextSession.getAndIncrement(), sessions.length);
            return encodeAll(texts, first, helpers != null, true);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Tokenizes, length-sorts and runs {@code texts} in sub-batches: all on session {@code first} from the caller's
     * thread, or with {@code parallel} spread over every session (session {@code first + k} driven by worker k, the
     * caller being worker 0).
     */
    private List<SparseVector> encodeAll(List<String> texts, int first, boolean parallel, boolean count) {
        int n = texts.size();
        HfTokenizer.Tokens[] tokens = new HfTokenizer.Tokens[n];
        long[] byLength = new long[n];
        int truncatedHere = 0;
        for (int i = 0; i < n; i++) {
            tokens[i] = tokenizer.encode(texts.get(i));
            truncatedHere += tokens[i].truncated() ? 1 : 0;
            byLength[i] = ((long) tokens[i].length() << 32) | i;
        }
        Arrays.sort(byLength); // ascending length, ties by input position
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) byLength[i];
        }
        // sub-batch b covers order[starts[b] .. starts[b + 1])
        int[] starts = new int[n + 1];
        int batches = 0;
        for (int from = 0; from < n; ) {
            int size = 1;
            while (from + size < n && size < textsPerRunLimit
                    && (long) (size + 1) * tokens[order[from + size]].length() <= maxTokensPerRun) {
                size++;
            }
            starts[batches++] = from;
            from += size;
        }
        starts[batches] = n;
        SparseVector[] results = new SparseVector[n];
        if (!parallel || batches == 1) {
            runSubBatches(sessions[first], tokens, order, starts, batches, new AtomicInteger(), results, null);
        } else {
            runInParallel(first, tokens, order, starts, batches, results);
        }
        if (count) {
            encoded.add(n);
            truncated.add(truncatedHere);
        }
        return Collections.unmodifiableList(Arrays.asList(results));
    }

    private void runInParallel(int first, HfTokenizer.Tokens[] tokens, int[] order, int[] starts, int batches,
            SparseVector[] results) {
        AtomicInteger cursor = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(batches);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Runnable[] workers = new Runnable[Math.min(sessions.length, batches)];
        for (int k = 0; k < workers.length; k++) {
            OrtSession session = sessions[(first + k) % sessions.length];
            workers[k] = () -> {
                try {
                    runSubBatches(session, tokens, order, starts, batches, cursor, results, done);
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            };
        }
        for (int k = 1; k < workers.length; k++) {
            helpers.execute(workers[k]);
        }
        workers[0].run();
        // the caller ran out of sub-batches to take; wait for those other workers took (a late worker takes none)
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while encoding", e);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /**
     * Takes sub-batches from {@code cursor} until none is left and runs them on {@code session} with one borrowed
     * workspace; counts each taken one down on {@code done} (if any), also when it fails.
     */
    private void runSubBatches(OrtSession session, HfTokenizer.Tokens[] tokens, int[] order, int[] starts,
            int batches, AtomicInteger cursor, SparseVector[] results, CountDownLatch done) {
        Workspace ws = workspaces.poll();
        if (ws == null) {
            ws = new Workspace(vocab);
        }
        RuntimeException failed = null;
        try {
            // invariant: every sub-batch below cursor is taken by exactly one worker
            for (int b = cursor.getAndIncrement(); b < batches; b = cursor.getAndIncrement()) {
                try {
                    if (failed == null) {
                        int from = starts[b];
                        int size = starts[b + 1] - from;
                        int seqLen = tokens[order[from + size - 1]].length();
                        runSubBatch(session, ws, tokens, order, from, size, seqLen, results);
                    }
                } catch (RuntimeException e) {
                    failed = e;
                } finally {
                    if (done != null) {
                        done.countDown();
                    }
                }
            }
        } finally {
            workspaces.offer(ws);
        }
        if (failed != null) {
            throw failed;
        }
    }

    private void runSubBatch(OrtSession session, Workspace ws, HfTokenizer.Tokens[] tokens, int[] order, int from,
            int size, int seqLen, SparseVector[] results) {
        int cells = size * seqLen;
        ws.ensureInputs(cells);
        long padId = tokenizer.padId();
        for (int b = 0; b < size; b++) {
            HfTokenizer.Tokens t = tokens[order[from + b]];
            long[] ids = t.ids();
            long[] types = t.typeIds();
            int base = b * seqLen;
            // invariant: positions [0, ids.length) are the text, the rest padding (right padding, mask 0)
            for (int s = 0; s < seqLen; s++) {
                boolean real = s < ids.length;
                put(ws.ids, base + s, real ? ids[s] : padId, idsInt32);
                put(ws.mask, base + s, real ? 1L : 0L, maskInt32);
                put(ws.types, base + s, real ? types[s] : 0L, typesInt32);
            }
        }
        long outFloats = output == Output.LOGITS ? (long) cells * vocab : (long) size * vocab;
        FloatBuffer out = ws.output(outFloats);
        long[] inShape = {size, seqLen};
        long[] outShape = output == Output.LOGITS ? new long[] {size, seqLen, vocab} : new long[] {size, vocab};
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>(4);
        OnnxTensor pinned = null;
        try {
            inputs.put(INPUT_IDS, tensor(ws.ids, cells, idsInt32, inShape));
            if (maskInput != null) {
                inputs.put(maskInput, tensor(ws.mask, cells, maskInt32, inShape));
            }
            if (typesInput != null) {
                inputs.put(typesInput, tensor(ws.types, cells, typesInt32, inShape));
            }
            pinned = OnnxTensor.createTensor(env, out, outShape);
            // ONNX Runtime writes the output into our direct buffer; the Result does not own a pinned output
            try (OrtSession.Result ignored = session.run(inputs, Map.of(outputName, pinned))) {
                for (int b = 0; b < size; b++) {
                    int text = order[from + b];
                    if (output == Output.LOGITS) {
                        SpladeKernels.maxPool(out, b * seqLen * vocab, tokens[text].length(), vocab, ws.row, ws.acc);
                        results[text] = SpladeKernels.toVector(ws.acc, vocab, true, specialIds, config.minWeight(),
                                config.maxTerms(), ws.ids32, ws.values, ws.select);
                    } else {
                        out.get(b * vocab, ws.row, 0, vocab);
                        results[text] = SpladeKernels.toVector(ws.row, vocab, false, specialIds, config.minWeight(),
                                config.maxTerms(), ws.ids32, ws.values, ws.select);
                    }
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on " + size + " texts of up to " + seqLen
                    + " tokens: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
            if (pinned != null) {
                pinned.close();
            }
        }
    }

    private static void put(ByteBuffer buf, int index, long value, boolean int32) {
        if (int32) {
            buf.putInt(index * Integer.BYTES, (int) value);
        } else {
            buf.putLong(index * Long.BYTES, value);
        }
    }

    private OnnxTensor tensor(ByteBuffer buf, int cells, boolean int32, long[] shape) throws OrtException {
        ByteBuffer view = buf.duplicate().order(ByteOrder.nativeOrder());
        view.position(0).limit(cells * (int32 ? Integer.BYTES : Long.BYTES));
        return int32
                ? OnnxTensor.createTensor(env, view.slice().order(ByteOrder.nativeOrder()).asIntBuffer(), shape)
                : OnnxTensor.createTensor(env, view.slice().order(ByteOrder.nativeOrder()).asLongBuffer(), shape);
    }

    /** Per-call scratch; one caller at a time (borrowed from the pool). */
    private static final class Workspace {
        ByteBuffer ids = direct(0);
        ByteBuffer mask = direct(0);
        ByteBuffer types = direct(0);
        ByteBuffer out = direct(0);
        final float[] row;
        final float[] acc;
        final int[] ids32;
        final float[] values;
        final float[] select;

        Workspace(int vocab) {
            row = new float[vocab];
            acc = new float[vocab];
            ids32 = new int[vocab];
            values = new float[vocab];
            select = new float[vocab];
        }

        void ensureInputs(int cells) {
            int bytes = cells * Long.BYTES;
            if (ids.capacity() < bytes) {
                int cap = Math.max(bytes, ids.capacity() * 2);
                ids = direct(cap);
                mask = direct(cap);
                types = direct(cap);
            }
        }

        /** A native-order float view of exactly {@code floats} elements over a reused direct buffer. */
        FloatBuffer output(long floats) {
            long bytes = floats * Float.BYTES;
            if (bytes > Integer.MAX_VALUE) {
                throw new IllegalStateException("output of " + floats + " floats is too large for one run");
            }
            if (out.capacity() < bytes) {
                out = direct((int) Math.min(Integer.MAX_VALUE, Math.max(bytes, Math.min(2L * out.capacity(),
                        LOGITS_FLOATS_PER_RUN * Float.BYTES))));
            }
            ByteBuffer view = out.duplicate().order(ByteOrder.nativeOrder());
            view.position(0).limit((int) bytes);
            return view.slice().order(ByteOrder.nativeOrder()).asFloatBuffer();
        }

        private static ByteBuffer direct(int bytes) {
            return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
    }

    /** What the model emits, as detected when opened. */
    public Output output() {
        return output;
    }

    /** Name of the model output read. */
    public String outputName() {
        return outputName;
    }

    /** Size of the term space (the model's V). */
    public int vocabularySize() {
        return vocab;
    }

    /** True if the model asks to be run one text at a time ({@value #PER_TEXT_RUNS_KEY}), so vectors never depend
     * on the batch. */
    public boolean perTextRuns() {
        return perTextRuns;
    }

    /** True if the model declares {@code token_type_ids} (and so is fed it). */
    public boolean feedsTokenTypeIds() {
        return typesInput != null;
    }

    /** True if the model declares {@code attention_mask} (and so is fed it). */
    public boolean feedsAttentionMask() {
        return maskInput != null;
    }

    /** Texts per model run for a list of texts of {@code tokens} tokens each (the sub-batch size). */
    public int textsPerRun(int tokens) {
        if (tokens < 1) {
            throw new IllegalArgumentException("tokens must be >= 1, was " + tokens);
        }
        return (int) Math.max(1, Math.min(textsPerRunLimit, maxTokensPerRun / Math.min(tokens, config.maxLength())));
    }

    public EncoderConfig config() {
        return config;
    }

    @Override
    public long truncatedTexts() {
        return truncated.sum();
    }

    @Override
    public long encodedTexts() {
        return encoded.sum();
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (helpers != null) {
                helpers.shutdownNow();
            }
            closeQuietly(tokenizer, sessions);
            workspaces.clear();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private static void closeQuietly(HfTokenizer tokenizer, OrtSession[] sessions) {
        for (OrtSession s : sessions) {
            if (s != null) {
                try {
                    s.close();
                } catch (OrtException | RuntimeException ignored) {
                    // closing: nothing useful to do
                }
            }
        }
        tokenizer.close();
    }

    @Override
    public String toString() {
        return "OnnxSparseEncoder{model=" + config.modelPath() + ", output=" + outputName + " " + output + ", vocab="
                + vocab + ", sessions=" + sessions.length + (perTextRuns ? ", per-text runs" : "") + ", " + tokenizer
                + "}";
    }
}
