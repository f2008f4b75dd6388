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
 * persistence, stopped by {@link #close()}: redis-server, nats-server or racket's relay jar.
 */
final class Server implements AutoCloseable {

  private static final String RELAY_READY = "racket relay listening on ";

  final String url;
  private final Child child;

  private Server(String url, Child child) {
    this.url = url;
    this.child = child;
  }

  static Server start(Transport.Kind kind, Config config, Path logs, String name) throws Exception {
    if (kind.isRacket()) return relay(config, logs, name);
    int port = freePort();
    List<String> command = kind.isRedis()
        ? List.of(binary("redis-server"), "--port", Integer.toString(port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--protected-mode", "yes")
        : List.of(binary("nats-server"), "-a", "127.0.0.1", "-p", Integer.toString(port));
    Child child = Child.start(name, command, logs);
    try {
      awaitPort(port, child);
    } catch (RuntimeException e) {
      child.close();
      throw e;
    }
    return new Server("http://127.0.0.1:" + port, child);
  }

  private static Server relay(Config config, Path logs, String name) throws Exception {
    if (!Files.isRegularFile(config.relayJar())) {
      throw new IllegalStateException(config.relayJar() + " is missing: build it with"
          + " mvn -B -q -pl relay -am package -DskipTests (bench/run.sh does)");
    }
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(config.relayJvmArgs());
    command.addAll(List.of("-jar", config.relayJar().toString(), "--port", "0"));
    Child child = Child.start(name, command, logs);
    try {
      String url = child.await(RELAY_READY, 60, TimeUnit.SECONDS);
      return new Server(url.endsWith("/") ? url.substring(0, url.length() - 1) : url, child);
    } catch (RuntimeException | InterruptedException e) {
      child.close();
      throw e;
    }
  }

  /** The server's resident set now and at its peak, in KiB. */
  long[] rssKiB() {
    return child.rssKiB();
  }

  long cpuNanos() {
    return child.cpuNanos();
  }

  /** CPU time of the server's JIT compiler threads so far, ms (0 without a JIT, -1 when gone). */
  long compilerCpuMillis() {
    return child.compilerCpuMillis();
  }

  @Override
  public void close() {
    child.close();
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
