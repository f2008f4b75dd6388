package org.universis.racket.relay.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.universis.racket.ProcessEventEmitter;
import org.universis.racket.RacketOptions;

/**
 * Runs every {@code $ curl ...} example of the README, in order, against a relay process, and
 * checks each printed output line by line. Numbers (ids, times, counts, ports) and the relay's
 * 16-digit hex id may differ; everything else must be as printed. A {@code ...} line ends the
 * comparison. Streams ({@code curl -N}) stay open to the end and must begin with what is printed.
 * Examples that use the token {@code s3cret} run against a second relay started with it, and
 * those that read this user's secret against a relay a JVM hosts in {@code auto} mode.
 */
class ReadmeCurlIT {

  private static final Path README = Path.of("..", "README.md");
  private static final String PRINTED_URL = "localhost:14440";
  private static final String TOKEN = "s3cret";
  private static final String USER_SECRET = "racket/token";

  record Example(String command, List<String> printed) {}

  @TempDir Path dir;

  @Test
  void readmeCurlExamplesWorkAsPrinted() throws Exception {
    List<Example> examples = examples(Files.readAllLines(README, StandardCharsets.UTF_8));
    assertTrue(examples.size() >= 10, "README curl examples found: " + examples);
    List<Process> streams = new ArrayList<>();
    List<Example> streamExamples = new ArrayList<>();
    List<Path> streamOutputs = new ArrayList<>();
    int hostedPort = RelayProcess.freePort();
    try (RelayProcess open = RelayProcess.start(List.of());
        RelayProcess guarded = RelayProcess.start(List.of(), "--token", TOKEN);
        ProcessEventEmitter host = new ProcessEventEmitter(RacketOptions.builder()
            .url("http://127.0.0.1:" + hostedPort).mode(RacketOptions.Mode.AUTO).build())) {
      host.emit("readme.hosted", 1).get(30, TimeUnit.SECONDS); // nothing listened: it hosts
      for (Example example : examples) {
        int port = example.command().contains(TOKEN) ? guarded.port()
            : example.command().contains(USER_SECRET) ? hostedPort : open.port();
        String command = example.command().replace(PRINTED_URL, "localhost:" + port);
        Path out = dir.resolve("out-" + streams.size() + "-" + System.nanoTime());
        // stderr apart: curl writes its progress meter there when stdout is not a terminal.
        Path err = dir.resolve(out.getFileName() + ".err");
        Process curl = new ProcessBuilder("bash", "-c", command)
            .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (command.contains(" -N ")) {
          // A stream is subscribed once its greeting arrived: only then may the next example emit.
          awaitLines(out, 1, example);
          streams.add(curl);
          streamExamples.add(example);
          streamOutputs.add(out);
        } else {
          assertTrue(curl.waitFor(30, TimeUnit.SECONDS), "curl did not finish: " + command);
          assertEquals(0, curl.exitValue(), "curl failed: " + command + "\n" + Files.readString(err));
          assertPrinted(example, lines(out), true);
        }
      }
      for (int i = 0; i < streams.size(); i++) {
        Example example = streamExamples.get(i);
        List<String> got = awaitLines(streamOutputs.get(i), example.printed().size(), example);
        assertTrue(streams.get(i).isAlive(), "stream ended: " + example.command() + "\n" + got);
        assertPrinted(example, got, false);
      }
    } finally {
      for (Process p : streams) p.destroyForcibly();
    }
  }

  /** The indented {@code $ curl} lines (also at the end of a pipe) and the lines printed under each. */
  static List<Example> examples(List<String> readme) {
    List<Example> examples = new ArrayList<>();
    String command = null;
    List<String> printed = new ArrayList<>();
    for (String line : readme) {
      boolean indented = line.startsWith("    ");
      if (command != null && (line.startsWith("    $ ") || !indented && !line.isEmpty())) {
        examples.add(new Example(command, trimTrailingBlanks(printed)));
        command = null;
      }
      if (line.startsWith("    $ curl ") || line.startsWith("    $ ") && line.contains(" | curl ")) {
        command = line.substring(6);
        printed = new ArrayList<>();
      } else if (command != null) {
        printed.add(line.isEmpty() ? "" : line.substring(4));
      }
    }
    if (command != null) examples.add(new Example(command, trimTrailingBlanks(printed)));
    return examples;
  }

  private static List<String> trimTrailingBlanks(List<String> lines) {
    List<String> copy = new ArrayList<>(lines);
    while (!copy.isEmpty() && copy.get(copy.size() - 1).isEmpty()) copy.remove(copy.size() - 1);
    return copy;
  }

  private static void assertPrinted(Example example, List<String> got, boolean whole) {
    List<String> printed = example.printed();
    for (int i = 0; i < printed.size(); i++) {
      if (printed.get(i).equals("...")) return;
      if (i >= got.size()) fail("missing line " + (i + 1) + " of " + example.command() + "\nwant " + printed + "\ngot  " + got);
      assertTrue(shape(printed.get(i)).matcher(got.get(i)).matches(),
          example.command() + "\nline " + (i + 1) + " printed: " + printed.get(i) + "\nline " + (i + 1) + " got:     " + got.get(i));
    }
    if (whole) assertFalse(got.size() > printed.size(), example.command() + " printed more: " + got);
  }

  /** The printed line as a pattern in which every number and 16-digit hex id may differ. */
  static Pattern shape(String printed) {
    StringBuilder regex = new StringBuilder();
    Matcher m = Pattern.compile("[0-9a-f]{16}|\\d+").matcher(printed);
    int last = 0;
    while (m.find()) {
      regex.append(Pattern.quote(printed.substring(last, m.start())));
      regex.append(m.group().length() == 16 && !m.group().matches("\\d+") ? "[0-9a-f]{16}" : "\\d+");
      last = m.end();
    }
    regex.append(Pattern.quote(printed.substring(last)));
    return Pattern.compile(regex.toString());
  }

  private static List<String> awaitLines(Path out, int count, Example example) throws Exception {
    Await.until(() -> lines(out).size() >= Math.max(count, 1), 30,
        () -> "output of " + example.command() + ": " + lines(out));
    return lines(out);
  }

  private static List<String> lines(Path out) {
    try {
      return Files.exists(out) ? Files.readAllLines(out, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
