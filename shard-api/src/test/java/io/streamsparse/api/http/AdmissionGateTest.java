package io.streamsparse.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class AdmissionGateTest {

    @Test
    void beyondTheBoundARequestIsRefusedAndCounted() throws Exception {
        AdmissionGate gate = new AdmissionGate(2, Duration.ZERO);
        CountDownLatch running = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> a = pool.submit(() -> gate.call(() -> hold(running, release)));
            Future<?> b = pool.submit(() -> gate.call(() -> hold(running, release)));
            running.await();
            assertThat(gate.inFlight()).isEqualTo(2);
            assertThatThrownBy(() -> gate.call(() -> "third")).isInstanceOf(AdmissionGate.OverloadedException.class)
                    .hasMessageContaining("limit 2");
            assertThat(gate.rejected()).isEqualTo(1);
            release.countDown();
            a.get();
            b.get();
            assertThat(gate.call(() -> "after")).isEqualTo("after");
            assertThat(gate.inFlight()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWaitingRequestIsAdmittedWhenAPermitFreesInTime() throws Exception {
        AdmissionGate gate = new AdmissionGate(1, Duration.ofSeconds(5));
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            pool.submit(() -> gate.call(() -> hold(running, release)));
            running.await();
            new Thread(() -> {
                sleep(100);
                release.countDown();
            }).start();
            assertThat(gate.call(() -> "waited")).isEqualTo("waited");
            assertThat(gate.rejected()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailingSearchReleasesItsPermit() {
        AdmissionGate gate = new AdmissionGate(1, Duration.ZERO);
        assertThatThrownBy(() -> gate.call(() -> {
            throw new IllegalArgumentException("bad");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThat(gate.call(() -> "ok")).isEqualTo("ok");
    }

    private static String hold(CountDownLatch running, CountDownLatch release) {
        running.countDown();
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "done";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
