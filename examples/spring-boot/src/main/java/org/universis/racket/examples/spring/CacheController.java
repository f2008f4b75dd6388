package org.universis.racket.examples.spring;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.universis.racket.OnProcessEvent;
import org.universis.racket.spring.ProcessEventTemplate;

/** A local cache, and the event that clears a key of it in every instance. */
@RestController
class CacheController {

  private final Map<String, String> cache = new ConcurrentHashMap<>();
  private final ProcessEventTemplate racket;

  CacheController(ProcessEventTemplate racket) {
    this.racket = racket;
  }

  /** The cached value, loaded on first use (here: made up, with the time it was loaded). */
  @GetMapping("/cache/{key}")
  String get(@PathVariable("key") String key) {
    return cache.computeIfAbsent(key, k -> k + " loaded at " + Instant.now());
  }

  /** The keys this instance holds. */
  @GetMapping("/cache")
  Set<String> keys() {
    return new TreeSet<>(cache.keySet());
  }

  /** Tells every instance, this one included, to drop the key; answers with the event's id. */
  @DeleteMapping("/cache/{key}")
  CompletableFuture<Long> invalidate(@PathVariable("key") String key) {
    return racket.emit("cache.invalidate", new Invalidate(key));
  }

  @OnProcessEvent("cache.invalidate")
  void onInvalidate(Invalidate invalidate) {
    cache.remove(invalidate.key());
  }
}
