package io.sightline.site;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.Optional;

/**
 * Sites by id and by domain for the hot paths, cached for a few seconds (unknown domains too, so
 * beacons for a domain that is not registered do not each query PostgreSQL).
 */
public final class SiteCache {
  private final SiteService sites;
  private final Cache<Integer, Future<Optional<Site>>> byId;
  private final Cache<String, Future<Optional<Site>>> byDomain;

  public SiteCache(SiteService sites, Duration ttl) {
    this.sites = sites;
    this.byId = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(ttl).build();
    this.byDomain = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(ttl).build();
  }

  public Future<Optional<Site>> byId(int id) {
    return byId.get(id, k -> sites.find(k).onFailure(e -> byId.invalidate(k)));
  }

  public Future<Optional<Site>> byDomain(String domain) {
    String d = domain.trim().toLowerCase(java.util.Locale.ROOT);
    if (d.startsWith("www.")) {
      d = d.substring(4);
    }
    String key = d;
    return byDomain.get(key, k -> sites.findByDomain(k)
        .compose(found -> found.isPresent() ? Future.succeededFuture(found) : sites.findByDomain("www." + k))
        .onFailure(e -> byDomain.invalidate(k)));
  }
}
