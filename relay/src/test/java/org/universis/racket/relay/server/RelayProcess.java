package org.universis.racket.relay.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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

/** A relay started as its own process from the packaged jar; {@link #close()} kills it. */
final class RelayProcess implements AutoCloseable {

  static final Path JAR = Path.of("target", "racket-relay.jar");
  private static final Pattern LISTENING = Pattern.compile("racket relay listening on http://(.+):(\\d+)");

  final Process process;
  final int port;
  final ConcurrentLinkedQueue<String> stderr;

  private RelayProcess(Process process, int port, ConcurrentLinkedQueue<String> stderr) {
    this.process = process;
    this.port = port;
    this.stderr = stderr;
  }

  /** Starts {@code java [jvmArgs] -jar racket-relay.jar --port 0 [args]} and waits for its port. */
  static RelayProcess start(List<String> jvmArgs, String... args) throws Exception {
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
      return new RelayProcess(p, port.get(30, TimeUnit.SECONDS), err);
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

  private static void drain(java.io.InputStream in, ConcurrentLinkedQueue<String> into) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) into.add(line);
    } catch (IOException ignored) {
      // the process is gone
    }
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
