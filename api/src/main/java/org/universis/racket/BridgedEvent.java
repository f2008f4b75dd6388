package org.universis.racket;

import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/** An event the racket agent delivered through its bridge, as a map of JDK values (see AgentBridge). */
final class BridgedEvent implements ProcessEvent {

  private final Map<String, Object> map;
  private final Origin origin;

  @SuppressWarnings("unchecked")
  BridgedEvent(Map<String, Object> map) {
    this.map = map;
    Map<String, Object> o = (Map<String, Object>) map.get("origin");
    this.origin = new Origin((String) o.get("id"), ((Number) o.get("pid")).longValue(),
        (String) o.get("host"), (String) o.get("name"));
  }

  @Override
  public long id() {
    return ((Number) map.get("id")).longValue();
  }

  @Override
  public String type() {
    return (String) map.get("type");
  }

  @Override
  public Instant time() {
    return (Instant) map.get("time");
  }

  @Override
  public Origin origin() {
    return origin;
  }

  @Override
  public long seq() {
    return ((Number) map.get("seq")).longValue();
  }

  @Override
  public Object body() {
    return ((Supplier<?>) map.get("body")).get();
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T body(Class<T> type) {
    return type.cast(((Function<Class<?>, Object>) map.get("decode")).apply(type));
  }

  @Override
  public String json() {
    return (String) ((Supplier<?>) map.get("json")).get();
  }

  @Override
  public String toString() {
    return "ProcessEvent" + json();
  }
}
