package org.universis.racket.agent.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.universis.racket.RacketOptions;
import org.universis.racket.relay.RelayProvider;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Where the relay is and the token to show it: {@code --url}, {@code --token}, {@code --token-file},
 * else {@code RACKET_URL}, {@code RACKET_TOKEN}, {@code RACKET_TOKEN_FILE} (and the {@code racket.*}
 * system properties), else this user's secret, as a JVM client finds them. The token goes as a
 * bearer header, as curl sends it (README, The HTTP API).
 */
final class RelayAccess {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** The relay cannot be reached or refused: exit code 1, the message names the url. */
  static final class Unreachable extends RuntimeException {
    Unreachable(String message) {
      super(message, null, false, false);
    }
  }

  @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--url", paramLabel = "URL",
      description = "the relay (RACKET_URL; default http://localhost:14440)")
  String url;

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "the relay's token (RACKET_TOKEN); other local users can read a command line: prefer --token-file")
  String token;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "a file whose first line is the token (RACKET_TOKEN_FILE); without a token, this user's secret")
  String tokenFile;

  private HttpClient http;
  private URI base;
  private String bearer;

  /** The relay's url, without a trailing slash. */
  URI base() {
    resolve();
    return base;
  }

  private void resolve() {
    if (base != null) return;
    RacketOptions options;
    try {
      RacketOptions.Builder b = RacketOptions.builder();
      if (url != null) b.url(url);
      if (token != null) b.token(token);
      if (tokenFile != null) b.token(RacketOptions.readTokenFile(tokenFile));
      options = b.build();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    String text = options.url().toString();
    base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    bearer = RelayProvider.token(options);
    http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  }

  /** A request to {@code path} (with its query), carrying the token. */
  HttpRequest.Builder request(String path) {
    resolve();
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (bearer != null) b.header("Authorization", "Bearer " + bearer);
    return b;
  }

  /** Sends it; an answer other than 2xx, or none, is {@link Unreachable}. */
  <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) {
    HttpResponse<T> response;
    try {
      response = http.send(request, body);
    } catch (IOException e) {
      throw new Unreachable("cannot reach the relay at " + base + ": " + describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable("interrupted while talking to the relay at " + base);
    }
    int status = response.statusCode();
    if (status / 100 != 2) {
      Object answer = response.body() instanceof String s ? s.strip() : "";
      throw new Unreachable("the relay at " + base + " refused " + request.method() + " "
          + request.uri().getRawPath() + ": HTTP " + status + (status == 401
              ? " (set --token or --token-file, or RACKET_TOKEN_FILE)" : "") + " " + answer);
    }
    return response;
  }

  /** GET {@code path} as text, within {@link #REQUEST_TIMEOUT}. */
  String get(String path) {
    return send(request(path).timeout(REQUEST_TIMEOUT).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " (" + m + ")");
  }
}
