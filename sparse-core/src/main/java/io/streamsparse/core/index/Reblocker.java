package io.streamsparse.core.index;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Re-blocks drifted lists off the writer thread ({@link IndexConfig.ReblockMode#BACKGROUND}). The writer hands over
 * a {@link Job}: a list, the length of its tail and the tail array as they were when a view was published, and that
 * {@link View}. The builder merges from exactly that state ({@link ListBuilder#merge}) and hands the job back; the
 * writer installs the result in its own time ({@link ShardWriter}), carrying over postings appended meanwhile.
 *
 * <p>Why the builder may read while the writer writes: everything a job reads was written before the hand-over (a
 * queue transfer is a happens-before edge) and is never modified afterwards: the list's blocked part is immutable,
 * tail entries below the handed-over count and forward entries of slots below the view's limit are never rewritten,
 * and the builder ignores deaths after the view's stamp (see {@link View}). The only racy read is of death stamps,
 * which the visibility rule tolerates. Nothing the builder makes is visible to a reader before the writer publishes
 * it. See docs/ARCHITECTURE.md, "Threading and publication".
 *
 * <p>Two ways to run: a daemon thread ({@link #threaded}), or by hand ({@link #manual}): the caller runs queued jobs
 * with {@link #runOne()} whenever it likes, which lets a test place the builder at every point between writer
 * operations.
 */
final class Reblocker implements AutoCloseable {

    /** Jobs handed over and not yet installed, at most: bounds the memory of views and merged lists in flight. */
    static final int MAX_IN_FLIGHT = 32;
    /**
     * System property: the share of one core the builder thread may use, in (0, 1] (default
     * {@value #DEFAULT_CPU_SHARE}; 1 is unthrottled). Below 1 the builder sleeps after its jobs in proportion to their
     * CPU time, leaving the rest of its core to the writer and the searches; tails then stay longer, and the writer
     * hands over the lists searches ask for first.
     */
    static final String CPU_SHARE_PROPERTY = "streamsparse.reblock.cpu-share";
    /**
     * Half a core: on two cores shared by the writer, a searching thread and the builder, an unthrottled builder took
     * the writer's CPU (200k synthetic: 28.3k upserts/s at share 1 against 36.8k at 0.5, reader p99 about the same;
     * docs/BENCHMARKS.md), and the benchmarks' write-path figures are measured at this default.
     */
    static final String DEFAULT_CPU_SHARE = "0.5";
    /** Sleeps shorter than this are saved up: parking for a few microseconds costs more than it gives back. */
    static final long MIN_SLEEP_NANOS = 1_000_000;

    /** One hand-over. The builder sets {@link #merged} (or {@link #failure}) before handing it back. */
    static final class Job {
        final PostingList list;
        final int tailCount;
        final int[] tail;
        /** The writer's dead-posting count of {@link #list} at the hand-over. */
        final int deadAtHandOver;
        /** Whether the merge should drop the postings dead at {@link #view} (see {@link ListBuilder#merge}). */
        final boolean dropDead;
        final View view;
        PostingList merged;
        /** Whether {@link #merged} holds no posting dead at {@link #view} (else it kept all of them). */
        boolean droppedDead;
        RuntimeException failure;

        Job(PostingList list, int tailCount, int[] tail, int deadAtHandOver, boolean dropDead, View view) {
            this.list = list;
            this.tailCount = tailCount;
            this.tail = tail;
            this.deadAtHandOver = deadAtHandOver;
            this.dropDead = dropDead;
            this.view = view;
        }
    }

    private final ListBuilder builder;
    /**
     * Linked queues: the writer polls {@link #done} after every operation, and a linked queue answers "empty" from an
     * atomic count without taking its lock (an array queue locks on every poll, and contended with the builder).
     */
    private final LinkedBlockingQueue<Job> todo = new LinkedBlockingQueue<>(MAX_IN_FLIGHT);
    private final LinkedBlockingQueue<Job> done = new LinkedBlockingQueue<>(MAX_IN_FLIGHT);
    private final Thread thread;
    private volatile boolean closed;
    /** Read by the builder after each job, so that a new share takes effect at once. */
    private volatile double cpuShare;

    private Reblocker(IndexConfig config, String threadName) {
        this.builder = new ListBuilder(config);
        this.cpuShare = cpuShare(System.getProperty(CPU_SHARE_PROPERTY, DEFAULT_CPU_SHARE));
        if (threadName == null) {
            this.thread = null;
        } else {
            this.thread = new Thread(this::loop, threadName);
            this.thread.setDaemon(true);
            this.thread.start();
        }
    }

    /** A builder on its own daemon thread. */
    static Reblocker threaded(IndexConfig config) {
        return new Reblocker(config, "reblocker");
    }

    /** A builder that runs only when {@link #runOne()} is called. */
    static Reblocker manual(IndexConfig config) {
        return new Reblocker(config, null);
    }

    /** Writer: hands a job over (the writer keeps at most {@link #MAX_IN_FLIGHT} in flight, so this never blocks). */
    void submit(Job job) {
        if (!todo.offer(job)) {
            throw new IllegalStateException("more than " + MAX_IN_FLIGHT + " re-blocking jobs in flight");
        }
    }

    /** Writer: a finished job, or null. */
    Job poll() {
        return done.poll();
    }

    /**
     * Writer: waits for the next finished job (manual mode: runs the oldest queued one first). Only call it with a
     * job in flight.
     */
    Job awaitFinished() throws InterruptedException {
        if (thread == null) {
            runOne();
            Job job = poll();
            if (job == null) {
                throw new IllegalStateException("no re-blocking job in flight");
            }
            return job;
        }
        return done.take();
    }

    /** Manual mode: runs the oldest queued job on the calling thread; false when none was queued. */
    boolean runOne() {
        Job job = todo.poll();
        if (job == null) {
            return false;
        }
        run(job);
        return true;
    }

    /** Manual mode: jobs waiting to run. */
    int queued() {
        return todo.size();
    }

    /** Sets the share of one core the builder may use, in (0, 1]; the system property gives the initial one. */
    void cpuShare(double share) {
        cpuShare = checkedShare(share, "re-blocking CPU share");
    }

    static double cpuShare(String value) {
        try {
            return checkedShare(Double.parseDouble(value), CPU_SHARE_PROPERTY);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(CPU_SHARE_PROPERTY + " must be a number in (0, 1], was " + value, e);
        }
    }

    private static double checkedShare(double share, String what) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException(what + " must be in (0, 1], was " + share);
        }
        return share;
    }

    private void loop() {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long owedSleep = 0;
        try {
            while (!closed) {
                Job job = todo.take();
                double sleepPerBusy = 1 / cpuShare - 1;
                long busy0 = sleepPerBusy > 0 ? cpu.getCurrentThreadCpuTime() : 0;
                run(job);
                if (sleepPerBusy > 0) {
                    // invariant: owedSleep = sleepPerBusy × (CPU time used) - time slept so far, at most one
                    // MIN_SLEEP_NANOS short of paid
                    owedSleep += (long) ((cpu.getCurrentThreadCpuTime() - busy0) * sleepPerBusy);
                    if (owedSleep >= MIN_SLEEP_NANOS) {
                        long t0 = System.nanoTime();
                        LockSupport.parkNanos(owedSleep);
                        owedSleep -= System.nanoTime() - t0;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(Job job) {
        try {
            job.merged = builder.merge(job.list, job.tailCount, job.tail, job.view, job.dropDead);
            job.droppedDead = builder.lastMergeDroppedDead();
        } catch (RuntimeException e) {
            job.failure = e;
        }
        if (!done.offer(job)) {
            throw new IllegalStateException("more than " + MAX_IN_FLIGHT + " re-blocking jobs finished");
        }
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
