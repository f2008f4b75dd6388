package org.universis.racket.relay.internal.server;

import org.universis.racket.Origin;

/**
 * Who a subscriber is, for {@code GET /clients}.
 *
 * @param origin the process it named, or {@code null} (SSE, or before hello)
 */
public record SubscriberInfo(String transport, String address, long since, Origin origin) {}
