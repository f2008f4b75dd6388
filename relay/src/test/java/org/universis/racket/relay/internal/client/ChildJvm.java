package org.universis.racket.relay.internal.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process for cross-process tests: its stdout is collected line by line (and echoed with a
 * prefix to help reading failures), its stdin takes commands, and waits are bounded.
 */
final class ChildJvm implements AutoCloseable {

  private final String name;
  private final Process process;
  private final PrintWriter stdin;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private ChildJvm(String name, Process process) {
    this.name = name;
    this.process = process;
    this.stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readOutput, "test-child-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code java -cp <classPath> <jvmArgs> <mainClass> <args>}, stderr merged into stdout. */
  static ChildJvm start(String name, String classPath, List<String> jvmArgs, String mainClass,
      String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.add("-cp");
    command.add(classPath);
    command.add("-XX:TieredStopAtLevel=1"); // the machine is small: start fast rather than peak
    command.addAll(jvmArgs);
    command.add(mainClass);
    command.addAll(List.of(args));
    return new ChildJvm(name, new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  private static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /** The child's process id. */
  long pid() {
    return process.pid();
  }

  /** Sends one line to the child's stdin. */
  void send(String line) {
    stdin.println(line);
  }

  /** Waits for a line that matches, and returns it. */
  String await(Predicate<String> match, long timeoutSeconds, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    int from = 0;
    synchronized (lines) {
      while (true) {
        for (int i = from; i < lines.size(); i++) {
          if (match.test(lines.get(i))) return lines.get(i);
        }
        from = lines.size();
        long left = deadline - System.nanoTime();
        if (left <= 0 || outputEnded) {
          throw new AssertionError(name + ": no " + what + " within " + timeoutSeconds + " s;"
              + " output so far:\n  " + String.join("\n  ", lines));
        }
        lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
  }

  /** Waits until {@code count} lines match; returns those lines in order. */
  List<String> awaitCount(Predicate<String> match, int count, long timeoutSeconds, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    synchronized (lines) {
      while (true) {
        List<String> found = matching(match);
        if (found.size() >= count) return found;
        long left = deadline - System.nanoTime();
        if (left <= 0 || outputEnded) {
          throw new AssertionError(name + ": " + found.size() + " of " + count + " " + what
              + " within " + timeoutSeconds + " s; output so far:\n  " + String.join("\n  ", lines));
        }
        lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
  }

  /** The lines so far that match. */
  List<String> matching(Predicate<String> match) {
    List<String> found = new ArrayList<>();
    for (String line : lines) if (match.test(line)) found.add(line);
    return found;
  }

  /** Waits for the process to end by itself. */
  int awaitExit(long timeoutSeconds) throws InterruptedException {
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " did not end within " + timeoutSeconds + " s; output:\n  "
          + String.join("\n  ", lines));
    }
    return process.exitValue();
  }

  /** Kills the process at once, as a crash would (no shutdown hooks). */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private volatile boolean outputEnded;

  private void readOutput() {
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (System.getProperty("racket.test.echo") != null) System.out.println("[" + name + "] " + line);
        synchronized (lines) {
          lines.add(line);
          lines.notifyAll();
        }
      }
    } catch (IOException e) {
      // the process is gone
    } finally {
      synchronized (lines) {
        outputEnded = true;
        lines.notifyAll();
      }
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) kill();
  }
}
