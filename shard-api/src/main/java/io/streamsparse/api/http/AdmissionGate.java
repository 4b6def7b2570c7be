package io.streamsparse.api.http;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Bounds the searches an instance runs at once. A request beyond the bound waits at most {@code maxWait} for a
 * permit and is then refused with {@link OverloadedException} (the services answer 503 with {@code Retry-After}):
 * on a saturated CPU every admitted request slows down with each extra one, so refusing the excess early keeps the
 * admitted requests' latency bounded and tells clients and load balancers to go elsewhere or come back.
 */
public final class AdmissionGate {

    private final Semaphore permits;
    private final int maxConcurrent;
    private final long maxWaitNanos;
    private final LongAdder rejected = new LongAdder();

    public AdmissionGate(int maxConcurrent, Duration maxWait) {
        if (maxConcurrent < 1 || maxWait.isNegative()) {
            throw new IllegalArgumentException("admission needs maxConcurrent >= 1 and maxWait >= 0, was "
                    + maxConcurrent + " / " + maxWait);
        }
        this.permits = new Semaphore(maxConcurrent);
        this.maxConcurrent = maxConcurrent;
        this.maxWaitNanos = maxWait.toNanos();
    }

    /** Runs {@code work} holding a permit, or throws {@link OverloadedException} when none frees up in time. */
    public <T> T call(Supplier<T> work) {
        boolean admitted;
        try {
            admitted = maxWaitNanos == 0 ? permits.tryAcquire()
                    : permits.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            admitted = false;
        }
        if (!admitted) {
            rejected.increment();
            throw new OverloadedException(maxConcurrent);
        }
        try {
            return work.get();
        } finally {
            permits.release();
        }
    }

    /** Requests refused since start (monotonic, for a {@code _total} counter). */
    public long rejected() {
        return rejected.sum();
    }

    /** Searches running now. */
    public int inFlight() {
        return maxConcurrent - permits.availablePermits();
    }

    /** The instance runs as many searches as it admits; the client should retry later or elsewhere. */
    public static final class OverloadedException extends RuntimeException {
        /** Seconds a client should wait before retrying ({@code Retry-After}). */
        public static final int RETRY_AFTER_SECONDS = 1;

        OverloadedException(int maxConcurrent) {
            super("too many concurrent searches (limit " + maxConcurrent + "); retry after " + RETRY_AFTER_SECONDS
                    + " s");
        }
    }
}
