package org.universis.racket.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.universis.racket.InterProcessEventEmitter;
import org.universis.racket.ProcessEvent;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.RacketOptions;
import org.universis.racket.agent.apps.ChildFirstLauncher;
import org.universis.racket.agent.apps.PeerApp;

/**
 * The agent in the shapes applications come in. In each, {@link PeerApp} (which never calls
 * register() or subscribe()) must answer a ping from this test JVM through both of its
 * {@code @OnProcessEvent} handlers, and must not see the agent's Jackson.
 */
class CompatibilityIT {

  private static final Duration START = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void plainJarAppWithoutRacketApiGetsTheApiFromTheAgent() throws Exception {
    Path app = TestJars.jar(dir.resolve("app.jar"), PeerApp.class, PeerApp.class);
    int port = Ports.free();
    try (ChildJvm child = ChildJvm.start("plain",
        ChildJvm.withAgent("url=" + Ports.url(port), "-jar", app.toString(), "plain", Ports.url(port)))) {
      assertEquals("registered true", child.awaitLine("registered", START));
      assertEquals("jackson none copies 0", child.awaitLine("jackson", START));
      assertEquals("api app jdk.internal.loader.ClassLoaders$AppClassLoader",
          child.awaitLine("api", START).replaceAll("@[0-9a-f]+$", ""));
      assertEquals("explicit emitter ok", child.awaitLine("explicit", START));
      assertEquals("clients listed me true", child.awaitLine("clients", START), "clients() across the bridge");
      assertAnswersPingsWhenReady(child, port);
      assertNoWarning(child);
    }
  }

  @Test
  void plainJarAppOnJava25() throws Exception {
    String java25 = ChildJvm.java(System.getProperty("it.java25.home", "/usr/lib/jvm/temurin-25-jdk-amd64"));
    assertTrue(Files.isExecutable(Path.of(java25)), java25 + " is missing: install Temurin 25");
    Path app = TestJars.jar(dir.resolve("app.jar"), PeerApp.class, PeerApp.class);
    int port = Ports.free();
    try (ChildJvm child = ChildJvm.start("java25",
        ChildJvm.withAgentOn(java25, "url=" + Ports.url(port), "-jar", app.toString(), "java25"))) {
      assertAnswersPingsWhenReady(child, port);
      assertNoWarning(child);
    }
  }

  @Test
  void springBootFatJarWithRacketApiInBootInfLib() throws Exception {
    Path app = SpringBootJar.build(dir.resolve("boot.jar"), PeerApp.class, apiJar());
    int port = Ports.free();
    try (ChildJvm child = ChildJvm.start("boot",
        ChildJvm.withAgent("url=" + Ports.url(port), "-jar", app.toString(), "boot"))) {
      assertAnswersPingsWhenReady(child, port);
    }
  }

  @Test
  void childFirstLoaderWithItsOwnCopyOfRacketApi() throws Exception {
    Path launcher = TestJars.jar(dir.resolve("launcher.jar"), null, ChildFirstLauncher.class);
    Path app = TestJars.jar(dir.resolve("webapp/app.jar"), null, PeerApp.class);
    Path api = apiJar();
    int port = Ports.free();
    try (ChildJvm child = ChildJvm.start("child-first",
        ChildJvm.withAgent("url=" + Ports.url(port), "-cp", launcher.toString(),
            ChildFirstLauncher.class.getName(), app + ":" + api, PeerApp.class.getName(), "webapp"))) {
      String apiLine = child.awaitLine("api", START);
      assertTrue(apiLine.contains("child-first"), "the app must use its own racket-api: " + apiLine);
      assertEquals("clients listed me true", child.awaitLine("clients", START), "its own api's clients() across the bridge");
      assertAnswersPingsWhenReady(child, port);
    }
  }

  @Test
  void appWithOldJacksonKeepsItsOwnVersion() throws Exception {
    Path app = TestJars.jar(dir.resolve("app.jar"), null, PeerApp.class);
    StringBuilder cp = new StringBuilder(app.toString());
    try (Stream<Path> jars = Files.list(Path.of(System.getProperty("it.old.jackson", "target/old-jackson")))) {
      jars.forEach(j -> cp.append(':').append(j));
    }
    int port = Ports.free();
    try (ChildJvm child = ChildJvm.start("old-jackson", ChildJvm.withAgent("url=" + Ports.url(port),
        "-cp", cp.toString(), PeerApp.class.getName(), "old-jackson"))) {
      assertEquals("jackson 2.12.7 copies 1", child.awaitLine("jackson", START));
      assertAnswersPingsWhenReady(child, port);
    }
  }

  /** No JVM warning (class data sharing turned off, sun.misc.Unsafe...) and no agent warning. */
  private static void assertNoWarning(ChildJvm child) {
    String stderr = child.stderr().toLowerCase(java.util.Locale.ROOT);
    assertTrue(!stderr.contains("warning") && !stderr.contains("warn "), "the agent made the JVM warn:\n" + child.stderr());
  }

  /** racket-api as an application would ship it: a jar. */
  private Path apiJar() throws IOException {
    return TestJars.libraryJar(TestJars.location(InterProcessEventEmitter.class), dir.resolve("lib/racket-api.jar"));
  }

  private static void assertAnswersPingsWhenReady(ChildJvm child, int port) throws Exception {
    child.awaitLine("READY", START);
    assertAnswersPings(child, port);
  }

  /** Pings the child from this JVM; both of its handlers must answer. */
  static void assertAnswersPings(ChildJvm child, int port) throws Exception {
    RacketOptions options = RacketOptions.builder().url(Ports.url(port)).mode(RacketOptions.Mode.CLIENT).build();
    try (ProcessEventEmitter test = new ProcessEventEmitter(options)) {
      BlockingQueue<ProcessEvent> pongs = new LinkedBlockingQueue<>();
      test.subscribe("peer.pong", pongs::add);
      test.emit("peer.ping", Map.of("n", 7)).get(30, TimeUnit.SECONDS);
      Set<String> via = new HashSet<>();
      for (int i = 0; i < 2; i++) {
        ProcessEvent pong = pongs.poll(30, TimeUnit.SECONDS);
        assertTrue(pong != null, "no pong from " + child.pid() + " (got " + via + "); stderr:\n" + child.stderr());
        Map<?, ?> body = (Map<?, ?>) pong.body();
        assertEquals(7, ((Number) body.get("n")).intValue(), pong.json());
        via.add((String) body.get("via"));
        if ("static".equals(body.get("via"))) assertEquals("peer.ping", body.get("type"), pong.json());
      }
      assertEquals(Set.of("instance", "static"), via);
    }
  }
}
