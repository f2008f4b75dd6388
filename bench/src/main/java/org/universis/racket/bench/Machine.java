package org.universis.racket.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One line about the machine a table was measured on (Linux /proc). */
final class Machine {

  private Machine() {}

  static String describe() {
    return Runtime.getRuntime().availableProcessors() + " CPUs (" + proc("cpuinfo", "model name")
        + "), " + memory() + ", Java " + System.getProperty("java.version") + ", "
        + System.getProperty("os.name") + " " + System.getProperty("os.version");
  }

  /**
   * The machine's CPU time so far from the first line of /proc/stat, in clock ticks: user, nice,
   * system, idle, iowait, irq, softirq, steal; null where there is none.
   */
  static long[] cpuTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc", "stat")).get(0).trim().split("\\s+");
      long[] ticks = new long[8];
      for (int i = 0; i < ticks.length; i++) ticks[i] = Long.parseLong(f[i + 1]);
      return ticks;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Where the machine's CPU time went between two {@link #cpuTicks()}: on a VM, time stolen by
   * the host is time every process here waited for a core, whichever system was measured.
   */
  static String cpuShares(long[] before, long[] after) {
    long[] d = delta(before, after);
    if (d == null) return "unknown";
    long total = d[8];
    return share(d[0] + d[1], total) + " user, " + share(d[2], total) + " kernel, "
        + share(d[5] + d[6], total) + " interrupts, " + share(d[7], total) + " stolen by the host, "
        + share(d[3] + d[4], total) + " idle";
  }

  /** The share of the machine's CPU time the host stole between two {@link #cpuTicks()}; NaN if unknown. */
  static double stolen(long[] before, long[] after) {
    long[] d = delta(before, after);
    return d == null ? Double.NaN : (double) d[7] / d[8];
  }

  /** Each counter's growth, then their sum; null when unknown. */
  private static long[] delta(long[] before, long[] after) {
    if (before == null || after == null) return null;
    long[] d = new long[after.length + 1];
    for (int i = 0; i < after.length; i++) d[after.length] += d[i] = after[i] - before[i];
    return d[after.length] > 0 ? d : null;
  }

  private static String share(long part, long total) {
    return Math.round(100.0 * part / total) + " %";
  }

  private static String memory() {
    String kib = proc("meminfo", "MemTotal").replaceAll("[^0-9]", "");
    return kib.isEmpty() ? "unknown memory" : Math.round(Long.parseLong(kib) / 1048576.0) + " GiB RAM";
  }

  private static String proc(String file, String key) {
    try {
      return Files.readAllLines(Path.of("/proc", file)).stream().filter(l -> l.startsWith(key))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
