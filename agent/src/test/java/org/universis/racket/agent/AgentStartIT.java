package org.universis.racket.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.RacketOptions;
import org.universis.racket.agent.apps.AttachApp;
import org.universis.racket.agent.apps.StartupApp;

/** How the agent starts and stops with the application it runs in. */
class AgentStartIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void withTheRelayUnreachableInClientModeTheAppRunsAndExitsSayingWhatItGaveUpOn() throws Exception {
    Path app = TestJars.jar(dir.resolve("app.jar"), StartupApp.class, StartupApp.class);
    int port = Ports.free();
    try (ChildJvm child = ChildJvm.start("unreachable", ChildJvm.withAgent(
        "mode=client,url=" + Ports.url(port) + ",emit-timeout=2s", "-jar", app.toString()))) {
      child.awaitLine("main registered true", WAIT);
      child.awaitLine("emitted", WAIT);
      child.awaitLine("listener collected true", WAIT);
      child.awaitLine("main returns", WAIT);
      assertEquals(0, child.exit(WAIT), "the agent's threads kept the JVM alive; stderr:\n" + child.stderr());
      // The exit waits for the emit up to the emit-timeout, then says it gave up on it; the line
      // may still be on its way from the child's stderr.
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!child.stderr().contains("racket gave up on") && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // polling the stderr read so far
      }
      List<String> errors = child.stderr().lines().toList();
      assertTrue(errors.size() <= 2 && errors.get(errors.size() - 1).contains("racket gave up on 1 emits"),
          "expected the unreachable relay's warning and the emit given up, got:\n" + child.stderr());
    }
  }

  @Test
  void anEmitMadeWhileTheRelayIsUnreachableIsSentOnceItIsUp() throws Exception {
    Path app = TestJars.jar(dir.resolve("app.jar"), StartupApp.class, StartupApp.class);
    int port = Ports.free();
    try (ChildJvm child = ChildJvm.start("buffered", ChildJvm.withAgent(
        "mode=client,url=" + Ports.url(port), "-jar", app.toString(), "await"))) {
      child.awaitLine("emitted", WAIT);
      child.awaitLine("listener collected", WAIT); // seconds of System.gc() with nothing listening
      RacketOptions relay = RacketOptions.builder().url(Ports.url(port)).mode(RacketOptions.Mode.RELAY).build();
      try (ProcessEventEmitter host = new ProcessEventEmitter(relay)) {
        child.awaitLine("ack true", WAIT);
        assertEquals(0, child.exit(WAIT), child.stderr());
      }
    }
  }

  /** StartupApp also calls register() with an unreachable url: it must adopt the agent's emitter. */
  @Test
  void aJvmHostingTheRelayExitsWhenMainReturns() throws Exception {
    Path app = TestJars.jar(dir.resolve("app.jar"), StartupApp.class, StartupApp.class);
    int port = Ports.free();
    try (ChildJvm child = ChildJvm.start("host", ChildJvm.withAgent(
        "url=" + Ports.url(port), "-jar", app.toString(), "register", "await"))) {
      child.awaitLine("ack true", WAIT);
      child.awaitLine("main returns", WAIT);
      assertEquals(0, child.exit(WAIT), "the relay's threads kept the JVM alive; stderr:\n" + child.stderr());
    }
  }

  /**
   * The client speaks WebSocket over a socket of its own: neither it nor the agent starts
   * java.util.logging in the application (which would race an application that installs its own
   * LogManager from main). A JVM that hosts the relay does: XNIO registers an MBean, which brings
   * up the platform MBean server and with it the logging MXBean (docs/AGENT.md).
   */
  @Test
  void aClientJvmNeverHasJavaUtilLoggingStartedByTheAgent() throws Exception {
    Path app = TestJars.jar(dir.resolve("app.jar"), StartupApp.class, StartupApp.class);
    Path classes = dir.resolve("classes.log");
    int port = Ports.free();
    RacketOptions relay = RacketOptions.builder().url(Ports.url(port)).mode(RacketOptions.Mode.RELAY).build();
    try (ProcessEventEmitter host = new ProcessEventEmitter(relay);
        ChildJvm child = ChildJvm.start("no-jul", ChildJvm.withAgent("mode=client,url=" + Ports.url(port),
            "-Xlog:class+load=info:file=" + classes, "-jar", app.toString(), "await"))) {
      child.awaitLine("ack true", WAIT);
      assertEquals(0, child.exit(WAIT), child.stderr());
    }
    String loaded = Files.readString(classes);
    assertTrue(loaded.contains("org.universis.racket.relay.internal.client.RelaySocket "), "the client ran");
    assertFalse(loaded.contains("java.util.logging.LogManager "), "java.util.logging was started");
  }

  @Test
  void anUnknownOptionPrintsOneLineListingTheValidOnesAndTheAppStillRuns() throws Exception {
    List<String> stderr = runWithBadOption("colour=blue");
    assertEquals(1, stderr.size(), String.join("\n", stderr));
    assertTrue(stderr.get(0).contains("unknown option 'colour'"), stderr.get(0));
    assertTrue(stderr.get(0).contains("valid options: url="), stderr.get(0));
  }

  @Test
  void aMalformedValuePrintsOneLineAndTheAppStillRuns() throws Exception {
    List<String> stderr = runWithBadOption("mode=sometimes");
    assertEquals(1, stderr.size(), String.join("\n", stderr));
    assertTrue(stderr.get(0).contains("mode 'sometimes' is not one of auto, client, relay, off"), stderr.get(0));
  }

  @Test
  void loadingTheAgentTwiceIsHarmless() throws Exception {
    Path app = TestJars.jar(dir.resolve("app.jar"), StartupApp.class, StartupApp.class);
    int port = Ports.free();
    List<String> command = new ArrayList<>(
        ChildJvm.withAgent("url=" + Ports.url(port), "-jar", app.toString(), "await"));
    command.add(1, "-javaagent:" + ChildJvm.AGENT_JAR.toAbsolutePath() + "=url=" + Ports.url(port));
    try (ChildJvm child = ChildJvm.start("twice", command)) {
      child.awaitLine("ack true", WAIT);
      assertEquals(0, child.exit(WAIT), child.stderr());
      assertTrue(child.stderr().contains("racket-agent: already loaded in this JVM"), child.stderr());
    }
  }

  private List<String> runWithBadOption(String agentArgs) throws Exception {
    Path app = TestJars.jar(dir.resolve("app.jar"), AttachApp.class, AttachApp.class);
    try (ChildJvm child = ChildJvm.start("bad-option", ChildJvm.withAgent(agentArgs, "-jar", app.toString()))) {
      child.awaitLine("STARTED registered false", WAIT);
      assertEquals(0, child.exit(WAIT), child.stderr());
      return child.stderr().lines().toList();
    }
  }
}
