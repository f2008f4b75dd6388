package org.universis.racket.relay.internal.server;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import org.universis.racket.spi.Backplane;

/** The relay's counters; gauges are read from the {@link Sequencer} when scraped. */
public final class Metrics {

  final LongAdder published = new LongAdder();
  final LongAdder delivered = new LongAdder();
  final LongAdder dropped = new LongAdder();
  final LongAdder disconnected = new LongAdder();
  final LongAdder originsRefused = new LongAdder();
  private final Map<Integer, LongAdder> rejected = new ConcurrentSkipListMap<>();

  public Metrics() {
    for (int status : new int[] {400, 401, 403, 404, 405, 413, 415, 421, 503}) {
      rejected.put(status, new LongAdder());
    }
  }

  void rejected(int status) {
    rejected.computeIfAbsent(status, s -> new LongAdder()).increment();
  }

  /** Prometheus text format 0.0.4. */
  String render(Sequencer sequencer) {
    StringBuilder out = new StringBuilder(1024);
    counter(out, "racket_events_published_total", "Events the relay accepted.", published.sum());
    counter(out, "racket_events_delivered_total", "Events written to subscribers.", delivered.sum());
    counter(out, "racket_events_dropped_total", "Events dropped from full subscriber queues.",
        dropped.sum());
    counter(out, "racket_resyncs_total", "racket.resync notices sent: gaps a subscriber was told of.",
        sequencer.resyncs());
    counter(out, "racket_subscribers_disconnected_total",
        "Subscribers closed because their queue was full.", disconnected.sum());
    counter(out, "racket_origins_refused_total",
        "WebSocket hellos refused: a live connection holds their origin id.", originsRefused.sum());
    gauge(out, "racket_subscribers", "Connected subscribers (SSE and WebSocket).",
        sequencer.subscriberCount());
    gauge(out, "racket_queue_depth", "Events waiting in all subscriber queues.",
        sequencer.queueDepth());
    gauge(out, "racket_history_events", "Events held for replay.", sequencer.historySize());
    gauge(out, "racket_history_bytes", "Bytes held for replay.", sequencer.historyBytes());
    BackplaneLink link = sequencer.backplane();
    if (link != null) {
      Backplane.Status b = link.status();
      gauge(out, "racket_backplane_connected", "1 while the backplane is reachable, else 0.",
          b.connected() ? 1 : 0);
      gauge(out, "racket_backplane_held", "Emits waiting for the backplane.", b.heldEvents());
      gauge(out, "racket_backplane_lag_milliseconds",
          "From the last event's append to the backplane to its delivery here.", b.lagMillis());
    }
    out.append("# HELP racket_requests_rejected_total Requests refused, by HTTP status.\n")
        .append("# TYPE racket_requests_rejected_total counter\n");
    rejected.forEach((status, n) -> out.append("racket_requests_rejected_total{status=\"")
        .append(status).append("\"} ").append(n.sum()).append('\n'));
    return out.toString();
  }

  private static void counter(StringBuilder out, String name, String help, long value) {
    metric(out, name, "counter", help, value);
  }

  private static void gauge(StringBuilder out, String name, String help, long value) {
    metric(out, name, "gauge", help, value);
  }

  private static void metric(StringBuilder out, String name, String type, String help, long value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(' ').append(type).append('\n')
        .append(name).append(' ').append(value).append('\n');
  }
}
