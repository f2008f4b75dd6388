package org.universis.racket.agent.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.universis.racket.RacketOptions;
import org.universis.racket.relay.internal.Log;

/**
 * The agent's options: the emitter's {@link RacketOptions} plus the agent's own {@code log} level.
 * Agent arguments ({@code k=v,k=v}) win over {@code -Dracket.k}, which wins over {@code RACKET_K},
 * which wins over the defaults.
 */
record AgentOptions(RacketOptions racket, Log.Level log) {

  /** What the one stderr line about a bad option lists. */
  static final String VALID = "valid options: url=http://host:port, mode=auto|client|relay|off,"
      + " name=<text>, token=<text>, token-file=<path>, buffer=<count>, emit-timeout=<10s|500ms>,"
      + " queue=<count>, queue-bytes=<64m>, tls-ca=<path>, backplane=redis://host:port,"
      + " log=error|warn|info|debug|trace";

  /**
   * Parses agent arguments over the environment.
   *
   * @throws IllegalArgumentException for an unknown key or a bad value, saying which
   */
  static AgentOptions parse(String args) {
    Map<String, String> given = split(args);
    String log = given.remove("log");
    if (log == null) log = System.getProperty(Log.PROPERTY);
    if (log == null) log = System.getenv("RACKET_LOG");
    Log.Level level = log == null ? Log.Level.WARN : Log.parseLevel(log);
    RacketOptions.Builder builder = RacketOptions.builder();
    for (Map.Entry<String, String> option : given.entrySet()) {
      if (!RacketOptions.KEYS.contains(option.getKey())) {
        throw new IllegalArgumentException("unknown option '" + option.getKey() + "'");
      }
      builder.set(option.getKey(), option.getValue());
    }
    return new AgentOptions(builder.build(), level);
  }

  private static Map<String, String> split(String args) {
    Map<String, String> map = new LinkedHashMap<>();
    if (args == null || args.isBlank()) return map;
    for (String part : args.split(",")) {
      if (part.isBlank()) continue;
      int eq = part.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("agent argument '" + part + "' is not key=value");
      map.put(part.substring(0, eq).trim().toLowerCase(Locale.ROOT), part.substring(eq + 1).trim());
    }
    return map;
  }
}
