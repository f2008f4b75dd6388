package org.universis.racket.bench;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.universis.racket.Origin;
import org.universis.racket.relay.RelayConfig;
import org.universis.racket.relay.internal.codec.OriginJson;
import org.universis.racket.relay.internal.codec.WsFrames;
import org.universis.racket.relay.internal.server.Emit;
import org.universis.racket.relay.internal.server.History;
import org.universis.racket.relay.internal.server.Metrics;
import org.universis.racket.relay.internal.server.Notices;
import org.universis.racket.relay.internal.server.Outgoing;
import org.universis.racket.relay.internal.server.Sequencer;
import org.universis.racket.relay.internal.server.Subscriber;
import org.universis.racket.relay.internal.server.SubscriberInfo;
import org.universis.racket.relay.internal.server.SubscriberLimits;
import org.universis.racket.relay.internal.server.WsSubscriber;
import org.universis.racket.spi.TypeFilter;

/**
 * One event through the sequencer to N subscribers held in memory: number, encode once, append
 * to the history, offer to each queue, and each subscriber's writer framing it, as the WebSocket
 * writer does, into a buffer instead of a socket. Writers run inline (no IO thread hop), so this
 * is the relay's CPU per event with the network taken out.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class FanOutBenchmark {

  @Param({"1", "4", "16", "64"})
  public int subscribers;

  private Sequencer sequencer;
  private List<Emit> emit;
  private byte[] origin;

  @Setup(Level.Trial)
  public void setUp(Blackhole blackhole) {
    sequencer = sequencer();
    SubscriberLimits limits = limits();
    for (int i = 0; i < subscribers; i++) {
      sequencer.subscribe(new MemorySubscriber(limits, blackhole), null, null);
    }
    emit = List.of(new Emit("bench", RelayHotPathBenchmark.BODY, 1));
    origin = OriginJson.write(new Origin("7c1e0d9a-5b8f-4c4e-9d0a-3f2b1c0d9e8f", 4711, "web-1", "orders"));
  }

  @Benchmark
  public long[] publishOneEvent() {
    return sequencer.publish(emit, origin, null, false).join(); // done at once without a backplane
  }

  static Sequencer sequencer() {
    Notices notices = new Notices("bench-host");
    return new Sequencer(System.currentTimeMillis(), new History(10_000, 64L << 20), notices, new Metrics());
  }

  static SubscriberLimits limits() {
    return new SubscriberLimits(10_000, 64L << 20, RelayConfig.Overflow.DROP_OLDEST, 1 << 20,
        new Notices("bench-host"));
  }

  /** A subscriber whose "socket" is a blackhole and whose IO thread is the caller. */
  static final class MemorySubscriber extends Subscriber {
    private final Blackhole sink;

    MemorySubscriber(SubscriberLimits limits, Blackhole sink) {
      super(new SubscriberInfo("memory", "memory", 0, null), TypeFilter.ALL, limits, new Metrics());
      this.sink = sink;
    }

    @Override
    public void execute(Runnable task) {
      task.run();
    }

    @Override
    public void send(ByteBuffer frame, Runnable sent) {
      sink.consume(frame);
      sent.run();
    }

    @Override
    public int headroom() {
      return WsFrames.SERVER_HEAD_ROOM;
    }

    @Override
    public int frameSize(Outgoing item) {
      return WsSubscriber.lineSize(item);
    }

    @Override
    public void frame(Outgoing item, ByteBuffer out) {
      WsSubscriber.line(item, out);
    }

    @Override
    public void closeTransport(boolean slow) {}

    @Override
    public void closed() {}
  }
}
