package org.universis.racket.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code status}: health, clients and counters, as tables. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Shows the relay's health, its clients (name, pid, host, transport, filter, queue) and its counters.")
final class StatusCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin
  RelayAccess relay;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    JsonNode health = JSON.readTree(relay.get("/health"));
    JsonNode clients = JSON.readTree(relay.get("/clients")).path("clients");
    String metrics = relay.get("/metrics");
    PrintWriter out = spec.commandLine().getOut();
    out.println("relay " + health.path("relay").asText() + " at " + relay.base() + ": "
        + health.path("status").asText() + ", up " + uptime(health.path("uptimeMillis").asLong())
        + ", last id " + health.path("lastId").asText());
    out.println();
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("NAME", "PID", "HOST", "TRANSPORT", "FILTER", "QUEUED", "ADDRESS"));
    for (JsonNode c : clients) {
      JsonNode o = c.path("origin");
      rows.add(List.of(o.path("name").isTextual() ? o.path("name").asText() : "-",
          o.isObject() && o.path("pid").asLong() > 0 ? o.path("pid").asText() : "-",
          o.path("host").isTextual() ? o.path("host").asText() : "-", c.path("transport").asText(),
          c.path("types").asText().isEmpty() ? "(none)" : c.path("types").asText(),
          c.path("queued").asText(), c.path("address").asText()));
    }
    table(out, rows);
    out.println();
    rows = new ArrayList<>();
    rows.add(List.of("COUNTER", "VALUE"));
    for (String line : metrics.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      int space = line.lastIndexOf(' ');
      if (space > 0) rows.add(List.of(line.substring(0, space), line.substring(space + 1)));
    }
    table(out, rows);
    out.flush();
    return 0;
  }

  static void table(PrintWriter out, List<List<String>> rows) {
    int[] widths = new int[rows.get(0).size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) widths[i] = Math.max(widths[i], row.get(i).length());
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(row.get(i));
        if (i < row.size() - 1) line.append(" ".repeat(widths[i] - row.get(i).length() + 2));
      }
      out.println(line);
    }
  }

  private static String uptime(long millis) {
    Duration d = Duration.ofMillis(millis);
    if (d.toHours() > 0) return d.toHours() + "h " + d.toMinutesPart() + "m";
    if (d.toMinutes() > 0) return d.toMinutes() + "m " + d.toSecondsPart() + "s";
    return d.toSeconds() + "s";
  }
}
