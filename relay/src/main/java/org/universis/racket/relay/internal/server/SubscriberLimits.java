package org.universis.racket.relay.internal.server;

import org.universis.racket.relay.RelayConfig;

/**
 * The bounds every subscriber shares.
 *
 * @param frameBytes the most bytes one frame carries (one item may exceed it alone)
 */
public record SubscriberLimits(int queueSize, long queueBytes, RelayConfig.Overflow overflow,
    int frameBytes, Notices notices) {}
