package org.universis.racket.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tail [FILTER]}: prints events as they arrive, one line each. */
@Command(name = "tail", mixinStandardHelpOptions = true,
    description = {"Prints the events whose type matches FILTER as they arrive, one line each: time,"
        + " id, type, origin (its name, else its id) and the body, cut to the terminal's width"
        + " (COLUMNS, else 120)."})
final class TailCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
      .withZone(ZoneId.systemDefault());
  private static final int DEFAULT_WIDTH = 120;

  @Mixin
  RelayAccess relay;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "FILTER", defaultValue = ">",
      description = "types to print, like cache.>,job.*.done (default: every type; racket.> for the relay's own)")
  String filter;

  @Option(names = "--json", description = "print each event's envelope, as the relay sent it")
  boolean json;

  @Option(names = "--from", paramLabel = "ID", description = "first replay the events after this id that the relay still holds")
  Long from;

  @Option(names = {"-n", "--count"}, paramLabel = "N", description = "stop after N events")
  Long count;

  @Option(names = "--name", paramLabel = "NAME", defaultValue = "racket-tail",
      description = "the name this stream shows in status (default: ${DEFAULT-VALUE})")
  String name;

  @Override
  public Integer call() {
    HttpRequest.Builder request = relay.request("/events?types=" + RelayAccess.encode(filter)
        + "&name=" + RelayAccess.encode(name)).GET();
    if (from != null) request.header("Last-Event-ID", String.valueOf(from));
    HttpResponse<Stream<String>> response = relay.send(request.build(), HttpResponse.BodyHandlers.ofLines());
    PrintWriter out = spec.commandLine().getOut();
    int width = width();
    long printed = 0;
    try (Stream<String> lines = response.body()) {
      Iterator<String> it = lines.iterator();
      while (count == null || printed < count) {
        if (!it.hasNext()) {
          throw new RelayAccess.Unreachable("the relay at " + relay.base() + " ended the stream");
        }
        String line = it.next();
        if (!line.startsWith("data: ")) continue; // the envelope holds the id and the type as well
        String data = line.substring(6);
        out.println(json ? data : readable(data, width));
        out.flush();
        printed++;
      }
    } catch (UncheckedIOException e) {
      throw new RelayAccess.Unreachable("lost the relay at " + relay.base() + ": " + e.getCause());
    }
    return 0;
  }

  /** time id type origin body, at most {@code width} characters. */
  static String readable(String envelope, int width) {
    JsonNode e;
    try {
      e = JSON.readTree(envelope);
    } catch (IOException ex) {
      return cut(envelope, width);
    }
    JsonNode origin = e.path("origin");
    String who = origin.path("name").isTextual() ? origin.path("name").asText() : origin.path("id").asText();
    String line = TIME.format(Instant.ofEpochMilli(e.path("time").asLong())) + "  " + e.path("id").asText()
        + "  " + e.path("type").asText() + "  " + who + "  " + e.path("body");
    return cut(line, width);
  }

  private static String cut(String line, int width) {
    return line.length() <= width ? line : line.substring(0, Math.max(1, width - 1)) + "…";
  }

  private static int width() {
    try {
      int columns = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", ""));
      return columns > 20 ? columns : DEFAULT_WIDTH;
    } catch (NumberFormatException e) {
      return DEFAULT_WIDTH;
    }
  }
}
