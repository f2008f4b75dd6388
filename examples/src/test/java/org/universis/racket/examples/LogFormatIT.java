package org.universis.racket.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Undertow and XNIO log through JBoss Logging; racket routes it to its own one-line logger, so no
 * process of racket's prints java.util.logging's two-line format: a relay hosted through the
 * library ({@link ThreeJvmDemo}, three client JVMs), the standalone relay ({@code racket-relay.jar})
 * and a relay hosted by the agent ({@link ZeroCodeApp}).
 */
class LogFormatIT {

  private static final Path RELAY_JAR = Path.of("../relay/target/racket-relay.jar");
  private static final Path AGENT_JAR = Path.of("../agent/target/racket.jar");
  /** JUL's SimpleFormatter: {@code Dec 07, 2026 2:35:36 PM io.undertow.Undertow stop}. */
  private static final Pattern JUL_HEADER =
      Pattern.compile("[A-Z][a-z]{2} \\d{1,2}, \\d{4} \\d{1,2}:\\d{2}:\\d{2} [AP]M \\S+ \\S+");
  /** JUL's second line: {@code INFO: stopping server: Undertow}. */
  private static final Pattern JUL_MESSAGE =
      Pattern.compile("(SEVERE|WARNING|INFO|CONFIG|FINE|FINER|FINEST): .*");

  @Test
  void theThreeJvmDemoPrintsNoLineInJavaUtilLoggingsFormat() throws Exception {
    // racket.log=debug: the hosted relay's Undertow and XNIO INFO lines are racket's DEBUG.
    assertRunsToTheEndLoggingOnlyThroughRacket(new ProcessBuilder(java(), "-Dracket.log=debug",
        "-cp", System.getProperty("java.class.path"), ThreeJvmDemo.class.getName()));
  }

  @Test
  void aRelayTheAgentHostsPrintsNoLineInJavaUtilLoggingsFormat() throws Exception {
    assertTrue(Files.isRegularFile(AGENT_JAR), AGENT_JAR.toAbsolutePath() + " is built by the agent module");
    assertRunsToTheEndLoggingOnlyThroughRacket(new ProcessBuilder(java(), "-javaagent:" + AGENT_JAR
        + "=url=http://127.0.0.1:" + freePort() + ",mode=relay,log=debug", "-cp", "target/classes",
        ZeroCodeApp.class.getName()));
  }

  @Test
  void theStandaloneRelayPrintsNoLineInJavaUtilLoggingsFormat() throws Exception {
    assertTrue(Files.isRegularFile(RELAY_JAR), RELAY_JAR.toAbsolutePath() + " is built by the relay module");
    ProcessBuilder pb = new ProcessBuilder(java(), "-jar", RELAY_JAR.toString(), "--port", "0",
        "--log-level", "debug");
    pb.environment().keySet().removeIf(k -> k.startsWith("RACKET_"));
    Process relay = pb.redirectErrorStream(true).start();
    ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    CompletableFuture<Void> listening = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
          if (line.startsWith("racket relay listening on ")) listening.complete(null);
        }
      } catch (IOException e) {
        // the process is gone
      }
      listening.complete(null);
    }, "relay-output");
    reader.setDaemon(true);
    reader.start();
    try {
      listening.get(60, TimeUnit.SECONDS);
      relay.destroy(); // SIGTERM: the shutdown hook stops Undertow, which logs it
      assertTrue(relay.waitFor(30, TimeUnit.SECONDS), String.join("\n", lines));
      reader.join(TimeUnit.SECONDS.toMillis(10));
    } finally {
      relay.destroyForcibly();
    }
    String out = String.join("\n", lines);
    assertNoJulLines(out);
    assertTrue(out.contains("racket relay listening on "), out);
    assertTrue(out.contains(" DEBUG racket [") && out.contains("io.undertow"), "Undertow's INFO at racket's DEBUG:\n" + out);
  }

  // Runs the process (without the RACKET_ environment) to its end: it exits 0, prints no line in
  // JUL's format, and Undertow's INFO comes out at racket's DEBUG.
  private static void assertRunsToTheEndLoggingOnlyThroughRacket(ProcessBuilder pb) throws Exception {
    pb.environment().keySet().removeIf(k -> k.startsWith("RACKET_"));
    Process process = pb.redirectErrorStream(true).start();
    try {
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), out);
      assertEquals(0, process.exitValue(), out);
      assertNoJulLines(out);
      assertTrue(out.contains(" DEBUG racket [") && out.contains("io.undertow"), "Undertow's INFO at racket's DEBUG:\n" + out);
    } finally {
      process.destroyForcibly();
    }
  }

  private static void assertNoJulLines(String out) {
    List<String> lines = out.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      boolean header = JUL_HEADER.matcher(lines.get(i)).matches();
      boolean message = JUL_MESSAGE.matcher(lines.get(i)).matches();
      assertTrue(!header && !message, "a java.util.logging line at " + (i + 1) + ":\n" + out);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }
}
