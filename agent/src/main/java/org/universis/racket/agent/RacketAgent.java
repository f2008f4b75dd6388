package org.universis.racket.agent;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.function.ToIntFunction;

/**
 * The agent's entry points: {@code -javaagent} ({@link #premain}), dynamic attach
 * ({@link #agentmain}) and the command line {@code java -jar racket.jar <command>} ({@link #main}).
 *
 * <p>This class and the racket api are the only classes of the agent jar that the application's
 * class loader can see. Everything else (the agent's internals, the relay client, Undertow,
 * Jackson, Byte Buddy) sits under {@code racket/inst/} as {@code .classdata} entries and is loaded
 * by an {@link AgentClassLoader} whose parent is the platform class loader, so none of it can clash
 * with the application's own libraries. The two worlds meet in {@code RacketBridge}, a JDK-types-only
 * class defined in the bootstrap class loader.
 *
 * <p>Nothing here throws into the application: a failure prints one line to stderr and the
 * application runs without racket.
 */
public final class RacketAgent {

  static final String BRIDGE = "org.universis.racket.bridge.RacketBridge";
  private static final String BRIDGE_CLASS = "racket/RacketBridge.classdata";
  private static final String DEFINER = "org.universis.racket.agent.internal.BridgeDefiner";
  private static final String START = "org.universis.racket.agent.internal.AgentStart";
  private static final String CLI = "org.universis.racket.agent.cli.RacketCli";
  // Exact method-handle calls into the isolated loader: core reflection on JDK 18+ spins adapters
  // that cost premain tens of milliseconds.
  private static final MethodHandles.Lookup LOOKUP = MethodHandles.publicLookup();

  private RacketAgent() {}

  /** {@code -javaagent:racket.jar[=k=v,...]}: runs before the application's main. */
  public static void premain(String args, Instrumentation inst) {
    start(args, inst, false);
  }

  /** Dynamic attach; a second load into the same JVM is a no-op. */
  public static void agentmain(String args, Instrumentation inst) {
    start(args, inst, true);
  }

  /**
   * {@code java -jar racket.jar <command>}: the command line, which runs in the isolated loader
   * like the agent (only {@code attach} comes back here, for the JDK's attach module).
   */
  public static void main(String[] args) throws Throwable {
    AgentClassLoader loader = new AgentClassLoader(agentJar());
    ToIntFunction<String[]> attach = a -> AttachCommand.run(a, System.out, System.err);
    int code = (int) LOOKUP.findStatic(Class.forName(CLI, true, loader), "run",
        MethodType.methodType(int.class, String[].class, ToIntFunction.class)).invokeExact(args, attach);
    if (code >= 0) System.exit(code); // below 0: a relay runs on its own threads
  }

  private static synchronized void start(String args, Instrumentation inst, boolean attached) {
    long started = System.nanoTime();
    try {
      Class<?> bridge = bootstrapBridge();
      if (bridge != null && (boolean) LOOKUP.findStatic(bridge, "installed",
          MethodType.methodType(boolean.class)).invokeExact()) {
        System.err.println("racket-agent: already loaded in this JVM; nothing to do");
        return;
      }
      AgentClassLoader loader = new AgentClassLoader(agentJar());
      if (bridge == null) {
        byte[] classFile = loader.read(BRIDGE_CLASS);
        LOOKUP.findStatic(Class.forName(DEFINER, true, loader), "define",
                MethodType.methodType(void.class, Instrumentation.class, byte[].class))
            .invokeExact(inst, classFile);
      }
      LOOKUP.findStatic(Class.forName(START, true, loader), "start",
              MethodType.methodType(void.class, Instrumentation.class, String.class, boolean.class, long.class))
          .invokeExact(inst, args, attached, started);
    } catch (Throwable t) {
      System.err.println("racket-agent: not started: " + t);
    }
  }

  /** The bridge class when an earlier load of the agent defined it, else null. */
  private static Class<?> bootstrapBridge() {
    try {
      return Class.forName(BRIDGE, false, null);
    } catch (ClassNotFoundException notYet) {
      return null;
    }
  }

  static Path agentJar() throws URISyntaxException {
    return Path.of(RacketAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }
}
