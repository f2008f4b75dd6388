package org.universis.racket.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.universis.racket.agent.apps.BackplanePeer;

/**
 * What an application's class loader can find in racket.jar (which -javaagent puts on the
 * system class path): the racket api and the agent's launcher, nothing else.
 */
class AgentJarIT {

  /** The only classes an application may load from the agent jar. */
  private static final Pattern VISIBLE =
      Pattern.compile("org/universis/racket/(spi/|agent/)?[A-Za-z0-9_$]+\\.class");

  @Test
  void theAppCanLoadOnlyTheApiAndTheLauncher() throws IOException {
    List<String> leaked = new ArrayList<>();
    try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
      for (JarEntry e : Collections.list(jar.entries())) {
        String name = e.getName();
        if (name.endsWith(".class") && !VISIBLE.matcher(name).matches()) leaked.add(name);
        if (name.startsWith("META-INF/services/") && !e.isDirectory()) leaked.add(name);
        if (name.startsWith("META-INF/versions/")) leaked.add(name);
      }
    }
    assertEquals(List.of(), leaked, "entries an application's class loader would find");
  }

  @Test
  void thirdPartyClassesAreOutOfReachOfEveryOtherClassLoader() throws Exception {
    try (URLClassLoader app = new URLClassLoader(new URL[] {ChildJvm.AGENT_JAR.toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      for (String c : List.of("com.fasterxml.jackson.databind.ObjectMapper", "net.bytebuddy.ByteBuddy",
          "io.undertow.Undertow", "org.xnio.Xnio", "org.jboss.logging.Logger",
          "org.universis.racket.relay.RelayProvider", "org.universis.racket.agent.internal.AgentStart")) {
        assertThrows(ClassNotFoundException.class, () -> app.loadClass(c), c);
      }
      for (String c : BackplanePeer.HIDDEN) {
        assertThrows(ClassNotFoundException.class, () -> app.loadClass(c), c);
      }
      assertNotNull(app.loadClass("org.universis.racket.InterProcessEventEmitter"));
      assertFalse(app.getResources("META-INF/services/org.universis.racket.spi.RacketProvider").hasMoreElements());
      assertFalse(app.getResources("META-INF/services/org.universis.racket.spi.Backplane$Provider").hasMoreElements());
    }
  }

  @Test
  void isolatedServiceFilesNameIsolatedClasses() throws IOException {
    try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
      int checked = 0;
      for (JarEntry e : Collections.list(jar.entries())) {
        if (!e.getName().startsWith("racket/inst/META-INF/services/") || e.isDirectory()) continue;
        for (String line : read(jar, e).split("\n")) {
          String impl = line.replaceAll("#.*", "").trim();
          if (impl.isEmpty()) continue;
          String entry = "racket/inst/" + impl.replace('.', '/') + ".classdata";
          assertNotNull(jar.getEntry(entry), e.getName() + " names " + impl + ", missing from " + entry);
          checked++;
        }
      }
      assertTrue(checked > 0, "no service file in racket/inst");
      assertNotNull(jar.getEntry("racket/inst/META-INF/services/org.universis.racket.spi.RacketProvider"));
      assertNotNull(jar.getEntry("racket/inst/META-INF/services/org.jboss.logging.LoggerProvider"));
      assertNotNull(jar.getEntry("racket/inst/META-INF/services/org.universis.racket.spi.Backplane$Provider"));
    }
  }

  @Test
  void manifestDeclaresEveryEntryPoint() throws IOException {
    try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
      Attributes main = jar.getManifest().getMainAttributes();
      for (String key : Set.of("Premain-Class", "Agent-Class", "Main-Class")) {
        assertEquals(RacketAgent.class.getName(), main.getValue(key), key);
      }
      assertNotNull(jar.getEntry("racket/RacketBridge.classdata"));
    }
  }

  private static String read(JarFile jar, JarEntry e) throws IOException {
    try (InputStream in = jar.getInputStream(e)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
