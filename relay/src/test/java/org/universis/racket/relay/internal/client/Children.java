package org.universis.racket.relay.internal.client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Starts {@link EmitterChild} JVMs with this test's class path. */
final class Children {

  private Children() {}

  /**
   * A child named {@code name} (its origin name too), a client only, of {@code url}, with one
   * subscription per filter.
   */
  static ChildJvm emitter(String name, String url, String... filters) throws IOException {
    return inMode("client", name, url, filters);
  }

  /** The same in {@code mode}: {@code auto} hosts the relay when nothing answers at the url. */
  static ChildJvm inMode(String mode, String name, String url, String... filters) throws IOException {
    List<String> args = new ArrayList<>(List.of(url, name));
    args.addAll(List.of(filters));
    return ChildJvm.start(name, System.getProperty("java.class.path"),
        List.of("-Dracket.name=" + name, "-Dracket.mode=" + mode, "-Xmx64m"),
        EmitterChild.class.getName(), args.toArray(String[]::new));
  }

  /** One parsed {@code EVENT} line of an {@link EmitterChild}. */
  record Seen(String filter, long id, String type, String origin, long seq, String body) {
    static Seen parse(String line) {
      String[] f = line.split(" ", 7);
      return new Seen(f[1], Long.parseLong(f[2]), f[3], f[4], Long.parseLong(f[5]), f[6]);
    }

    /** The emitter's name and its counter: what identifies an event across relays. */
    String key() {
      return origin + "#" + seq;
    }
  }

  /** The events a child's subscription with {@code filter} received, without readiness chatter. */
  static List<Seen> seen(ChildJvm child, String filter) {
    List<Seen> seen = new ArrayList<>();
    for (String line : child.matching(l -> l.startsWith("EVENT " + filter + " "))) {
      Seen s = Seen.parse(line);
      if (!s.type().equals("child.ready")) seen.add(s);
    }
    return seen;
  }

  /** Whether a line is an event other than readiness chatter seen by the subscription {@code filter}. */
  static boolean isEvent(String line, String filter) {
    return line.startsWith("EVENT " + filter + " ") && !line.contains(" child.ready ");
  }
}
