package org.universis.racket.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** A child JVM of a test: its stdout read line by line, its stderr kept for failure messages. */
final class ChildJvm implements AutoCloseable {

  static final Path AGENT_JAR = Path.of(System.getProperty("it.agent.jar", "target/racket.jar"));

  private final String name;
  private final Process process;
  private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
  private final StringBuffer stderr = new StringBuffer();
  private final Writer stdin;

  private ChildJvm(String name, Process process) {
    this.name = name;
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    pump(process.getInputStream(), stdout::add, "out");
    pump(process.getErrorStream(), line -> stderr.append(line).append('\n'), "err");
  }

  /** The java binary running this test. */
  static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /** The java binary of the JDK at {@code home}. */
  static String java(String home) {
    return Path.of(home, "bin", "java").toString();
  }

  /** {@code java -javaagent:racket.jar=<agentArgs> <rest>} with the test's java. */
  static List<String> withAgent(String agentArgs, String... rest) {
    return withAgentOn(java(), agentArgs, rest);
  }

  static List<String> withAgentOn(String java, String agentArgs, String... rest) {
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Xshare:auto");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-javaagent:" + AGENT_JAR.toAbsolutePath() + (agentArgs.isEmpty() ? "" : "=" + agentArgs));
    command.addAll(List.of(rest));
    return command;
  }

  static ChildJvm start(String name, List<String> command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("RACKET_"));
    return new ChildJvm(name, pb.start());
  }

  private void pump(InputStream in, Consumer<String> sink, String stream) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) sink.accept(line);
      } catch (IOException closed) {
        // the child is gone
      }
    }, "child-" + name + "-" + stream);
    t.setDaemon(true);
    t.start();
  }

  /** The first unread stdout line that starts with {@code prefix}; earlier lines are skipped. */
  String awaitLine(String prefix, Duration timeout) throws InterruptedException {
    return awaitLine(line -> line.startsWith(prefix), "a line starting with '" + prefix + "'", timeout);
  }

  String awaitLine(Predicate<String> wanted, String what, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (long left; (left = deadline - System.nanoTime()) > 0; ) {
      String line = stdout.poll(left, TimeUnit.NANOSECONDS);
      if (line != null && wanted.test(line)) return line;
    }
    throw new AssertionError(name + " printed no " + what + " within " + timeout
        + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")") + "; stderr:\n" + stderr);
  }

  void send(String line) throws IOException {
    stdin.write(line + "\n");
    stdin.flush();
  }

  String name() {
    return name;
  }

  @Override
  public String toString() {
    return name + "(" + process.pid() + ")";
  }

  long pid() {
    return process.pid();
  }

  Process process() {
    return process;
  }

  String stderr() {
    return stderr.toString();
  }

  /** SIGKILL, and wait until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM: the JVM exits normally, running its shutdown hooks; waits until it is gone. */
  void terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError(name + " ignored SIGTERM");
  }

  /** Closes stdin (the apps exit then) and waits for the exit code. */
  int exit(Duration timeout) throws IOException, InterruptedException {
    stdin.close();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " did not exit within " + timeout + "; stderr:\n" + stderr);
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) kill();
  }
}
