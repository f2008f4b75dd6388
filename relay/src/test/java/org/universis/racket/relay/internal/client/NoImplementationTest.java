package org.universis.racket.relay.internal.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.universis.racket.ProcessEventEmitter;

/** A JVM whose class path holds racket-api and nothing else. */
class NoImplementationTest {

  @Test
  void withoutAnImplementationTheErrorNamesBothFixes(@TempDir Path dir) throws Exception {
    Path api = Paths.get(ProcessEventEmitter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    // A single-file program run from source, so that no class path entry but racket-api is needed.
    Path program = dir.resolve("UseRacket.java");
    Files.writeString(program, String.join("\n",
        "public class UseRacket {",
        "  public static void main(String[] args) {",
        "    try {",
        "      org.universis.racket.InterProcessEventEmitter.register();",
        "      org.universis.racket.InterProcessEventEmitter.emit(java.util.Map.of(\"body\", \"Hello World!\"));",
        "      System.out.println(\"NO ERROR\");",
        "    } catch (IllegalStateException e) {",
        "      System.out.println(\"ERROR \" + e.getMessage());",
        "    }",
        "  }",
        "}"));
    try (ChildJvm child = ChildJvm.start("api-only", api.toString(), List.of(), program.toString())) {
      String line = child.await(l -> l.startsWith("ERROR") || l.startsWith("NO ERROR"), 60, "the outcome");
      assertTrue(line.contains("org.universis:racket-relay"), line);
      assertTrue(line.contains("-javaagent:racket.jar"), line);
      child.awaitExit(30);
    }
  }
}
