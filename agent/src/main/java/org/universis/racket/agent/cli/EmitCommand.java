package org.universis.racket.agent.cli;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code emit TYPE [JSON]}: one event, or with no JSON one per NDJSON line of stdin. */
@Command(name = "emit", mixinStandardHelpOptions = true,
    description = {"Emits one event of TYPE with JSON as its body; without JSON, one event per line of"
        + " stdin (NDJSON), each sent as soon as its line ends. Prints the relay's answer."})
final class EmitCommand implements Callable<Integer> {

  @Mixin
  RelayAccess relay;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TYPE", description = "the event's type, like cache.invalidate")
  String type;

  @Parameters(index = "1", arity = "0..1", paramLabel = "JSON", description = "the body: any JSON value")
  String json;

  @Option(names = "--name", paramLabel = "NAME", defaultValue = "racket-cli",
      description = "the origin's name subscribers see (default: ${DEFAULT-VALUE})")
  String name;

  @Override
  public Integer call() {
    try {
      org.universis.racket.spi.TypeFilter.checkType(type);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    HttpRequest.Builder request = relay.request("/events?type=" + RelayAccess.encode(type))
        .header("Racket-Name", name);
    if (json != null) {
      request.timeout(RelayAccess.REQUEST_TIMEOUT).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json));
    } else {
      // A pipe may stay open for as long as its writer lives: no timeout on the whole request.
      request.header("Content-Type", "application/x-ndjson")
          .POST(HttpRequest.BodyPublishers.ofInputStream(() -> System.in));
    }
    String answer = relay.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
    spec.commandLine().getOut().println(answer.strip());
    return 0;
  }
}
