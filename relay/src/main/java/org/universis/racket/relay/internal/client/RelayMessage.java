package org.universis.racket.relay.internal.client;

import java.util.List;
import org.universis.racket.ConnectedClient;

/**
 * A message from the relay that is not an event ({@code welcome}, {@code ack}, {@code nack},
 * {@code error}, {@code pong}, {@code clients}); fields a message does not carry are 0 or {@code null}. An ack's
 * {@code count} of 0 (absent) means 1.
 */
public record RelayMessage(String op, long seq, long id, int count, String relay, long lastId,
    int maxEventSize, int queueSize, String error, String message, List<ConnectedClient> clients) {}
