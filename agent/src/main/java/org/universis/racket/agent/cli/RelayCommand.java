package org.universis.racket.agent.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.universis.racket.relay.RelayMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code relay [options]}: the standalone relay, whose own parser reads every option. */
@Command(name = "relay", description = "Runs the standalone relay; its options, --help among them,"
    + " are those of java -jar racket-relay.jar (README, The relay).")
final class RelayCommand implements Callable<Integer> {

  @Parameters(arity = "0..*", paramLabel = "OPTION", description = "the relay's options, as --port 0")
  List<String> options = new ArrayList<>();

  @Override
  public Integer call() {
    RelayMain.main(options.toArray(String[]::new)); // exits by itself on a usage error or a failed bind
    return options.contains("--help") ? 0 : RacketCli.KEEP_RUNNING;
  }
}
