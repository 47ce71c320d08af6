package io.sightline.api.datalyr;

import io.sightline.goal.Goal;
import io.sightline.goal.GoalMatch;
import io.sightline.goal.GoalService;
import io.sightline.http.ApiException;
import io.sightline.ingest.session.VisitorIds;
import io.sightline.query.Attribution;
import io.sightline.query.BoundedSql;
import io.sightline.site.Site;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /users}: the people active in the range, most recently seen first: an identified user
 * (every visitor id seen with its {@code user_id}, including a visitor's anonymous history under a
 * {@code visitor_id} sent together with it) or, for the rest, a visitor id; their events (engagement
 * beacons aside), sessions, first and last event in the range, and latest location and device.
 * {@code search} finds a user id (exactly), an e-mail (case-insensitive, any part) or a visitor id
 * (Sightline's, as {@code /events} shows it, or the sender's own {@code visitor_id}/{@code user_id}).
 * {@code /users/:userId}: one profile over all time, by user id or visitor id, with its sessions (the
 * 100 most recent, newest first, with their events) and conversions ({@link DatalyrConversions}:
 * events carrying revenue or completing a custom-event goal, newest first).
 */
public final class DatalyrUsers {
  static final int MAX_SESSIONS = 100;

  private final Pool pool;
  private final GoalService goals;

  public DatalyrUsers(Pool pool, GoalService goals) {
    this.pool = pool;
    this.goals = goals;
  }

  /** Internal visitor ids a text may name: itself as a number, and the stable ids of a sender's visitor_id or user_id. */
  static Long[] candidates(int site, String text) {
    Set<Long> ids = new LinkedHashSet<>();
    if (text.matches("-?\\d{1,19}")) {
      try {
        ids.add(Long.parseLong(text));
      } catch (NumberFormatException e) {
        // not an id
      }
    }
    ids.add(VisitorIds.stable(site, "v:" + text));
    ids.add(VisitorIds.stable(site, "u:" + text));
    return ids.toArray(Long[]::new);
  }

  Future<JsonObject> list(RoutingContext ctx, Site site) {
    return DatalyrRoutes.guarded(() -> {
      MultiMap p = ctx.request().params();
      DatalyrParams.Range r = DatalyrParams.range(p, DatalyrReports.zone(site));
      String search = DatalyrParams.text(p, "search");
      int limit = DatalyrParams.integer(p, "limit", 100, 1, 1000);
      int offset = DatalyrParams.integer(p, "offset", 0, 0, 10_000_000);
      Tuple params = Tuple.of(site.id(), OffsetDateTime.ofInstant(r.start(), ZoneOffset.UTC), OffsetDateTime.ofInstant(r.end(), ZoneOffset.UTC),
          search, search == null ? new Long[0] : candidates(site.id(), search), limit, offset);
      return BoundedSql.execute(pool, DatalyrSql.USERS, params).map(rows -> {
        JsonArray users = new JsonArray();
        long total = 0;
        for (Row row : rows) {
          total = row.getLong("total");
          users.add(new JsonObject().put("visitor_id", Long.toString(row.getLong("visitor_id"))).put("user_id", row.getString("user_id"))
              .put("email", row.getString("email")).put("first_seen", seconds(row.getOffsetDateTime("first_seen")))
              .put("last_seen", seconds(row.getOffsetDateTime("last_seen"))).put("total_events", row.getLong("total_events"))
              .put("total_sessions", row.getLong("total_sessions")).put("country", row.getString("country")).put("city", row.getString("city"))
              .put("device", row.getString("device")).put("browser", row.getString("browser")));
        }
        if (users.isEmpty() && offset > 0) {
          total = -1; // past the end: the count is unknown from this page, ask for it
        }
        return new JsonObject().put("users", users).put("total_count", total).put("has_more", (long) offset + users.size() < total);
      }).compose(body -> body.getLong("total_count") >= 0 ? Future.succeededFuture(body)
          : BoundedSql.execute(pool, DatalyrSql.USERS, Tuple.of(site.id(), params.getValue(1), params.getValue(2), search,
              params.getValue(4), 1, 0)).map(rows -> body.put("total_count", rows.size() == 0 ? 0 : rows.iterator().next().getLong("total"))
              .put("has_more", false)));
    });
  }

