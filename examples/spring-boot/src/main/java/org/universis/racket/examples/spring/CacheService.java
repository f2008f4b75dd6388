package org.universis.racket.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A service that caches values and tells its other instances to drop one when it changes.
 *
 * <pre>
 * java -jar examples/spring-boot/target/racket-cache-service.jar --server.port=8081 --racket.name=a
 * java -jar examples/spring-boot/target/racket-cache-service.jar --server.port=8082 --racket.name=b
 * curl localhost:8082/cache/users:42           # b caches it
 * curl -X DELETE localhost:8081/cache/users:42 # a tells every instance to drop it
 * curl localhost:8082/cache                    # b no longer holds it
 * </pre>
 */
@SpringBootApplication
public class CacheService {

  public static void main(String[] args) {
    SpringApplication.run(CacheService.class, args);
  }
}
