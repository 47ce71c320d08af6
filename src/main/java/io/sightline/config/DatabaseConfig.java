package io.sightline.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the data lives. With no {@code url}, Sightline runs its own embedded PostgreSQL in
 * {@code embeddedDataDir}. {@code readUrl}: a replica that analytics queries read from (writes, authentication and the admin API
 * stay on {@code url}); empty: everything on {@code url}.
 */
public record DatabaseConfig(Optional<String> url, Optional<String> user, Optional<String> password, int poolSize,
                             int connectTimeoutSeconds, Path embeddedDataDir, int embeddedPort, Path binariesCache,
                             Optional<String> readUrl) {

  public boolean embedded() {
    return url.isEmpty();
  }
}
