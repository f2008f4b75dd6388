package org.universis.racket.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.universis.racket.relay.internal.client.ClientJson;
import org.universis.racket.relay.internal.client.ReceivedEvent;
import org.universis.racket.relay.internal.client.RelayMessage;
import org.universis.racket.relay.internal.client.WireReader;
import org.universis.racket.relay.internal.codec.Envelope;
import org.universis.racket.relay.internal.codec.OriginJson;
import org.universis.racket.relay.internal.codec.OriginKeys;

/**
 * The JVM client's per-event cost on receipt: reading a relay message of 64 events (lines found,
 * headers read by position, envelopes copied out) and decoding one body as {@code body()} and
 * {@code body(Map.class)} do.
 * Lives in the client's package to reach its package-private internals; it changes none of them.
 *
 * <pre>java -cp bench/target/racket-bench.jar org.openjdk.jmh.Main ClientReceive</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class ClientReceiveBenchmark {

  static final int FRAME = 64;
  private static final long FIRST_ID = 61_525_019_955_203L;

  private final WireReader reader = new WireReader();
  private final List<ReceivedEvent> events = new ArrayList<>(FRAME);
  private final WireReader.Sink sink = new WireReader.Sink() {
    @Override
    public void event(ReceivedEvent event) {
      events.add(event);
    }

    @Override
    public void message(RelayMessage message) {}
  };
  private byte[] message;
  private final WireReader keyedReader = new WireReader();
  private byte[] keyedMessage; // the same events, keyed (protocol 2) for a reader that knows the key
  private byte[] body;
  private final byte[] stringBody = ("\"" + "0123456789abcdef".repeat(16) + "\"").getBytes(StandardCharsets.UTF_8);
  private ReceivedEvent one;

  @Setup
  public void setUp() throws Exception {
    String head = "{\"type\":\"bench\",\"n\":123456,\"t\":98765432109876,\"pad\":\"";
    body = (head + "x".repeat(256 - head.length() - 2) + "\"}").getBytes(StandardCharsets.UTF_8);
    byte[] origin = OriginJson.write(new Origin("7c1e0d9a-5b8f-4c4e-9d0a-3f2b1c0d9e8f", 4711, "web-1", "orders"));
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < FRAME; i++) {
      long id = FIRST_ID + i;
      text.append(new String(Envelope.encode(id, "bench", 1_764_201_600_123L, origin, 1000 + i, body),
          StandardCharsets.UTF_8)).append('\n');
    }
    message = text.toString().getBytes(StandardCharsets.UTF_8);
    reader.read(message, message.length, sink);
    one = events.get(0);
    // Keyed (protocol 2): the first pass introduces the origin to the reader, the second is the
    // steady state, every line naming its key.
    OriginKeys keys = new OriginKeys();
    byte[] introducing = keyed(text.toString(), keys);
    keyedReader.read(introducing, introducing.length, sink);
    keyedMessage = keyed(text.toString(), keys);
  }

  private static byte[] keyed(String lines, OriginKeys keys) {
    ByteBuffer out = ByteBuffer.allocate(2 * lines.length());
    String[] split = lines.split("\n");
    for (int i = 0; i < split.length; i++) {
      Envelope.writeKeyed(split[i].getBytes(StandardCharsets.UTF_8), FIRST_ID + i, "bench", keys, out);
      out.put((byte) '\n');
    }
    return Arrays.copyOf(out.array(), out.position());
  }

  @Benchmark
  @OperationsPerInvocation(FRAME)
  public int readMessageOf64EventsPerEvent() throws Exception {
    events.clear();
    reader.read(message, message.length, sink);
    return events.size();
  }

  /** The same with keyed envelopes (protocol 2): the origin is a key, not an object to match. */
  @Benchmark
  @OperationsPerInvocation(FRAME)
  public int readKeyedMessageOf64EventsPerEvent() throws Exception {
    events.clear();
    keyedReader.read(keyedMessage, keyedMessage.length, sink);
    return events.size();
  }

  /** A JSON string body read as a String, as {@code body(String.class)} does (bench's opaque view). */
  @Benchmark
  public String decodeStringBody() {
    return ClientJson.decode(stringBody, 0, stringBody.length, String.class, () -> "event");
  }

  /** A body decoded into a class through Jackson (here Map), as {@code body(Map.class)} does. */
  @Benchmark
  public Object decodeBody() {
    return one.body(java.util.Map.class); // decoded anew at every call, unlike body()
  }

  /** The same tree through Jackson's untyped reading, which {@code body()} used before: the peer. */
  @Benchmark
  public Object decodeBodyAsTreeByJackson() throws Exception {
    return ClientJson.MAPPER.readerFor(Object.class).readValue(body, 0, body.length);
  }

  /** The same body as the tree {@code body()} gives, once per event. */
  @Benchmark
  public Object decodeBodyAsTree() {
    return ClientJson.decode(body, 0, body.length, Object.class, () -> "event");
  }
}