  Future<JsonObject> profile(RoutingContext ctx, Site site) {
    String id = ctx.pathParam("userId");
    if (id == null || id.isEmpty() || id.length() > 200 || id.chars().anyMatch(c -> c < 0x20)) {
      return Future.failedFuture(ApiException.badRequest("userId must be a visitor id or user id of at most 200 characters"));
    }
    Long[] candidates = candidates(site.id(), id);
    Future<List<Goal>> defined = goals.list(site.id());
    return BoundedSql.execute(pool, DatalyrSql.FIND_USER, Tuple.of(site.id(), candidates, id)).compose(found -> {
      Row user = found.size() == 0 ? null : found.iterator().next();
      Long[] ids = user == null ? candidates : user.getArrayOfLongs("visitor_ids");
      String userId = user == null ? null : user.getString("user_id");
      return defined.compose(list -> {
        List<GoalMatch> g = DatalyrConversions.matches(list);
        return BoundedSql.execute(pool, DatalyrSql.PROFILE_EVENTS.formatted(Attribution.completesGoal("g", "e")), Tuple.of(site.id(), ids, userId, g.stream().map(GoalMatch::name).toArray(String[]::new),
                g.stream().map(GoalMatch::type).toArray(String[]::new), g.stream().map(GoalMatch::pattern).toArray(String[]::new)));
      }).map(rows -> {
        if (rows.size() == 0 && user == null) {
          throw ApiException.notFound("No user or visitor " + id + " on this workspace");
        }
        return profile(user, rows);
      });
    });
  }

  private static JsonObject profile(Row user, Iterable<Row> rows) {
    Map<Long, List<Row>> sessions = new LinkedHashMap<>();
    JsonArray conversions = new JsonArray();
    long events = 0;
    Row last = null;
    Row first = null;
    for (Row r : rows) {
      sessions.computeIfAbsent(r.getLong("session_id"), k -> new ArrayList<>()).add(r);
      first = first == null ? r : first;
      last = r;
      boolean counted = !"engagement".equals(r.getString("type"));
      events += counted ? 1 : 0;
      Object revenue = r.getValue("revenue_amount");
      if (counted && (revenue != null || r.getBoolean("goal"))) {
        conversions.add(0, new JsonObject().put("event_name", r.getString("name")).put("value", revenue == null ? null : DatalyrEvents.money(revenue))
            .put("received_at", seconds(r.getOffsetDateTime("ts"))));
      }
    }
    JsonObject profile = new JsonObject()
        .put("visitor_id", last == null ? null : Long.toString(last.getLong("visitor_id")))
        .put("user_id", user == null ? null : user.getString("user_id")).put("email", user == null ? null : user.getString("email"))
        .put("first_seen", first != null ? seconds(first.getOffsetDateTime("ts")) : seconds(user.getOffsetDateTime("first_seen")))
        .put("last_seen", last != null ? seconds(last.getOffsetDateTime("ts")) : seconds(user.getOffsetDateTime("last_seen")))
        .put("total_events", events).put("total_sessions", sessions.size())
        .put("country", last == null ? null : last.getString("country")).put("city", last == null ? null : last.getString("city"));
    List<JsonObject> out = new ArrayList<>();
    for (List<Row> s : sessions.values()) {
      JsonArray list = new JsonArray();
      long pageviews = 0;
      for (Row r : s) {
        if ("engagement".equals(r.getString("type"))) {
          continue;
        }
        JsonObject e = new JsonObject().put("event_name", r.getString("name"));
        if ("pageview".equals(r.getString("type"))) {
          e.put("page_path", r.getString("pathname"));
          pageviews++;
        }
        list.add(e.put("received_at", seconds(r.getOffsetDateTime("ts"))));
      }
      OffsetDateTime start = s.get(0).getOffsetDateTime("ts");
      OffsetDateTime end = s.get(s.size() - 1).getOffsetDateTime("ts");
      out.add(0, new JsonObject().put("session_id", Long.toString(s.get(0).getLong("session_id"))).put("started_at", seconds(start))
          .put("ended_at", seconds(end)).put("duration_seconds", ChronoUnit.SECONDS.between(start, end)).put("events_count", list.size())
          .put("pageviews_count", pageviews).put("events", list));
    }
    return new JsonObject().put("user", profile).put("sessions", new JsonArray(new ArrayList<Object>(out.subList(0, Math.min(MAX_SESSIONS, out.size())))))
        .put("conversions", conversions);
  }

  static String seconds(OffsetDateTime t) {
    return t == null ? null : t.toInstant().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
