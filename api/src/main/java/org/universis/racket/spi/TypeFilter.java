package org.universis.racket.spi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A set of type patterns with NATS-style wildcards: tokens are separated by dots, {@code *} matches
 * one token and {@code >} (last only) one or more. {@code "a.*,b.>"} matches {@code a.x} and
 * {@code b.x.y}. The relay and its clients share this class so that they agree on every match.
 *
 * <p>The relay's own types ({@code racket.*}, such as {@code racket.client.joined}) match only the
 * patterns whose first token is {@code racket}: a bare {@code >} or {@code *.client.*} does not ask
 * for them, as NATS keeps its {@code $SYS} subjects out of {@code >}. Subscribe to
 * {@code racket.>}, {@code racket.client.*} or the type itself.
 */
public final class TypeFilter {

  // The wildcard tokens, one instance each, so that matching compares references.
  private static final String ONE = "*";
  private static final String REST = ">";

  /** The first token of the relay's own types, which only patterns that name it match. */
  public static final String RELAY_TOKEN = "racket";
  private static final String RELAY_PREFIX = RELAY_TOKEN + ".";

  /** The filter that matches every type but the relay's own. */
  public static final TypeFilter ALL = new TypeFilter(List.<String[]>of(new String[] {REST}));
  // What a union too large to keep asks for: everything, the relay's own types too.
  private static final TypeFilter EVERY = new TypeFilter(List.of(new String[] {REST},
      new String[] {RELAY_TOKEN, REST}));

  /** The longest type or pattern accepted. */
  public static final int MAX_LENGTH = 256;

  /** The most patterns one filter may have. */
  public static final int MAX_PATTERNS = 256;

  private final List<String[]> patterns;
  // Matching runs for every event and every subscriber: patterns without wildcards (most of them)
  // are answered by one set lookup, the others are walked token by token.
  private final Set<String> literals;
  private final String[][] wildcards;
  private final String text;

  private TypeFilter(List<String[]> patterns) {
    this.patterns = patterns;
    Set<String> literal = new HashSet<>();
    List<String[]> wild = new ArrayList<>();
    for (String[] p : patterns) {
      if (Arrays.stream(p).anyMatch(t -> t == ONE || t == REST)) wild.add(p);
      else literal.add(String.join(".", p));
    }
    this.literals = Set.copyOf(literal);
    this.wildcards = wild.toArray(String[][]::new);
    StringBuilder sb = new StringBuilder();
    for (String[] p : patterns) {
      if (sb.length() > 0) sb.append(',');
      sb.append(String.join(".", p));
    }
    this.text = sb.toString();
  }

  /**
   * Parses a comma-separated list of at most {@value #MAX_PATTERNS} patterns; blank or {@code null}
   * means every type. Repeated patterns count once.
   *
   * @throws IllegalArgumentException naming the bad pattern and why
   */
  public static TypeFilter parse(String filter) {
    if (filter == null || filter.isBlank()) return ALL;
    Map<String, String[]> patterns = new LinkedHashMap<>();
    for (String pattern : filter.split(",")) {
      String p = pattern.trim();
      if (p.isEmpty() || patterns.containsKey(p)) continue;
      // Every pattern is tried against every event under the relay's lock: bound them.
      if (patterns.size() == MAX_PATTERNS) {
        throw new IllegalArgumentException("filter has more than " + MAX_PATTERNS + " patterns;"
            + " use wildcards, like cache.>");
      }
      patterns.put(p, parsePattern(p));
    }
    return patterns.isEmpty() ? ALL : new TypeFilter(List.copyOf(patterns.values()));
  }

  /**
   * The union of several filters. A union of more than {@value #MAX_PATTERNS} patterns is
   * {@code >,racket.>}: a client that matches again locally may ask for more than it needs.
   */
  public static TypeFilter union(Iterable<TypeFilter> filters) {
    Map<String, String[]> all = new LinkedHashMap<>();
    for (TypeFilter f : filters) {
      for (String[] p : f.patterns) all.putIfAbsent(String.join(".", p), p);
      if (all.size() > MAX_PATTERNS) return EVERY;
    }
    return all.isEmpty() ? none() : new TypeFilter(List.copyOf(all.values()));
  }

