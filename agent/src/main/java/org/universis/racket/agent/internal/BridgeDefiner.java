package org.universis.racket.agent.internal;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.universis.racket.relay.internal.Log;

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

  /** Called by {@code RacketAgent} through a method handle, with the bridge's class file. */
  public static void define(Instrumentation inst, byte[] classFile) throws Exception {
    try {
      defineWithUnsafe(inst, classFile);
    } catch (ReflectiveOperationException | RuntimeException e) {
      Log.debug("defining the bridge directly failed (" + e + "); appending it to the boot class path");
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
    // Method handles called exactly: core reflection (JDK 18+ builds it on method handles) would
    // spin ~80 ms of adapters for a six-argument call in premain.
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    Object unsafe;
    try {
      unsafe = (Object) lookup.findStatic(unsafeType, "getUnsafe", MethodType.methodType(unsafeType))
          .asType(MethodType.methodType(Object.class)).invokeExact();
      Class<?> defined = (Class<?>) lookup.findVirtual(unsafeType, "defineClass", MethodType.methodType(
              Class.class, String.class, byte[].class, int.class, int.class, ClassLoader.class,
              ProtectionDomain.class))
          .asType(MethodType.methodType(Class.class, Object.class, String.class, byte[].class,
              int.class, int.class, ClassLoader.class, ProtectionDomain.class))
          .invokeExact(unsafe, BRIDGE, classFile, 0, classFile.length, (ClassLoader) null,
              (ProtectionDomain) null);
      Log.debug("defined " + defined.getName() + " in the bootstrap class loader");
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
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
