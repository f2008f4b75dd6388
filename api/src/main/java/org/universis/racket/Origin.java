package org.universis.racket;

/**
 * The process an event comes from.
 *
 * @param id unique for each emitter instance (a fresh random id every time a process starts)
 * @param pid the operating system's process id, 0 when the emitter did not say (plain HTTP)
 * @param host the host name the emitter gave, or the client's address for plain HTTP
 * @param name the name the emitter gave itself ({@code name} option), or {@code null}
 */
public record Origin(String id, long pid, String host, String name) {}
