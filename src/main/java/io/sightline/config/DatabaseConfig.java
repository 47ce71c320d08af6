package io.sightline.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the data lives. With no {@code url}, Sightline runs its own embedded PostgreSQL in
 * {@code embeddedDataDir}.
 */
public record DatabaseConfig(Optional<String> url, Optional<String> user, Optional<String> password, int poolSize,
                             int connectTimeoutSeconds, Path embeddedDataDir, int embeddedPort, Path binariesCache) {

  public boolean embedded() {
    return url.isEmpty();
  }
}
