package org.universis.racket.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.universis.racket.OnProcessEvent;
import org.universis.racket.ProcessEvent;

class HandlerMethodTest {

  @SuppressWarnings("unused")
  static class Handlers {
    @OnProcessEvent("a.>")
    private void instance(ProcessEvent e) {}

    @OnProcessEvent
    static void everything(Map<String, Object> body) {}

    @OnProcessEvent("c")
    void noParameter() {}

    @OnProcessEvent("d")
    void twoParameters(ProcessEvent e, String s) {}

    void notAHandler(ProcessEvent e) {}
  }

  @Test
  void annotatedMethodsAreFoundByTheAnnotationsNameWithTheirFilters() {
    List<HandlerMethod> found = HandlerMethod.declaredBy(Handlers.class);
    Map<String, String> filters = new TreeMap<>();
    for (HandlerMethod h : found) filters.put(h.method.getName(), h.filter + (h.isStatic() ? " static" : ""));
    assertEquals(Map.of("instance", "a.>", "everything", "> static", "noParameter", "c"), filters);
  }
}
