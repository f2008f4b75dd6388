package org.universis.racket.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.universis.racket.Origin;
import org.universis.racket.relay.internal.codec.Envelope;
import org.universis.racket.relay.internal.codec.EventBatchReader;
import org.universis.racket.relay.internal.codec.OriginJson;
import org.universis.racket.relay.internal.codec.OriginKeys;
import org.universis.racket.relay.internal.codec.RawEvent;
import org.universis.racket.relay.internal.server.Emit;
import org.universis.racket.relay.internal.server.Event;
import org.universis.racket.relay.internal.server.Sequencer;
import org.universis.racket.relay.internal.server.WsMessage;
import org.universis.racket.relay.internal.server.WsSubscriber;

/**
 * The relay's per-event cost, one step at a time: decode an emit (WebSocket frame or POST body),
 * encode its envelope, sequence it (number, encode, history) with no subscriber. Lives in the
 * relay's package to reach its package-private internals; it changes none of them.
 *
 * <pre>java -cp bench/target/racket-bench.jar org.openjdk.jmh.Main RelayHotPath</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class RelayHotPathBenchmark {

  /** A 256-byte JSON body, as the process-level benchmark sends. */
  static final byte[] BODY = body();
  static final int FRAME = 64;

  private byte[] oneEmit;
  private byte[] frameOfEmits;
  private byte[] onePost;
  private byte[] origin;
  private Sequencer sequencer;
  private List<Emit> emit;
  private long id;
  private Event event;
  private final OriginKeys keys = new OriginKeys();
  private final ByteBuffer frame = ByteBuffer.allocate(4096);

  @Setup
  public void setUp() {
    String line = "{\"op\":\"emit\",\"seq\":17,\"type\":\"bench\",\"body\":" + new String(BODY, StandardCharsets.UTF_8) + "}";
    oneEmit = line.getBytes(StandardCharsets.UTF_8);
    frameOfEmits = String.join("\n", java.util.Collections.nCopies(FRAME, line)).getBytes(StandardCharsets.UTF_8);
    onePost = BODY.clone();
    origin = OriginJson.write(new Origin("7c1e0d9a-5b8f-4c4e-9d0a-3f2b1c0d9e8f", 4711, "web-1", "orders"));
    sequencer = FanOutBenchmark.sequencer();
    emit = List.of(new Emit("bench", BODY, 1));
    event = new Event(1, "bench", Envelope.encode(1, "bench", 1_764_201_600_123L, origin, 1, BODY));
    Envelope.writeKeyed(event.envelope, event.id, event.type, keys, frame); // the connection knows the origin from now
  }

  @Benchmark
  public List<WsMessage> decodeWsFrameOfOneEmit() {
    return WsMessage.parseFrame(oneEmit, 0, oneEmit.length);
  }

  @Benchmark
  @OperationsPerInvocation(FRAME)
  public List<WsMessage> decodeWsFrameOf64EmitsPerEmit() {
    return WsMessage.parseFrame(frameOfEmits, 0, frameOfEmits.length);
  }

  @Benchmark
  public List<RawEvent> decodePostBody() {
    return EventBatchReader.read(onePost, null);
  }

  @Benchmark
  public byte[] encodeEnvelope() {
    return Envelope.encode(++id, "bench", 1_764_201_600_123L, origin, id, BODY);
  }

  /** An event's line into a subscriber's frame, whole (SSE aside, protocol 1). */
  @Benchmark
  public ByteBuffer writeEnvelopeLine() {
    WsSubscriber.line(event, frame.clear());
    return frame;
  }

  /** The same keyed (protocol 2), the origin known to the connection: its key in its place. */
  @Benchmark
  public ByteBuffer writeKeyedEnvelopeLine() {
    Envelope.writeKeyed(event.envelope, event.id, event.type, keys, frame.clear());
    return frame.put((byte) '\n');
  }

  @Benchmark
  public long[] sequenceWithoutSubscribers() {
    return sequencer.publish(emit, origin, null, false).join(); // done at once without a backplane
  }

  static byte[] body() {
    String head = "{\"type\":\"bench\",\"n\":123456,\"t\":98765432109876,\"pad\":\"";
    return (head + "x".repeat(256 - head.length() - 2) + "\"}").getBytes(StandardCharsets.UTF_8);
  }
}
