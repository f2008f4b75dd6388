package org.universis.racket.relay.internal.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The standalone relay ({@code target/racket-relay.jar}) as a child process, for the server's and
 * the client's ITs; {@link #close()} stops it.
 */
public final class RelayProcess implements AutoCloseable {

  /** This build's relay, or another given as {@code -Dracket.test.relayJar} (to compare builds). */
  static final Path JAR = Path.of(System.getProperty("racket.test.relayJar", "target/racket-relay.jar"));
  private static final Pattern LISTENING = Pattern.compile("racket relay listening on https?://(.+):(\\d+)");

  final Process process;
  final int port;
  /** Every line the relay wrote to stderr so far; all of them once {@link #close()} returned. */
  final ConcurrentLinkedQueue<String> stderr;
  private final Thread stderrReader;

  private RelayProcess(Process process, int port, ConcurrentLinkedQueue<String> stderr, Thread stderrReader) {
    this.process = process;
    this.port = port;
    this.stderr = stderr;
    this.stderrReader = stderrReader;
  }

  /**
   * Starts {@code java [jvmArgs] -jar racket-relay.jar --port 0 [args]} and waits for its port.
   * A {@code --port} in {@code args} wins over the 0, as a later option does.
   */
  public static RelayProcess start(List<String> jvmArgs, String... args) throws Exception {
    Process p = new ProcessBuilder(command(jvmArgs, args)).start();
    ConcurrentLinkedQueue<String> err = new ConcurrentLinkedQueue<>();
    Thread errReader = new Thread(() -> drain(p.getErrorStream(), err), "relay-stderr");
    errReader.setDaemon(true);
    errReader.start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread outReader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) port.complete(Integer.parseInt(m.group(2)));
        }
        port.completeExceptionally(new IllegalStateException("relay exited before listening: " + err));
      } catch (IOException e) {
        port.completeExceptionally(e);
      }
    }, "relay-stdout");
    outReader.setDaemon(true);
    outReader.start();
    try {
      return new RelayProcess(p, port.get(60, TimeUnit.SECONDS), err, errReader);
    } catch (Exception e) {
      p.destroyForcibly();
      throw e;
    }
  }

  static List<String> command(List<String> jvmArgs, String... args) {
    if (!Files.isRegularFile(JAR)) throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run mvn package");
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmArgs);
    command.add("-jar");
    command.add(JAR.toString());
    command.add("--port");
    command.add("0");
    command.addAll(List.of(args));
    return command;
  }

  private static void drain(InputStream in, ConcurrentLinkedQueue<String> into) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) into.add(line);
    } catch (IOException ignored) {
      // the process is gone
    }
  }

  /** A port nothing listens on right now. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Kills the relay as a crash would (no shutdown hooks). */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Stops the relay as a service manager would (its shutdown hook runs). */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    stderrReader.join(TimeUnit.SECONDS.toMillis(10));
  }
}
