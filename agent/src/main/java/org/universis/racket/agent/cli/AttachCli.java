package org.universis.racket.agent.cli;

import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code attach PID [k=v,...]}: loads the agent into a running JVM. */
@Command(name = "attach", mixinStandardHelpOptions = true,
    description = {"Loads the agent into the running JVM PID, with the agent's OPTIONS (url=...,name=...)."
        + " On Java 21+ the JVM warns about dynamic agents unless started with"
        + " -XX:+EnableDynamicAgentLoading: prefer -javaagent:racket.jar."})
final class AttachCli implements Callable<Integer> {

  private final ToIntFunction<String[]> attach;

  @Parameters(index = "0", paramLabel = "PID", description = "the process id")
  long pid;

  @Parameters(index = "1", arity = "0..1", paramLabel = "OPTIONS", description = "k=v,k=v: the agent's options")
  String options;

  AttachCli(ToIntFunction<String[]> attach) {
    this.attach = attach;
  }

  @Override
  public Integer call() {
    return attach.applyAsInt(options == null ? new String[] {"attach", String.valueOf(pid)}
        : new String[] {"attach", String.valueOf(pid), options});
  }
}
