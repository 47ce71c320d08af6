package io.sightline.dashboard;

import io.sightline.api.clickport.ClickportQueryRoutes;
import io.sightline.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The dashboard's questions: Clickport query bodies ({@code POST /api/query}'s, docs/api.md) asked
 * for one site through the same parser and the one engine, in the site's time zone. Two periods of
 * the dashboard's picker that the query API does not name are turned into date ranges of that zone:
 * {@code month} (month to date) and {@code last_month}.
 */
final class DashboardQueries {
  private final ClickportQueryRoutes queries;
  private final Clock clock;

  DashboardQueries(ClickportQueryRoutes queries, Clock clock) {
    this.queries = queries;
    this.clock = clock;
  }

  Future<JsonObject> answer(JsonObject body, int siteId, String timezone) {
    JsonObject q;
    try {
      q = prepare(body, timezone, clock);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    return queries.answer(q, siteId);
  }

  static JsonObject prepare(JsonObject body, String timezone, Clock clock) {
    JsonObject q = body.copy();
    ZoneId zone;
    try {
      zone = ZoneId.of(timezone);
    } catch (DateTimeException e) {
      zone = ZoneId.of("UTC");
    }
    q.put("timezone", zone.getId());
    Object period = q.getValue("period");
    if ("month".equals(period) || "last_month".equals(period)) {
      LocalDate today = LocalDate.now(clock.withZone(zone));
      LocalDate first = today.withDayOfMonth(1);
      JsonObject range = "month".equals(period)
          ? new JsonObject().put("start", first.toString()).put("end", today.plusDays(1).toString())
          : new JsonObject().put("start", first.minusMonths(1).toString()).put("end", first.toString());
      q.remove("period");
      q.put("date_range", range);
    }
    return q;
  }
}
