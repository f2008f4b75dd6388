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
