package org.universis.racket.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TypeFilterTest {

  @Test
  void starMatchesExactlyOneToken() {
    TypeFilter f = TypeFilter.parse("job.*.done");
    assertTrue(f.matches("job.7.done"));
    assertFalse(f.matches("job.done"));
    assertFalse(f.matches("job.7.8.done"));
    assertFalse(f.matches("job.7.done.x"));
  }

  @Test
  void greaterThanMatchesOneOrMoreTrailingTokens() {
    TypeFilter f = TypeFilter.parse("cache.>");
    assertTrue(f.matches("cache.a"));
    assertTrue(f.matches("cache.a.b"));
    assertFalse(f.matches("cache"));
    assertFalse(f.matches("caches.a"));
  }

  @Test
  void literalPatternsMatchOnlyThemselves() {
    TypeFilter f = TypeFilter.parse("config.reloaded");
    assertTrue(f.matches("config.reloaded"));
    assertFalse(f.matches("config.reloade"));
    assertFalse(f.matches("config.reloaded2"));
    assertFalse(f.matches("config"));
  }

  @Test
  void commaSeparatedPatternsAreAUnion() {
    TypeFilter f = TypeFilter.parse("a.*, b");
    assertTrue(f.matches("a.x"));
    assertTrue(f.matches("b"));
    assertFalse(f.matches("c"));
    assertEquals("a.*,b", f.toString());
  }

  @Test
  void literalAndWildcardPatternsMixAndDotsSeparateTokens() {
    TypeFilter f = TypeFilter.parse("a.b, c.*, x, *.y.>, job_7");
    for (String yes : List.of("a.b", "c.d", "x", "q.y.z", "q.y.z.w", "job_7")) assertTrue(f.matches(yes), yes);
    for (String no : List.of("a", "a.b.c", "c", "c.d.e", "x.x", "q.y", "y.z", "job")) assertFalse(f.matches(no), no);
    assertTrue(TypeFilter.parse("*").matches("a"));
    assertFalse(TypeFilter.parse("*").matches("a.b"));
    assertTrue(TypeFilter.parse(">").matchesEverything());
  }

  @Test
  void blankFilterMatchesEverything() {
    assertTrue(TypeFilter.parse("").matches("anything.at.all"));
    assertTrue(TypeFilter.parse(null).matchesEverything());
  }

  @Test
  void unionOfFiltersMatchesWhatAnyOfThemMatches() {
    TypeFilter u = TypeFilter.union(List.of(TypeFilter.parse("a.>"), TypeFilter.parse("b,a.>")));
    assertEquals("a.>,b", u.toString());
    assertTrue(TypeFilter.union(List.of(TypeFilter.parse("a"), TypeFilter.ALL)).matchesEverything());
    assertFalse(TypeFilter.union(List.of()).matches("a"));
  }

  @Test
  void theRelaysOwnTypesMatchOnlyPatternsThatNameThem() {
    for (String f : List.of(">", "", "*.client.*", "*.client.joined", "*.>")) {
      assertFalse(TypeFilter.parse(f).matches("racket.client.joined"), f);
    }
    for (String f : List.of("racket.>", "racket.client.*", "racket.client.joined", "a,racket.*.joined")) {
      assertTrue(TypeFilter.parse(f).matches("racket.client.joined"), f);
    }
    assertTrue(TypeFilter.parse(">").matches("racketeer.x"), "only the token racket is the relay's");
    TypeFilter u = TypeFilter.union(List.of(TypeFilter.ALL, TypeFilter.parse("racket.client.*")));
    assertTrue(u.matches("racket.client.left"), "a union keeps a pattern that names them");
    assertTrue(u.matches("app.x"));
  }

  @Test
  void malformedPatternsAreRefusedWithTheirName() {
    for (String bad : List.of("a..b", "a.>.b", "a b", ".a", "a*")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> TypeFilter.parse(bad), bad);
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }

  @Test
  void typesMustBeTokensWithoutWildcards() {
    assertEquals("cache.invalidate", TypeFilter.checkType("cache.invalidate"));
    for (String bad : List.of("", "a.*", "a.>", "a..b", "a b", ".a", "a.", "é", "x".repeat(257))) {
      assertThrows(IllegalArgumentException.class, () -> TypeFilter.checkType(bad), bad);
    }
  }

  @Test
  void filtersAreBoundedAndRepeatsCountOnce() {
    assertEquals("a,b", TypeFilter.parse("a,b,a").toString());
    String many = String.join(",", java.util.stream.IntStream.range(0, TypeFilter.MAX_PATTERNS + 1)
        .mapToObj(i -> "t" + i).toList());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TypeFilter.parse(many))
        .getMessage().contains("more than 256 patterns"));
    List<TypeFilter> filters = java.util.stream.IntStream.range(0, TypeFilter.MAX_PATTERNS + 1)
        .mapToObj(i -> TypeFilter.parse("t" + i)).toList();
    assertTrue(TypeFilter.union(filters).matchesEverything(), "too large a union asks for everything");
  }
}
