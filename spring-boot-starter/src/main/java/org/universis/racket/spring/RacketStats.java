package org.universis.racket.spring;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import org.universis.racket.ProcessEvent;

/**
 * What went through the starter's {@link ProcessEventTemplate}: the counts behind the Micrometer
 * meters and the health details.
 */
public final class RacketStats {

  private final LongAdder emitted = new LongAdder();
  private final LongAdder emitFailures = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final LongAdder resyncs = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private volatile LongConsumer emitLatencyNanos = nanos -> {};

  /** Events the relay accepted from this process. */
  public long emitted() {
    return emitted.sum();
  }

  /** Emits that failed (relay unreachable past the buffer, body not encodable, emitter closed). */
  public long emitFailures() {
    return emitFailures.sum();
  }

  /** Events handed to this process's handlers, resync notices excepted. */
  public long received() {
    return received.sum();
  }

  /** {@code racket.resync} notices handlers received. */
  public long resyncs() {
    return resyncs.sum();
  }

  /** Events the notices said were dropped before reaching a handler. */
  public long dropped() {
    return dropped.sum();
  }

  void emitAccepted(long nanos) {
    emitted.increment();
    emitLatencyNanos.accept(nanos);
  }

  void emitFailed() {
    emitFailures.increment();
  }

  void delivered(ProcessEvent event) {
    if (!event.isResync()) {
      received.increment();
      return;
    }
    resyncs.increment();
    if (event.body() instanceof Map<?, ?> notice && notice.get("dropped") instanceof Number n) {
      dropped.add(n.longValue());
    }
  }

  /** Where emit latencies (emit call to the relay's acceptance) go besides the counts. */
  void onEmitLatency(LongConsumer nanos) {
    this.emitLatencyNanos = nanos;
  }
}
