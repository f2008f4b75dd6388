package org.universis.racket.relay.internal.client;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** This machine's name as other processes see it in {@link org.universis.racket.Origin#host()}. */
final class LocalHostName {

  private static volatile String name;

  private LocalHostName() {}

  /** Looked up once; may take a DNS round trip, so never call it on an application's thread. */
  static String get() {
    String n = name;
    if (n == null) {
      try {
        n = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        String env = System.getenv("HOSTNAME");
        n = env == null || env.isBlank() ? "localhost" : env;
      }
      name = n;
    }
    return n;
  }
}
