package org.universis.racket.relay.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.universis.racket.ProcessEvent;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.RacketOptions;
import org.universis.racket.relay.internal.server.Await;
import org.universis.racket.relay.internal.server.RelayProcess;

/**
 * Another local user (docs/SECURITY.md), played by {@code nobody}: it cannot read this user's
 * secret nor use a relay this user's JVM hosts, and its open relay on the port is not trusted by
 * this user's {@code auto} JVMs. Needs root (to run as {@code nobody}) and setpriv; skipped elsewhere.
 */
class OtherUserIT {

  private static final List<String> AS_NOBODY =
      List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");

  @Test
  void anotherUserCannotReadTheSecretNorUseTheRelayAJvmHosts() throws Exception {
    assumeRootWithSetpriv();
    int port = RelayProcess.freePort();
    try (ProcessEventEmitter host = new ProcessEventEmitter(RacketOptions.builder()
        .url("http://127.0.0.1:" + port).mode(RacketOptions.Mode.AUTO).build())) {
      host.emit("other.hosted", 1).get(30, TimeUnit.SECONDS); // nothing listened: it hosts
      Path secret = UserSecret.directory().resolve(UserSecret.FILE);
      assertTrue(Files.exists(secret), secret.toString());
      assertFalse(runAsNobody("cat", secret.toString()).exit == 0, "nobody read " + secret);
      for (String path : List.of("/clients", "/events?lastEventId=0", "/metrics")) {
        assertEquals("401", runAsNobody("curl", "-s", "-o", "/dev/null", "-m", "5", "-w", "%{http_code}",
            "http://127.0.0.1:" + port + path).out, path);
      }
      assertEquals("401", runAsNobody("curl", "-s", "-o", "/dev/null", "-m", "5", "-w", "%{http_code}",
          "-X", "POST", "-H", "Content-Type: application/json", "-d", "{}",
          "http://127.0.0.1:" + port + "/events").out);
    }
  }

  @Test
  void anotherUsersOpenRelayOnThePortIsNotTrustedByAnAutoJvm() throws Exception {
    assumeRootWithSetpriv();
    int port = RelayProcess.freePort();
    List<String> command = new ArrayList<>(AS_NOBODY);
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
        "-jar", Path.of("target", "racket-relay.jar").toAbsolutePath().toString(), "--port",
        String.valueOf(port)));
    Process impostor = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    PrintStream realErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(impostor.getInputStream(),
        StandardCharsets.UTF_8))) {
      String first = out.readLine();
      assertTrue(first != null && first.contains("listening"), "the impostor did not start: " + first);
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      try (ProcessEventEmitter e = new ProcessEventEmitter(RacketOptions.builder()
          .url("http://127.0.0.1:" + port).mode(RacketOptions.Mode.AUTO).build())) {
        List<ProcessEvent> got = new CopyOnWriteArrayList<>();
        e.subscribe(got::add);
        // Trusted, it would have acknowledged this at once; refused, it is never sent there.
        CompletableFuture<Long> emitted = e.emit("other.mine", Map.of());
        Await.until(() -> err.toString(StandardCharsets.UTF_8).contains("is not run by this user"), 30,
            () -> "no refusal logged: " + err.toString(StandardCharsets.UTF_8));
        assertTrue(got.isEmpty(), "delivered from the other user's relay: " + got);
        assertFalse(emitted.isDone(), "an emit completed on the other user's relay");
      }
    } finally {
      System.setErr(realErr);
      impostor.destroyForcibly();
      impostor.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private record Run(int exit, String out) {}

  private static Run runAsNobody(String... args) throws Exception {
    List<String> command = new ArrayList<>(AS_NOBODY);
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", command));
    return new Run(p.exitValue(), out);
  }

  private static void assumeRootWithSetpriv() throws Exception {
    assumeTrue(SocketOwner.thisUser().orElse(-1) == 0, "needs root, to run as nobody");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv");
  }
}
