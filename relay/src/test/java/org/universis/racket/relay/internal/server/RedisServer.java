package org.universis.racket.relay.internal.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} on a free loopback port, for the backplane's ITs; with {@code aof}
 * it keeps what it acknowledged (fsync at every write) across {@link #kill()} and {@link #start()}.
 */
final class RedisServer implements AutoCloseable {

  final int port;
  private final boolean aof;
  private final List<String> options;
  private final Path dir;
  private Process process;

  private RedisServer(boolean aof, String... options) throws IOException {
    this.port = RelayProcess.freePort();
    this.aof = aof;
    this.options = List.of(options);
    this.dir = Files.createTempDirectory("racket-redis");
  }

  /** Starts a redis-server that keeps nothing on disk, with more {@code options} (--name value). */
  static RedisServer memory(String... options) throws Exception {
    RedisServer r = new RedisServer(false, options);
    r.start();
    return r;
  }

  /** Starts a redis-server with an append-only file synced at every write. */
  static RedisServer durable() throws Exception {
    RedisServer r = new RedisServer(true);
    r.start();
    return r;
  }

  String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts it (again, on the same port and files) and waits until it answers PING. */
  void start() throws Exception {
    List<String> command = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port),
        "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--daemonize", "no"));
    if (aof) command.addAll(List.of("--appendonly", "yes", "--appendfsync", "always"));
    else command.addAll(List.of("--appendonly", "no"));
    command.addAll(options);
    process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile()).start();
    Await.until(this::answers, 20, () -> "redis-server on " + port + " to answer PING: " + log());
  }

  /** Kills it as a crash would. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  private boolean answers() {
    if (!process.isAlive()) throw new IllegalStateException("redis-server exited: " + log());
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      s.setSoTimeout(2000);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] reply = new byte[7];
      int n = in.readNBytes(reply, 0, 7);
      return new String(reply, 0, n, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false;
    }
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("redis.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws Exception {
    kill();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
