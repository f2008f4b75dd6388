package org.universis.racket;

/**
 * A client connected to the relay now, as {@link ProcessEventEmitter#clients()} and the relay's
 * {@code GET /clients} give it.
 *
 * @param transport {@code ws} or {@code sse}
 * @param origin the process it named, or {@code null} (an anonymous SSE stream)
 * @param types the filter of what it receives ({@code ""} for nothing)
 * @param since when it connected, in milliseconds since the Unix epoch
 * @param address its address and port, as the relay sees them
 * @param queued events waiting at the relay to be written to it
 */
public record ConnectedClient(String transport, Origin origin, String types, long since,
    String address, long queued) {}
