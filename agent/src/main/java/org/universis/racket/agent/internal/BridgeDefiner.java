package org.universis.racket.agent.internal;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Defines {@code RacketBridge} in the bootstrap class loader, where every class loader finds it.
 *
 * <p>The usual way, {@link Instrumentation#appendToBootstrapClassLoaderSearch}, makes the JVM turn
 * off class data sharing for every non-boot class and print a warning about it on every start. So
 * the bridge is defined directly, with the JDK's internal {@code Unsafe.defineClass}, exported for
 * this purpose to the agent's isolated module only. Should a future JDK refuse that, the usual way
 * is the fallback.
 */
public final class BridgeDefiner {

  private static final String BRIDGE = "org.universis.racket.bridge.RacketBridge";

  private BridgeDefiner() {}

  /** Called reflectively by {@code RacketAgent} with the bridge's class file. */
  public static void define(Instrumentation inst, byte[] classFile) throws Exception {
    try {
      defineWithUnsafe(inst, classFile);
    } catch (ReflectiveOperationException | RuntimeException e) {
      AgentLog.debug("defining the bridge directly failed (" + e + "); appending it to the boot class path");
      append(inst, classFile);
    }
  }

  private static void defineWithUnsafe(Instrumentation inst, byte[] classFile)
      throws ReflectiveOperationException {
    Module javaBase = Object.class.getModule();
    Module self = BridgeDefiner.class.getModule();
    inst.redefineModule(javaBase, Set.of(), Map.of("jdk.internal.misc", Set.of(self)), Map.of(),
        Set.of(), Map.of());
    Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
    Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
    unsafeType.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
            ClassLoader.class, ProtectionDomain.class)
        .invoke(unsafe, BRIDGE, classFile, 0, classFile.length, null, null);
  }

  private static void append(Instrumentation inst, byte[] classFile) throws IOException, ClassNotFoundException {
    Path tmp = Files.createTempFile("racket-bridge", ".jar");
    try {
      try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(tmp))) {
        out.putNextEntry(new JarEntry(BRIDGE.replace('.', '/') + ".class"));
        out.write(classFile);
      }
      try (JarFile jar = new JarFile(tmp.toFile(), false)) {
        inst.appendToBootstrapClassLoaderSearch(jar);
      }
      // The JVM opened the jar when it was appended; once the class is loaded the file may go.
      Class.forName(BRIDGE, true, null);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
