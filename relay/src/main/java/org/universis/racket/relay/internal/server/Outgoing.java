package org.universis.racket.relay.internal.server;

/**
 * What a subscriber's queue holds, in the order it is sent: an {@link Event}, or a control
 * message (greeting, ack, nack, pong, heartbeat, the clients list) already encoded.
 */
public sealed interface Outgoing permits Event, Outgoing.Control {

  /** An event's envelope, or a control message's bytes. */
  byte[] bytes();

  /** A message that is not an event: its bytes, which each transport frames as it does an event's. */
  record Control(byte[] bytes) implements Outgoing {}
}
