package org.universis.racket.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.universis.racket.InterProcessEventEmitter;
import org.universis.racket.ProcessEvent;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.RacketOptions;
import org.universis.racket.agent.apps.AttachApp;
import org.universis.racket.agent.apps.PeerApp;

/**
 * {@code java -jar racket.jar attach <pid>} into a JVM started without the agent: handlers of
 * classes loaded before and after the attach are subscribed.
 */
class AttachIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void attachingByPidInstallsTheAgentAndASecondAttachIsHarmless() throws Exception {
    Path app = TestJars.jar(dir.resolve("app.jar"), null, AttachApp.class, PeerApp.class);
    Path api = TestJars.libraryJar(TestJars.location(InterProcessEventEmitter.class), dir.resolve("racket-api.jar"));
    int port = Ports.free();
    try (ChildJvm child = ChildJvm.start("attach-target", java("-cp", app + ":" + api, AttachApp.class.getName()))) {
      child.awaitLine("STARTED registered false", WAIT);

      assertEquals("racket-agent: loaded into " + child.pid(), attach(child.pid(), "url=" + Ports.url(port)));
      child.send("go");
      assertEquals("registered true", child.awaitLine("registered", WAIT));
      child.awaitLine("READY", WAIT);
      CompatibilityIT.assertAnswersPings(child, port);
      assertClassesLoadedBeforeTheAttachAnswer(port);

      assertEquals("racket-agent: loaded into " + child.pid(), attach(child.pid(), "url=" + Ports.url(port)));
      assertTrue(child.stderr().contains("racket-agent: already loaded in this JVM"), child.stderr());
      CompatibilityIT.assertAnswersPings(child, port);
    }
  }

  /** AttachApp's handlers: its static one and that of Early, whose constructor was rewoven. */
  private static void assertClassesLoadedBeforeTheAttachAnswer(int port) throws Exception {
    RacketOptions options = RacketOptions.builder().url(Ports.url(port)).mode(RacketOptions.Mode.CLIENT).build();
    try (ProcessEventEmitter test = new ProcessEventEmitter(options)) {
      BlockingQueue<ProcessEvent> pongs = new LinkedBlockingQueue<>();
      test.subscribe("attach.pong", pongs::add);
      test.emit("attach.ping", Map.of("n", 1)).get(30, TimeUnit.SECONDS);
      Set<Object> via = new HashSet<>();
      for (int i = 0; i < 2; i++) {
        ProcessEvent pong = pongs.poll(30, TimeUnit.SECONDS);
        assertTrue(pong != null, "no attach.pong; got " + via);
        via.add(((Map<?, ?>) pong.body()).get("via"));
      }
      assertEquals(Set.of("static", "instance"), via);
    }
  }

  private static java.util.List<String> java(String... args) {
    java.util.List<String> command = new java.util.ArrayList<>();
    command.add(ChildJvm.java());
    command.addAll(java.util.List.of(args));
    return command;
  }

  /** Runs the attach command; returns its stdout. */
  private static String attach(long pid, String options) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(ChildJvm.java(), "-jar", ChildJvm.AGENT_JAR.toAbsolutePath().toString(),
        "attach", Long.toString(pid), options).redirectErrorStream(true).start();
    try {
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "attach did not finish");
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertEquals(0, p.exitValue(), out);
      return out;
    } finally {
      p.destroyForcibly();
    }
  }
}
