package org.universis.racket.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A process the launcher started: its stdout lines go to a log file and to a bounded queue the
 * launcher waits on; stderr goes to the same log. {@link #close()} ends it (and only it).
 */
final class Child implements AutoCloseable {

  /** Children still running, ended by a shutdown hook if the launcher is stopped early. */
  private static final java.util.Set<Child> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(LIVE).forEach(Child::close), "bench-stop"));
  }

  private final String name;
  private final Process process;
  private final Path log;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>(10_000);
  private final PrintStream stdin;

  private Child(String name, List<String> command, Path log) throws IOException {
    this.name = name;
    this.log = log;
    Files.createDirectories(log.getParent());
    this.process = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.appendTo(log.resolveSibling(log.getFileName() + ".err").toFile()))
        .start();
    LIVE.add(this);
    this.stdin = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    Thread reader = new Thread(this::pump, "bench-out-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  static Child start(String name, List<String> command, Path logs) throws IOException {
    return new Child(name, command, logs.resolve(name + ".log"));
  }

  /** A JVM running {@link Worker} from this jar, with the same java binary. */
  static Child worker(String name, List<String> jvmArgs, List<String> args, Path logs) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Worker.class.getName());
    command.addAll(args);
    return start(name, command, logs);
  }

  private void pump() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
         Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      for (String line; (line = r.readLine()) != null; ) {
        out.write(line);
        out.write('\n');
        out.flush();
        lines.offer(line); // past the bound, only the log keeps it: nobody waits for chatter
      }
    } catch (IOException e) {
      // the process ended; await() reports that
    }
  }

  /** Waits for a line starting with {@code prefix}; returns the rest of it. */
  String await(String prefix, long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) throw failure("no '" + prefix.trim() + "' within " + timeout + " " + unit);
      String line = lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
      if (line != null && line.startsWith(prefix)) return line.substring(prefix.length()).trim();
      if (line == null && !process.isAlive() && lines.isEmpty()) {
        throw failure("exited with " + process.exitValue() + " before '" + prefix.trim() + "'");
      }
    }
  }

  private IllegalStateException failure(String what) {
    return new IllegalStateException(name + " " + what + "; see " + log + "(.err): " + tail());
  }

  private String tail() {
    try {
      List<String> err = Files.readAllLines(log.resolveSibling(log.getFileName() + ".err"));
      return String.join(" | ", err.subList(Math.max(0, err.size() - 5), err.size()));
    } catch (IOException e) {
      return "";
    }
  }

  void send(String line) {
    stdin.println(line);
  }

  long pid() {
    return process.pid();
  }

  /** The process's resident set now, and its peak, in KiB (Linux /proc), or -1. */
  long[] rssKiB() {
    long rss = -1;
    long hwm = -1;
    try {
      for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (l.startsWith("VmRSS:")) rss = kib(l);
        if (l.startsWith("VmHWM:")) hwm = kib(l);
      }
    } catch (IOException e) {
      // gone: -1
    }
    return new long[] {rss, hwm};
  }

  /** CPU time the process has used so far (user + system), from /proc; -1 when gone. */
  long cpuNanos() {
    try {
      return cpuTicks(Files.readString(Path.of("/proc", Long.toString(pid()), "stat"))) * 10_000_000L;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * CPU time the process's JIT compiler threads have used so far, in milliseconds, from /proc:
   * how the launcher sees a server JVM compile (the relay) without asking it; 0 for a server
   * without a JIT. A compiler thread the JVM ends when it has had nothing to do for a while
   * takes its time with it, which makes a look across its end read low by what it last did.
   */
  long compilerCpuMillis() {
    long ticks = 0;
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid()), "task"))) {
      for (Path thread : threads) {
        try {
          // HotSpot names them "C1 CompilerThread0", "C2 CompilerThread1"; comm keeps 15 bytes
          if (COMPILER_THREAD.matcher(Files.readString(thread.resolve("comm"))).lookingAt()) {
            ticks += cpuTicks(Files.readString(thread.resolve("stat")));
          }
        } catch (IOException | RuntimeException threadEnded) {
          // it took its time with it, as above
        }
      }
    } catch (IOException gone) {
      return -1;
    }
    return ticks * 10;
  }

  private static final Pattern COMPILER_THREAD = Pattern.compile("C[12] CompilerThre");

  // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux)
  private static long cpuTicks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static long kib(String statusLine) {
    return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
  }

  @Override
  public void close() {
    LIVE.remove(this);
    stdin.close();
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
