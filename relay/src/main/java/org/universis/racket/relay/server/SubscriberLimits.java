package org.universis.racket.relay.server;

/**
 * The bounds every subscriber shares.
 *
 * @param frameBytes the most bytes one frame carries (one item may exceed it alone)
 */
record SubscriberLimits(int queueSize, long queueBytes, RelayConfig.Overflow overflow,
    int frameBytes, Notices notices) {}
