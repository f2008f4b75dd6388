package org.universis.racket.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A benchmark, not a test: what the agent adds to the start-up of a hello-world JVM. Runs it N
 * times without and with the agent (alternating, after warm-up runs) and prints the medians of the
 * wall time until the JVM exited, and of premain's own time as the agent measures it.
 *
 * <pre>
 * mvn -B -q -pl agent -am package -DskipTests
 * java -cp agent/target/test-classes org.universis.racket.agent.StartupBenchmark agent/target/racket-agent.jar 15
 * </pre>
 */
public final class StartupBenchmark {

  private static final Pattern PREMAIN = Pattern.compile("premain took (\\d+) us");

  /** The application: nothing but a line on stdout. */
  public static final class Hello {
    public static void main(String[] args) {
      System.out.println("hello");
    }
  }

  public static void main(String[] args) throws Exception {
    Path agent = Path.of(args.length > 0 ? args[0] : "agent/target/racket-agent.jar").toAbsolutePath();
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    Path dir = Files.createTempDirectory("racket-startup");
    Path hello = TestJars.jar(dir.resolve("hello.jar"), Hello.class, Hello.class);
    String java = ChildJvm.java();
    List<String> plain = List.of(java, "-jar", hello.toString());
    List<String> withAgent = List.of(java, "-javaagent:" + agent + "=log=debug,url=http://127.0.0.1:" + Ports.free(),
        "-jar", hello.toString());

    for (int i = 0; i < 2; i++) {
      run(plain);
      run(withAgent);
    }
    List<Double> plainMs = new ArrayList<>();
    List<Double> agentMs = new ArrayList<>();
    List<Double> premainMs = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      plainMs.add(run(plain).millis);
      Run r = run(withAgent);
      agentMs.add(r.millis);
      Matcher m = PREMAIN.matcher(r.stderr);
      if (m.find()) premainMs.add(Long.parseLong(m.group(1)) / 1000.0);
    }
    double p = median(plainMs);
    double a = median(agentMs);
    System.out.printf("java %s, %d runs each, %d cores%n", Runtime.version(), runs,
        Runtime.getRuntime().availableProcessors());
    System.out.printf("hello world without the agent: median %.0f ms%n", p);
    System.out.printf("hello world with the agent:    median %.0f ms (+%.0f ms, x%.2f)%n", a, a - p, a / p);
    System.out.printf("premain itself:                median %.1f ms%n", median(premainMs));
  }

  private record Run(double millis, String stderr) {}

  private static Run run(List<String> command) throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();
    double millis = (System.nanoTime() - start) / 1e6;
    if (exit != 0) throw new IllegalStateException(command + " exited " + exit + ":\n" + stderr);
    return new Run(millis, stderr);
  }

  private static double median(List<Double> values) {
    if (values.isEmpty()) return Double.NaN;
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
