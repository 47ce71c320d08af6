package io.sightline.api.datalyr;

import io.sightline.ingest.quota.MonthlyQuota;
import io.sightline.site.Site;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;

/**
 * {@code /workspace} (the key's site: id, name, domain, time zone, the ad platforms with imported
 * data as connected platforms, plan {@code self_hosted}, creation time) and {@code /usage} (the
 * site's events this calendar month in its time zone, as the ingestion quota counts them, against
 * {@code ingest.monthlyEventQuota}; {@code events_limit} is null when unlimited; Sightline sends no
 * postbacks, so they are 0 with no limit).
 */
public final class DatalyrAccount {
  static final String PLAN = "self_hosted";

  private final Pool pool;
  private final MonthlyQuota quota;
  private final Clock clock;

  public DatalyrAccount(Pool pool, MonthlyQuota quota, Clock clock) {
    this.pool = pool;
    this.quota = quota;
    this.clock = clock;
  }

  Future<JsonObject> workspace(RoutingContext ctx, Site site) {
    return pool.preparedQuery(DatalyrSql.PLATFORMS).execute(Tuple.of(site.id())).map(rows -> {
      JsonArray platforms = new JsonArray();
      rows.forEach(row -> platforms.add(new JsonObject().put("provider", row.getString("platform")).put("status", "active")));
      return new JsonObject().put("id", Integer.toString(site.id())).put("name", site.name()).put("domain", site.domain())
          .put("timezone", site.timezone()).put("connected_platforms", platforms).put("plan", PLAN)
          .put("created_at", site.createdAt() == null ? null : site.createdAt().toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    });
  }

  Future<JsonObject> usage(RoutingContext ctx, Site site) {
    Instant now = clock.instant();
    ZoneId zone = MonthlyQuota.zone(site);
    YearMonth month = MonthlyQuota.month(site, now);
    Instant start = month.atDay(1).atStartOfDay(zone).toInstant();
    Instant end = month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant().minusSeconds(1);
    return quota.used(site, now).map(used -> new JsonObject().put("events_used", used)
        .put("events_limit", quota.limit() > 0 ? quota.limit() : null).put("postbacks_used", 0).put("postbacks_limit", null)
        .put("period_start", start.toString()).put("period_end", end.toString()).put("plan", PLAN));
  }
}
