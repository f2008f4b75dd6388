package org.universis.racket.examples.spring;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** One instance of the example service, {@code java -jar racket-cache-service.jar}, as a child process. */
final class ServiceProcess implements AutoCloseable {

  static final Path JAR = Path.of("target/racket-cache-service.jar");
  private static final int KEPT_LINES = 200;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final int port;
  private final Process process;
  private final Deque<String> output = new ArrayDeque<>();

  private ServiceProcess(String name, int port, Process process) {
    this.name = name;
    this.port = port;
    this.process = process;
    Thread pump = new Thread(this::pump, "service-" + name + "-out");
    pump.setDaemon(true);
    pump.start();
  }

  /** Starts an instance on a free port with {@code args} after the jar. */
  static ServiceProcess start(String name, String... args) throws IOException {
    return start(name, List.of(), args);
  }

  /** Starts an instance on a free port with {@code jvmArgs} before the jar and {@code args} after it. */
  static ServiceProcess start(String name, List<String> jvmArgs, String... args) throws IOException {
    int port = freePort();
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-XX:TieredStopAtLevel=1"));
    command.addAll(jvmArgs);
    command.addAll(List.of("-jar", JAR.toString(), "--server.port=" + port));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("RACKET_"));
    return new ServiceProcess(name, port, pb.start());
  }

  private void pump() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        synchronized (output) {
          if (output.size() == KEPT_LINES) output.removeFirst();
          output.addLast(line);
        }
      }
    } catch (IOException gone) {
      // the process ended
    }
  }

  /** GET {@code path}; status and body. */
  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build());
  }

  HttpResponse<String> delete(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).DELETE().build());
  }

  /** Polls GET {@code path} until its body satisfies {@code wanted}; returns that body. */
  String awaitGet(String path, Predicate<String> wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "(no answer)";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) throw new AssertionError(name + " exited " + process.exitValue() + ":\n" + output());
      try {
        HttpResponse<String> r = get(path);
        last = r.statusCode() + " " + r.body();
        if (wanted.test(r.body())) return r.body();
      } catch (IOException notYet) {
        last = notYet.toString();
      }
      Thread.sleep(100); // polling interval; the condition above decides
    }
    throw new AssertionError(name + ": GET " + path + " never answered as expected within " + timeout
        + "; last: " + last + "\noutput:\n" + output());
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  String output() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
