package org.universis.racket.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.universis.racket.relay.internal.client.ClientJson;
import org.universis.racket.relay.internal.codec.EmitLine;

/**
 * The JVM client's per-event cost on emit: encoding the benchmark's 256-byte body (a record of a
 * type, two numbers and a filler string) and laying out the line sent to the relay, against a
 * plain {@link ObjectMapper} encoding the same record in the same run.
 * Lives in the client's package to reach its package-private internals; it changes none of them.
 *
 * <pre>java -cp bench/target/racket-bench.jar org.openjdk.jmh.Main ClientEmit</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class ClientEmitBenchmark {

  /** The shape of the process-level benchmark's event, 256 bytes encoded. */
  public record Tick(String type, long n, long t, String pad) {}

  private static final ObjectMapper JACKSON = new ObjectMapper();

  private final Tick tick = new Tick("bench", 100_000_123L, 98_765_432_109_876L, "x".repeat(190));
  private long seq;

  /** The body as {@code emit} encodes it. */
  @Benchmark
  public byte[] encodeBody() {
    return ClientJson.encodeBytes(tick);
  }

  /** The same body through a plain {@link ObjectMapper}: the peer. */
  @Benchmark
  public byte[] encodeBodyByJackson() throws Exception {
    return JACKSON.writeValueAsBytes(tick);
  }

  /** The body encoded and laid out as the line the relay receives. */
  @Benchmark
  public byte[] emitLine() {
    return EmitLine.write(++seq, "bench", ClientJson.encodeBytes(tick));
  }
}
