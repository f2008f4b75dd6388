package org.universis.racket.spring;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.universis.racket.RacketOptions;

/**
 * The {@code racket.*} properties. An option left unset comes from the system property
 * {@code racket.<key>}, else the environment variable {@code RACKET_<KEY>}, else its default, as
 * for every racket emitter.
 */
@ConfigurationProperties("racket")
public class RacketProperties {

  /** Whether to create the emitter and subscribe @OnProcessEvent methods of beans. */
  private boolean enabled = true;

  /** The relay, http://host:port (default http://localhost:14440). */
  private String url;

  /** Who hosts the relay: auto (connect, else host it on a loopback url), client, relay (default auto). */
  private RacketOptions.Mode mode;

  /** This process's name, shown to others as origin().name(). */
  private String name;

  /** The relay's bearer token. */
  private String token;

  /** Emits held while the relay is unreachable or has not accepted them (default 10000). */
  private Integer buffer;

  /** Events waiting for one subscription's handler; past it the client stops reading until the handler makes room (default 100000). */
  private Integer queue;

  private final Spring spring = new Spring();

  /** The options these properties give, over the environment's. */
  public RacketOptions toOptions() {
    RacketOptions.Builder b = RacketOptions.builder();
    if (url != null) b.url(url);
    if (mode != null) b.mode(mode);
    if (name != null) b.name(name);
    if (token != null) b.token(token);
    if (buffer != null) b.buffer(buffer);
    if (queue != null) b.queue(queue);
    return b.build();
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public RacketOptions.Mode getMode() {
    return mode;
  }

  public void setMode(RacketOptions.Mode mode) {
    this.mode = mode;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getToken() {
    return token;
  }

  public void setToken(String token) {
    this.token = token;
  }

  public Integer getBuffer() {
    return buffer;
  }

  public void setBuffer(Integer buffer) {
    this.buffer = buffer;
  }

  public Integer getQueue() {
    return queue;
  }

  public void setQueue(Integer queue) {
    this.queue = queue;
  }

  public Spring getSpring() {
    return spring;
  }

  /** How the starter ties racket to Spring. */
  public static class Spring {

    /**
     * Classes of application events (payloads of ApplicationEventPublisher.publishEvent) to send to
     * every other process, where they are published again; as Spring Cloud Bus does.
     */
    private List<Class<?>> forwardApplicationEvents = new ArrayList<>();

    public List<Class<?>> getForwardApplicationEvents() {
      return forwardApplicationEvents;
    }

    public void setForwardApplicationEvents(List<Class<?>> forwardApplicationEvents) {
      this.forwardApplicationEvents = forwardApplicationEvents;
    }
  }
}