  /** The filter that matches nothing. */
  public static TypeFilter none() {
    return NONE;
  }

  private static final TypeFilter NONE = new TypeFilter(List.of());

  /**
   * Checks that {@code type} is a valid event type: dot-separated tokens of letters, digits and
   * {@code _-:$@}, at most {@value #MAX_LENGTH} characters, no wildcards.
   *
   * @return the type
   * @throws IllegalArgumentException saying what is wrong
   */
  public static String checkType(String type) {
    if (type == null || type.isEmpty()) throw new IllegalArgumentException("type must not be empty");
    if (type.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("type is longer than " + MAX_LENGTH + " characters");
    }
    // A character scan, not a regex: every emit and every relayed event is checked.
    boolean tokenStart = true;
    for (int i = 0; i < type.length(); i++) {
      char c = type.charAt(i);
      if (c == '.' && !tokenStart) {
        tokenStart = true;
      } else if (isTokenChar(c)) {
        tokenStart = false;
      } else {
        throw malformedType(type);
      }
    }
    if (tokenStart) throw malformedType(type);
    return type;
  }

  private static IllegalArgumentException malformedType(String type) {
    return new IllegalArgumentException("type '" + type + "' must be dot-separated tokens of"
        + " letters, digits and _-:$@, like cache.invalidate");
  }

  private static boolean isTokenChar(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
        || c == '_' || c == '-' || c == ':' || c == '$' || c == '@';
  }

  private static boolean isToken(String s) {
    if (s.isEmpty()) return false;
    for (int i = 0; i < s.length(); i++) {
      if (!isTokenChar(s.charAt(i))) return false;
    }
    return true;
  }

  private static String[] parsePattern(String p) {
    if (p.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("filter pattern is longer than " + MAX_LENGTH + " characters");
    }
    String[] tokens = p.split("\\.", -1);
    for (int i = 0; i < tokens.length; i++) {
      String t = tokens[i];
      if (t.equals(ONE)) tokens[i] = ONE;
      else if (t.equals(REST) && i == tokens.length - 1) tokens[i] = REST;
      else if (!isToken(t)) {
        throw new IllegalArgumentException("filter pattern '" + p + "' is malformed: use"
            + " dot-separated tokens, '*' for one token and '>' (last) for the rest, like cache.>");
      }
    }
    return tokens;
  }

  /** Whether {@code type} matches one of the patterns. */
  public boolean matches(String type) {
    if (literals.contains(type)) return true;
    boolean relays = type.startsWith(RELAY_PREFIX);
    if (this == ALL) return !relays;
    for (String[] p : wildcards) {
      if ((!relays || RELAY_TOKEN.equals(p[0])) && matches(p, type)) return true;
    }
    return false;
  }

  /** Whether this filter matches every type (but the relay's own, unless it names them). */
  public boolean matchesEverything() {
    for (String[] p : patterns) {
      if (p.length == 1 && p[0] == REST) return true;
    }
    return false;
  }

  // Walks the type once without splitting it: this runs for every event and every subscriber.
  private static boolean matches(String[] pattern, String type) {
    int pos = 0;
    int n = type.length();
    for (int i = 0; i < pattern.length; i++) {
      if (pos > n) return false;
      String token = pattern[i];
      if (token == REST) return pos < n;
      int end = type.indexOf('.', pos);
      if (end < 0) end = n;
      if (token == ONE ? end == pos
          : !type.regionMatches(pos, token, 0, Math.max(token.length(), end - pos))) {
        return false;
      }
      pos = end + 1;
    }
    return pos == n + 1;
  }

  /** The filter as text, patterns joined by commas; empty for the filter that matches nothing. */
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TypeFilter other && text.equals(other.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }
}
