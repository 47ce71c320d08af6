package io.sightline.api.hum;

import io.sightline.goal.GoalPatterns;
import io.sightline.goal.GoalType;
import io.sightline.query.BoundedSql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads Hum's per-session data: one page of a site's sessions (or one session) with the facts the
 * {@link HumMapping} turns into Hum's fields, in prepared statements ({@link HumSessionsSql}) on
 * the reactive pool. Two or three statements per request: the count and the page (in parallel),
 * then the installed events of the page's orders.
 */
public final class HumSessionsQuery {
  /** How long after an order an installed event is looked for. */
  public static final Duration INSTALL_WINDOW = Duration.ofDays(90);

  private final Pool pool;

  public HumSessionsQuery(Pool pool) {
    this.pool = pool;
  }

  /** A funnel step the session reached, and when it first did. */
  public record Reached(int step, Instant at) {
  }

  /** Hum's facts of one session; the order facts are null without an order event, the install facts without an installed event. */
  public record Session(int siteId, long sessionId, Instant startedAt, String campaign, String street1, String street2, String city,
                        String state, String zip, List<Reached> reached, Instant orderedAt, String orderNumber, String orderCommission,
                        Instant installedAt, String installCommission) {
    Session withInstall(Instant at, String commission) {
      return new Session(siteId, sessionId, startedAt, campaign, street1, street2, city, state, zip, reached, orderedAt, orderNumber,
          orderCommission, at, commission);
    }
  }

  /** A page of sessions and how many match in all. */
  public record Page(long count, List<Session> sessions) {
  }

  /** One page of the site's sessions, newest first; {@code keyIds} null for any key. */
  public Future<Page> list(int siteId, HumMapping mapping, HumListParams params, Integer[] keyIds) {
    OffsetDateTime start = utc(params.startInclusive());
    OffsetDateTime end = utc(params.endExclusive());
    Future<Long> count = BoundedSql.execute(pool, HumSessionsSql.COUNT, Tuple.of(siteId, start, end, keyIds, params.withClicks()))
        .map(rows -> rows.iterator().next().getLong("n"));
    Tuple args = mappingArgs(siteId, mapping).addValue(start).addValue(end).addValue(keyIds).addValue(params.withClicks())
        .addValue(HumListParams.PAGE_SIZE).addValue(params.offset());
    Future<List<Session>> page = BoundedSql.execute(pool, HumSessionsSql.LIST, args).map(rows -> sessions(siteId, rows))
        .compose(list -> withInstalls(siteId, mapping, list));
    return Future.all(count, page).map(done -> new Page(count.result(), page.result()));
  }

  /** One session of the site, or empty. */
  public Future<Optional<Session>> detail(int siteId, long sessionId, HumMapping mapping) {
    return BoundedSql.execute(pool, HumSessionsSql.DETAIL, mappingArgs(siteId, mapping).addValue(sessionId))
        .map(rows -> sessions(siteId, rows))
        .compose(list -> withInstalls(siteId, mapping, list))
        .map(list -> list.stream().findFirst());
  }

  /**
   * The {@code api_keys.id} of each token reference, if every one is a key of the site (revoked
   * keys included); empty if any is not.
   */
  public Future<Optional<Integer[]>> resolveTokens(int siteId, List<HumListParams.Token> tokens) {
    Integer[] ids = tokens.stream().map(HumListParams.Token::id).filter(java.util.Objects::nonNull).toArray(Integer[]::new);
    String[] keyIds = tokens.stream().map(HumListParams.Token::keyId).filter(java.util.Objects::nonNull).toArray(String[]::new);
    java.util.UUID[] uuids = tokens.stream().map(HumListParams.Token::uuid).filter(java.util.Objects::nonNull).toArray(java.util.UUID[]::new);
    return pool.preparedQuery(HumSessionsSql.KEYS).execute(Tuple.of(siteId, ids, keyIds, uuids)).map(rows -> {
      Map<Integer, Integer> byId = new HashMap<>();
      Map<String, Integer> byKeyId = new HashMap<>();
      Map<java.util.UUID, Integer> byUuid = new HashMap<>();
      rows.forEach(r -> {
        byId.put(r.getInteger("id"), r.getInteger("id"));
        byKeyId.put(r.getString("key_id"), r.getInteger("id"));
        byUuid.put(r.getUUID("public_id"), r.getInteger("id"));
      });
      Set<Integer> resolved = new HashSet<>();
      for (HumListParams.Token t : tokens) {
        Integer id = t.id() != null ? byId.get(t.id()) : t.keyId() != null ? byKeyId.get(t.keyId()) : byUuid.get(t.uuid());
        if (id == null) {
          return Optional.<Integer[]>empty();
        }
        resolved.add(id);
      }
      return Optional.of(resolved.toArray(Integer[]::new));
    });
  }

