package org.universis.racket.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A server the launcher started for one scenario, on a loopback port of its own, with no
 * persistence, stopped by {@link #close()}: redis-server, nats-server or racket's relay jar; for
 * {@code racket-backplane}, two relays joined through one redis-server, publishers at the first
 * and subscribers at the second. Its resident set and CPU are those of all its processes.
 */
final class Server implements AutoCloseable {

  private static final String RELAY_READY = "racket relay listening on ";

  /** Where publishers connect. */
  final String url;
  /** Where subscribers connect: {@link #url} but for the backplane's two relays. */
  final String subscribeUrl;
  private final List<Child> children;

  private Server(String url, String subscribeUrl, List<Child> children) {
    this.url = url;
    this.subscribeUrl = subscribeUrl;
    this.children = children;
  }

  static Server start(Transport.Kind kind, Config config, Path logs, String name) throws Exception {
    if (kind == Transport.Kind.RACKET_BACKPLANE) return backplane(config, logs, name);
    if (kind.isRacket()) {
      Started relay = relay(config, logs, name);
      return new Server(relay.url, relay.url, List.of(relay.child));
    }
    int port = freePort();
    List<String> command = kind.isRedis() ? redisCommand(port)
        : List.of(binary("nats-server"), "-a", "127.0.0.1", "-p", Integer.toString(port));
    Child child = Child.start(name, command, logs);
    try {
      awaitPort(port, child);
    } catch (RuntimeException e) {
      child.close();
      throw e;
    }
    return new Server("http://127.0.0.1:" + port, "http://127.0.0.1:" + port, List.of(child));
  }

  private static List<String> redisCommand(int port) {
    return List.of(binary("redis-server"), "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--protected-mode", "yes");
  }

  private static Server backplane(Config config, Path logs, String name) throws Exception {
    List<Child> started = new ArrayList<>();
    try {
      int port = freePort();
      Child redis = Child.start(name + "-redis", redisCommand(port), logs);
      started.add(redis);
      awaitPort(port, redis);
      String backplane = "redis://127.0.0.1:" + port;
      Started emitting = relay(config, logs, name + "-emitting", "--backplane", backplane);
      started.add(emitting.child);
      Started subscribed = relay(config, logs, name + "-subscribed", "--backplane", backplane);
      started.add(subscribed.child);
      return new Server(emitting.url, subscribed.url, List.copyOf(started));
    } catch (Exception e) {
      started.forEach(Child::close);
      throw e;
    }
  }

  private record Started(String url, Child child) {}

  private static Started relay(Config config, Path logs, String name, String... options) throws Exception {
    if (!Files.isRegularFile(config.relayJar())) {
      throw new IllegalStateException(config.relayJar() + " is missing: build it with"
          + " mvn -B -q -pl relay -am package -DskipTests (bench/run.sh does)");
    }
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(config.relayJvmArgs());
    command.addAll(List.of("-jar", config.relayJar().toString(), "--port", "0"));
    command.addAll(List.of(options));
    Child child = Child.start(name, command, logs);
    try {
      String url = child.await(RELAY_READY, 60, TimeUnit.SECONDS);
      return new Started(url.endsWith("/") ? url.substring(0, url.length() - 1) : url, child);
    } catch (RuntimeException | InterruptedException e) {
      child.close();
      throw e;
    }
  }

  /** The servers' resident sets now and at their peaks, in KiB, summed. */
  long[] rssKiB() {
    long[] sum = new long[2];
    for (Child c : children) {
      long[] each = c.rssKiB();
      sum[0] += each[0];
      sum[1] += each[1];
    }
    return sum;
  }

  long cpuNanos() {
    return children.stream().mapToLong(Child::cpuNanos).sum();
  }

  /** CPU time of the servers' JIT compiler threads so far, ms (0 without a JIT). */
  long compilerCpuMillis() {
    return children.stream().mapToLong(Child::compilerCpuMillis).sum();
  }

  @Override
  public void close() {
    children.forEach(Child::close);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void awaitPort(int port, Child child) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
    }
    throw new IllegalStateException("nothing listens on 127.0.0.1:" + port + " after 30 s (pid " + child.pid() + ")");
  }

  /** The server's binary from PATH, else from /usr/sbin or /usr/bin, where Debian puts them. */
  static String binary(String name) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    dirs.addAll(List.of("/usr/sbin", "/usr/bin", "/usr/local/bin"));
    for (String dir : dirs) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name).toString();
    }
    throw new IllegalStateException(name + " not found: apt-get install -y redis-server nats-server"
        + " (bench/run.sh does it)");
  }
}
