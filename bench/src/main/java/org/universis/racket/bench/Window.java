package org.universis.racket.bench;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Bounds the sends a publisher has in flight, so "as fast as the client allows" never means an
 * unbounded pile of futures; and keeps the first failure, which {@link #drain()} reports.
 */
final class Window {

  private final int size;
  private final Semaphore permits;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  Window(int size) {
    this.size = size;
    this.permits = new Semaphore(size);
  }

  void acquire() throws InterruptedException {
    if (!permits.tryAcquire(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("no send completed within 30 s; " + size + " in flight");
    }
  }

  /** Call from the send's completion, whatever its outcome. */
  void release(Throwable error) {
    if (error != null) failure.compareAndSet(null, error);
    permits.release();
  }

  void drain() throws InterruptedException {
    if (!permits.tryAcquire(size, 60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("sends still in flight after 60 s");
    }
    permits.release(size);
    Throwable e = failure.get();
    if (e != null) throw new IllegalStateException("a send failed: " + e, e);
  }
}