  private static Tuple mappingArgs(int siteId, HumMapping m) {
    HumMapping.Address a = m.address();
    Tuple t = Tuple.of(siteId, a.street1(), a.street2(), a.city(), a.state(), a.zip());
    t.addValue(m.orderEvent()).addValue(m.orderNumberProp()).addValue(m.commissionProp());
    t.addValue(m.funnel().stream().map(HumMapping.Step::step).toArray(Integer[]::new));
    t.addValue(m.funnel().stream().map(s -> s.goal().type().id()).toArray(String[]::new));
    t.addValue(m.funnel().stream().map(s -> s.goal().type() == GoalType.PAGEVIEW ? GoalPatterns.likePattern(s.goal().match())
        : s.goal().match()).toArray(String[]::new));
    return t;
  }

  private static List<Session> sessions(int siteId, RowSet<Row> rows) {
    List<Session> out = new ArrayList<>();
    for (Row r : rows) {
      List<Reached> reached = new ArrayList<>();
      Integer[] steps = r.getArrayOfIntegers("steps");
      OffsetDateTime[] at = r.getArrayOfOffsetDateTimes("step_ts");
      if (steps != null) {
        for (int i = 0; i < steps.length; i++) {
          reached.add(new Reached(steps[i], at[i].toInstant()));
        }
      }
      out.add(new Session(siteId, r.getLong("session_id"), instant(r.getOffsetDateTime("started_at")), r.getString("utm_campaign"),
          r.getString("street1"), r.getString("street2"), r.getString("city"), r.getString("state"), r.getString("zip"), reached,
          instant(r.getOffsetDateTime("ordered_at")), r.getString("order_number"), r.getString("order_commission"), null, null));
    }
    return out;
  }

  /** Adds the installed facts of the sessions whose order has a number (one statement for all of them). */
  private Future<List<Session>> withInstalls(int siteId, HumMapping mapping, List<Session> sessions) {
    List<Session> ordered = sessions.stream().filter(s -> s.orderedAt() != null && s.orderNumber() != null).toList();
    if (ordered.isEmpty()) {
      return Future.succeededFuture(sessions);
    }
    Instant from = ordered.stream().map(Session::orderedAt).min(Instant::compareTo).orElseThrow();
    Instant to = ordered.stream().map(Session::orderedAt).max(Instant::compareTo).orElseThrow().plus(INSTALL_WINDOW);
    String[] numbers = ordered.stream().map(Session::orderNumber).distinct().toArray(String[]::new);
    Tuple args = Tuple.of(siteId, mapping.orderNumberProp(), mapping.commissionProp(), mapping.installedEvent(), utc(from), utc(to))
        .addValue(numbers);
    return BoundedSql.execute(pool, HumSessionsSql.INSTALLS, args).map(rows -> {
      Map<String, Row> byNumber = new HashMap<>();
      rows.forEach(r -> byNumber.put(r.getString("order_number"), r));
      List<Session> out = new ArrayList<>();
      for (Session s : sessions) {
        Row r = s.orderNumber() == null || s.orderedAt() == null ? null : byNumber.get(s.orderNumber());
        Instant at = r == null ? null : instant(r.getOffsetDateTime("installed_at"));
        boolean linked = at != null && !at.isBefore(s.orderedAt()) && at.isBefore(s.orderedAt().plus(INSTALL_WINDOW));
        out.add(linked ? s.withInstall(at, r.getString("commission")) : s);
      }
      return out;
    });
  }

  private static OffsetDateTime utc(Instant t) {
    return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }
}
