package org.universis.racket.relay.client;

/**
 * A message from the relay that is not an event ({@code welcome}, {@code ack}, {@code nack},
 * {@code error}, {@code pong}); fields a message does not carry are 0 or {@code null}.
 *
 * @param count how many emits an ack covers (1 when the relay sent no count)
 */
record RelayMessage(String op, long seq, long id, int count, String relay, long lastId,
    int maxEventSize, String error, String message) {}
