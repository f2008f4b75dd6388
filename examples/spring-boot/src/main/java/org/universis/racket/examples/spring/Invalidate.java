package org.universis.racket.examples.spring;

/** The body of a {@code cache.invalidate} event: drop this key. */
public record Invalidate(String key) {}
