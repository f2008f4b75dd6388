package org.universis.racket.agent.cli;

import java.io.PrintWriter;
import java.util.function.ToIntFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar racket.jar <command>}: the relay, and the tools that talk to one. Loaded by the
 * agent's isolated class loader from {@code main} only; premain never touches it.
 */
@Command(name = "java -jar racket.jar", mixinStandardHelpOptions = true,
    versionProvider = RacketCli.Version.class,
    description = "The racket relay and the tools that talk to one. Each command's --help says more.",
    subcommands = {RelayCommand.class, EmitCommand.class, TailCommand.class, StatusCommand.class,
        AttachCli.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:the relay is unreachable or refused", "2:usage"})
public final class RacketCli implements Runnable {

  /** What {@link #run(String[], ToIntFunction)} returns when the process must go on: a relay runs. */
  public static final int KEEP_RUNNING = -1;
  static final int UNREACHABLE = 1;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command");
  }

  /**
   * Runs one command.
   *
   * @param attach loads the agent into a JVM ({@code attach <pid> [options]}): it needs the JDK's
   *     attach module, which only the application class loader sees
   * @return the exit code, or {@link #KEEP_RUNNING}
   */
  public static int run(String[] args, ToIntFunction<String[]> attach) {
    CommandLine cli = new CommandLine(new RacketCli(), new Factory(attach));
    cli.getSubcommands().get("relay").setUnmatchedOptionsArePositionalParams(true);
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      PrintWriter err = line.getErr();
      err.println("racket: " + (e instanceof RelayAccess.Unreachable ? e.getMessage() : String.valueOf(e)));
      err.flush();
      return UNREACHABLE;
    });
    return cli.execute(args);
  }

  /** Gives the attach command its function; every other command is made as picocli makes it. */
  private record Factory(ToIntFunction<String[]> attach) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      if (type == AttachCli.class) return type.cast(new AttachCli(attach));
      return CommandLine.defaultFactory().create(type);
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = RacketCli.class.getPackage().getImplementationVersion();
      return new String[] {"racket " + (v == null ? "(development build)" : v)};
    }
  }
}
