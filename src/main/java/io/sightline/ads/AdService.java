package io.sightline.ads;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** Imported ad-platform performance: import (replacing rows of the same platform, level, entity and day), summaries, sums over dates. */
public final class AdService {
  public static final int MAX_ROWS = 10_000;

  private final Pool pool;

  public AdService(Pool pool) {
    this.pool = pool;
  }

  public Future<Integer> importRows(int siteId, List<AdRow> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture(0);
    }
    List<Tuple> batch = new ArrayList<>();
    for (AdRow r : rows) {
      batch.add(Tuple.of(siteId, r.platform(), r.level(), r.entityId(), r.campaignId(), r.campaignName(), r.adsetId(), r.adsetName(),
          r.adId(), r.adName()).addString(r.status()).addLocalDate(r.day()).addBigDecimal(r.spend()).addLong(r.impressions())
          .addLong(r.clicks()));
    }
    return pool.withTransaction(conn -> conn.preparedQuery(AdSql.UPSERT).executeBatch(batch)).map(rows.size());
  }

  /** A platform and level's imported rows: how many, which days, total spend. */
  public Future<List<JsonObject>> summary(int siteId) {
    return pool.preparedQuery(AdSql.SUMMARY).execute(Tuple.of(siteId)).map(rows -> {
      List<JsonObject> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new JsonObject().put("platform", r.getString("platform")).put("level", r.getString("level")).put("rows", r.getLong("rows"))
            .put("first_day", r.getLocalDate("first_day").toString()).put("last_day", r.getLocalDate("last_day").toString())
            .put("spend", r.getBigDecimal("spend").doubleValue()));
      }
      return out;
    });
  }

  public Future<List<String>> platforms(int siteId) {
    return pool.preparedQuery(AdSql.PLATFORMS).execute(Tuple.of(siteId)).map(rows -> {
      List<String> out = new ArrayList<>();
      rows.forEach(r -> out.add(r.getString("platform")));
      return out;
    });
  }

  /** One entity's sums over a range of days. */
  public record Performance(String platform, String level, String entityId, String campaignId, String campaignName, String adsetId,
                            String adsetName, String adId, String adName, String status, BigDecimal spend, long impressions, long clicks) {
  }

  /** Each entity of {@code level} (on {@code platform}, or all when null), summed over [from, to] (both inclusive). */
  public Future<List<Performance>> performance(int siteId, LocalDate from, LocalDate to, String platform, String level) {
    return pool.preparedQuery(AdSql.PERFORMANCE).execute(Tuple.of(siteId, from, to, platform, level)).map(rows -> {
      List<Performance> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new Performance(r.getString("platform"), level, r.getString("entity_id"), r.getString("campaign_id"),
            r.getString("campaign_name"), r.getString("adset_id"), r.getString("adset_name"), r.getString("ad_id"), r.getString("ad_name"),
            r.getString("status"), r.getBigDecimal("spend"), r.getLong("impressions"), r.getLong("clicks")));
      }
      return out;
    });
  }
}
