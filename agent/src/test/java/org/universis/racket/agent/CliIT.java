package org.universis.racket.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.RacketOptions;

/** {@code java -jar racket.jar <command>}: the built jar, run as a process. */
class CliIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void emitThenTailFromShowsTheEvent() throws Exception {
    try (Relay relay = relay()) {
      String url = url(relay);
      Run emit = run("emit", "--url", url, "--name", "cli-test", "app.cli", "{\"k\":\"v\"}");
      assertEquals(0, emit.code, emit.toString());
      long id = Long.parseLong(emit.out.replaceAll("\\D", ""));

      Run tail = run("tail", "--url", url, "--from", String.valueOf(id - 1), "-n", "1");
      assertEquals(0, tail.code, tail.toString());
      assertTrue(tail.out.matches("(?s)\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  " + id + "  app\\.cli  cli-test  \\{\"k\":\"v\"}\\s*"),
          tail.out);

      Run json = run("tail", "--url", url, "--from", String.valueOf(id - 1), "-n", "1", "--json", "app.>");
      assertEquals(0, json.code, json.toString());
      assertTrue(json.out.startsWith("{\"id\":" + id + ",\"type\":\"app.cli\""), json.out);
    }
  }

  @Test
  void emitReadsNdjsonFromStdin() throws Exception {
    try (Relay relay = relay();
        ChildJvm emit = ChildJvm.start("emit", command("emit", "--url", url(relay), "app.lines"))) {
      emit.send("{\"n\":1}");
      emit.send("{\"n\":2}");
      assertEquals(0, emit.exit(WAIT), emit.stderr());
      Run tail = run("tail", "--url", url(relay), "--from", "0", "-n", "2", "--json");
      assertEquals(2, tail.out.lines().filter(l -> l.contains("\"type\":\"app.lines\"")).count(), tail.out);
    }
  }

  @Test
  void statusListsANamedClient() throws Exception {
    try (Relay relay = relay();
        ProcessEventEmitter named = new ProcessEventEmitter(RacketOptions.builder().url(url(relay))
            .name("status-probe").mode(RacketOptions.Mode.CLIENT).build())) {
      named.emit("app.hello", 1).get(60, TimeUnit.SECONDS); // connected and welcomed
      Run status = run("status", "--url", url(relay));
      assertEquals(0, status.code, status.toString());
      String row = status.out.lines().filter(l -> l.startsWith("status-probe ")).findFirst()
          .orElseThrow(() -> new AssertionError(status.out));
      assertTrue(row.matches("status-probe\\s+" + ProcessHandle.current().pid() + "\\s+\\S+\\s+ws\\s+\\(none\\)\\s+0\\s+127\\.0\\.0\\.1:\\d+"), row);
      assertTrue(status.out.contains("racket_events_published_total"), status.out);
      assertTrue(status.out.startsWith("relay "), status.out);
    }
  }

  @Test
  void aRelayWithATokenRefusesWithoutItAndAnswersWithIt(@TempDir Path dir) throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "s3cret-cli\n", StandardCharsets.UTF_8);
    try (Relay relay = relay("--token-file", token.toString())) {
      Run refused = run("status", "--url", url(relay), "--token", "wrong");
      assertEquals(1, refused.code, refused.toString());
      assertTrue(refused.err.contains(url(relay)) && refused.err.contains("401"), refused.err);
      Run ok = run("status", "--url", url(relay), "--token-file", token.toString());
      assertEquals(0, ok.code, ok.toString());
    }
  }

  @Test
  void theSystemdUnitRunsTheRelayWithItsTokenFileAndRestartsIt(@TempDir Path dir) throws Exception {
    List<String> unit = Files.readAllLines(Path.of("../dist/racket-relay.service"));
    assertTrue(unit.contains("Restart=on-failure"), "Restart=on-failure");
    String exec = unit.stream().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow()
        .substring("ExecStart=".length());
    assertTrue(exec.contains(" -XX:+ExitOnOutOfMemoryError "), exec);
    Path token = dir.resolve("token");
    Files.writeString(token, "s3cret-unit\n", StandardCharsets.UTF_8);
    // Its command as systemd runs it, with this build's java, jar and a token file of its own.
    List<String> command = new ArrayList<>();
    for (String word : exec.split(" ")) {
      command.add(switch (word) {
        case "/usr/bin/java" -> ChildJvm.java();
        case "/opt/racket/racket.jar" -> ChildJvm.AGENT_JAR.toAbsolutePath().toString();
        case "/etc/racket/token" -> token.toString();
        default -> word;
      });
    }
    command.addAll(List.of("--port", "0"));
    try (ChildJvm child = ChildJvm.start("unit", command)) {
      String line = child.awaitLine("racket relay listening on ", WAIT);
      String url = line.substring("racket relay listening on ".length()).strip();
      assertEquals(1, run("status", "--url", url, "--token", "wrong").code);
      assertEquals(0, run("status", "--url", url, "--token-file", token.toString()).code);
    }
  }

  @Test
  void badArgumentsExit2WithAMessage() throws Exception {
    Run noType = run("emit");
    assertEquals(2, noType.code, noType.toString());
    assertTrue(noType.err.contains("Missing required parameter: 'TYPE'"), noType.err);
    Run badFrom = run("tail", "--from", "yesterday");
    assertEquals(2, badFrom.code, badFrom.toString());
    assertTrue(badFrom.err.contains("--from"), badFrom.err);
    Run badType = run("emit", "racket.client.joined!", "{}");
    assertEquals(2, badType.code, badType.toString());
    assertTrue(badType.err.contains("must be dot-separated tokens"), badType.err);
    Run unknown = run("frobnicate");
    assertEquals(2, unknown.code, unknown.toString());
    assertTrue(unknown.err.contains("frobnicate"), unknown.err);
    for (String command : List.of("emit", "tail", "status", "attach")) {
      Run help = run(command, "--help");
      assertEquals(0, help.code, help.toString());
      assertTrue(help.out.startsWith("Usage: java -jar racket.jar " + command), help.out);
    }
  }

  @Test
  void anUnreachableRelayExits1AndNamesTheUrl() throws Exception {
    String url = Ports.url(Ports.free());
    for (List<String> args : List.of(List.of("status"), List.of("emit", "app.x", "1"), List.of("tail"))) {
      List<String> all = new ArrayList<>(args);
      all.addAll(List.of("--url", url));
      Run r = run(all.toArray(String[]::new));
      assertEquals(1, r.code, r.toString());
      assertTrue(r.err.contains("cannot reach the relay at " + url), r.err);
    }
  }

  /** {@code java -jar racket.jar relay --port 0 [options]}, and its url. */
  private record Relay(ChildJvm child, String url) implements AutoCloseable {
    @Override
    public void close() throws InterruptedException {
      child.close();
    }
  }

  private static Relay relay(String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of("relay", "--port", "0"));
    args.addAll(List.of(options));
    ChildJvm child = ChildJvm.start("relay", command(args.toArray(String[]::new)));
    try {
      String line = child.awaitLine("racket relay listening on ", WAIT);
      return new Relay(child, line.substring("racket relay listening on ".length()).strip());
    } catch (AssertionError | InterruptedException e) {
      child.close();
      throw e;
    }
  }

  private static String url(Relay relay) {
    return relay.url();
  }

  private static List<String> command(String... args) {
    List<String> command = new ArrayList<>(List.of(ChildJvm.java(), "-XX:TieredStopAtLevel=1", "-jar",
        ChildJvm.AGENT_JAR.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    return command;
  }

  private static Run run(String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command(args)).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().keySet().removeIf(k -> k.startsWith("RACKET_"));
    Process p = pb.start();
    // Small outputs: read after the exit, bounded by the wait.
    if (!p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("racket.jar " + String.join(" ", args) + " did not exit within " + WAIT);
    }
    return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private record Run(int code, String out, String err) {}
}
