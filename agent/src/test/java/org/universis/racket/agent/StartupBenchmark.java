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
 * wall time until the JVM exited, of premain's own time as the agent measures it, and of the CPU
 * time used until main returned (the agent's start-up thread works in parallel with main).
 *
 * <pre>
 * mvn -B -q -pl agent -am package -DskipTests
 * java -cp agent/target/test-classes org.universis.racket.agent.StartupBenchmark agent/target/racket.jar 15
 * </pre>
 */
public final class StartupBenchmark {

  private static final Pattern PREMAIN = Pattern.compile("premain took (\\d+) us");

  /** The application: a line on stdout, then the CPU time its JVM used so far (less noisy than wall time). */
  public static final class Hello {
    public static void main(String[] args) {
      System.out.println("hello");
      System.out.println("cpu " + ProcessHandle.current().info().totalCpuDuration().orElseThrow().toMillis());
    }
  }

  public static void main(String[] args) throws Exception {
    Path agent = Path.of(args.length > 0 ? args[0] : "agent/target/racket.jar").toAbsolutePath();
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
    List<Double> plainCpu = new ArrayList<>();
    List<Double> agentCpu = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      Run p = run(plain);
      plainMs.add(p.millis);
      plainCpu.add(p.cpuMillis);
      Run r = run(withAgent);
      agentMs.add(r.millis);
      agentCpu.add(r.cpuMillis);
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
    System.out.printf("CPU used until main returned:  median %.0f ms without, %.0f ms with the agent%n",
        median(plainCpu), median(agentCpu));
  }

  private record Run(double millis, double cpuMillis, String stderr) {}

  private static Run run(List<String> command) throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();
    double millis = (System.nanoTime() - start) / 1e6;
    if (exit != 0) throw new IllegalStateException(command + " exited " + exit + ":\n" + stderr);
    Matcher cpu = Pattern.compile("cpu (\\d+)").matcher(stdout);
    return new Run(millis, cpu.find() ? Double.parseDouble(cpu.group(1)) : Double.NaN, stderr);
  }

  private static double median(List<Double> values) {
    if (values.isEmpty()) return Double.NaN;
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
