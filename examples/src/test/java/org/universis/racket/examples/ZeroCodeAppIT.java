package org.universis.racket.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's zero-code command: the agent, the app's classes, and nothing else on the class path. */
class ZeroCodeAppIT {

  private static final Path AGENT_JAR = Path.of("../agent/target/racket.jar");

  @Test
  void theAgentSubscribesBothHandlersOfAnAppWithoutRacketApi() throws Exception {
    assertTrue(Files.isRegularFile(AGENT_JAR), AGENT_JAR.toAbsolutePath() + " is built by the agent module");
    assertTrue(Files.notExists(Path.of("target/classes/org/universis/racket/OnProcessEvent.class")),
        "the app's class path holds no racket-api");
    ProcessBuilder pb = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-javaagent:" + AGENT_JAR + "=url=http://127.0.0.1:" + freePort(),
        "-cp", "target/classes", ZeroCodeApp.class.getName())).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("RACKET_"));
    Process app = pb.start();
    try {
      // The app ends by itself within 30 s; its output is read to the end first so a full pipe cannot stall it.
      String out = new String(app.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(app.waitFor(60, TimeUnit.SECONDS), out);
      assertEquals(0, app.exitValue(), out);
      assertTrue(out.contains("instance handler: hello from ZeroCodeApp"), out);
      assertTrue(out.contains("static handler: greeting.zero-code {from=ZeroCodeApp}"), out);
    } finally {
      app.destroyForcibly();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
