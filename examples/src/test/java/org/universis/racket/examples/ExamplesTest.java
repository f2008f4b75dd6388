package org.universis.racket.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's examples run as the README runs them: each in its own JVM, ending by itself. */
class ExamplesTest {

  @Test
  void theThreeJvmDemoEndsByItselfAfterEveryJvmSawEveryGreetingInTheSameOrder() throws Exception {
    String out = run(ThreeJvmDemo.class);
    assertTrue(out.contains("all 3 JVMs received all 9 greetings in the same order"), out);
  }

  @Test
  void serviceHostReachesARelayOnAnotherPort() throws Exception {
    String url = "http://localhost:" + freePort() + "/";
    String out = run(ServiceHost.class, url);
    assertTrue(out.contains("received message") && out.contains("Hello World!"), out);
  }

  @Test
  void helloEmitAndHelloSubscribeTalkThroughTheRelayTheFirstOfThemHosts() throws Exception {
    int port = freePort();
    String url = "-Dracket.url=http://127.0.0.1:" + port;
    Process subscriber = start(HelloSubscribe.class, List.of(url), "1");
    try {
      awaitSubscriber(port);
      String emitted = run(HelloEmit.class, List.of(url));
      assertTrue(emitted.contains("emitted event"), emitted);
      assertTrue(subscriber.waitFor(60, TimeUnit.SECONDS), "the subscriber ends after one event");
      String rest = new String(subscriber.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(rest.contains("message from") && rest.contains("Hello World!"), rest);
    } finally {
      subscriber.destroyForcibly();
    }
  }

  // The subscriber hosts the relay (auto mode, nothing listened): wait until the relay lists it.
  // The relay it hosts takes this user's secret as its token, read from where the README says.
  private static void awaitSubscriber(int port) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest clients = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/clients"))
        .header("Authorization", "Bearer " + userSecret()).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        String body = http.send(clients, HttpResponse.BodyHandlers.ofString()).body();
        if (body.contains("\"types\":\">\"")) return;
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) throw new AssertionError("HelloSubscribe never subscribed");
      Thread.sleep(50); // polling interval; the condition above decides
    }
  }

  // ${XDG_RUNTIME_DIR:-$HOME/.cache}/racket/token; the first JVM creates it.
  private static String userSecret() throws Exception {
    String runtime = System.getenv("XDG_RUNTIME_DIR");
    Path file = (runtime == null || runtime.isBlank() ? Path.of(System.getProperty("user.home"), ".cache")
        : Path.of(runtime)).resolve("racket").resolve("token");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(file)) {
      if (System.nanoTime() > deadline) throw new AssertionError("no " + file);
      Thread.sleep(50); // polling interval; the condition above decides
    }
    return Files.readString(file).trim();
  }

  private static String run(Class<?> main, String... args) throws Exception {
    return run(main, List.of(), args);
  }

  private static String run(Class<?> main, List<String> jvmArgs, String... args) throws Exception {
    Process p = start(main, jvmArgs, args);
    try {
      // Output is read to the end first: a full pipe would otherwise stall the child.
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), main.getSimpleName() + " did not end: " + out);
      assertEquals(0, p.exitValue(), out);
      return out;
    } finally {
      p.destroyForcibly();
    }
  }

  private static Process start(Class<?> main, List<String> jvmArgs, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.addAll(jvmArgs);
    command.add(main.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
