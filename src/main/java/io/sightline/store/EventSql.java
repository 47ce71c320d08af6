package io.sightline.store;

import io.sightline.event.EventRecord;
import io.sightline.event.SessionRow;
import io.sightline.rollup.RollupFold;
import io.sightline.rollup.RollupSql;
import io.vertx.core.json.JsonArray;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** SQL of the event writer: one multi-row insert of events and one upsert of sessions per batch, with {@code unnest}. */
final class EventSql {
  static final List<Column<EventRecord>> EVENT_COLUMNS = List.of(
      Column.of("site_id", "int4[]", Integer.class, EventRecord::siteId),
      Column.of("ts", "timestamptz[]", OffsetDateTime.class, e -> odt(e.ts())),
      Column.of("event_id", "int8[]", Long.class, EventRecord::eventId),
      Column.of("session_id", "int8[]", Long.class, EventRecord::sessionId),
      Column.of("visitor_id", "int8[]", Long.class, EventRecord::visitorId),
      Column.of("user_id", "text[]", String.class, EventRecord::userId),
      Column.of("salt_day", "date[]", LocalDate.class, EventRecord::saltDay),
      Column.of("page_visit_id", "int8[]", Long.class, EventRecord::pageVisitId),
      Column.of("type", "text[]", String.class, EventRecord::type),
      Column.of("name", "text[]", String.class, EventRecord::name),
      Column.of("hostname", "text[]", String.class, EventRecord::hostname),
      Column.of("pathname", "text[]", String.class, EventRecord::pathname),
      Column.of("query", "text[]", String.class, EventRecord::query),
      Column.of("referrer", "text[]", String.class, EventRecord::referrer),
      Column.of("referrer_host", "text[]", String.class, EventRecord::referrerHost),
      Column.of("source", "text[]", String.class, EventRecord::source),
      Column.of("channel", "text[]", String.class, EventRecord::channel),
      Column.of("click_id_param", "text[]", String.class, EventRecord::clickIdParam),
      Column.of("utm_source", "text[]", String.class, EventRecord::utmSource),
      Column.of("utm_medium", "text[]", String.class, EventRecord::utmMedium),
      Column.of("utm_campaign", "text[]", String.class, EventRecord::utmCampaign),
      Column.of("utm_content", "text[]", String.class, EventRecord::utmContent),
      Column.of("utm_term", "text[]", String.class, EventRecord::utmTerm),
      Column.of("country", "text[]", String.class, EventRecord::country),
      Column.of("region", "text[]", String.class, EventRecord::region),
      Column.of("city", "text[]", String.class, EventRecord::city),
      Column.of("device", "text[]", String.class, EventRecord::device),
      Column.of("browser", "text[]", String.class, EventRecord::browser),
      Column.of("browser_version", "text[]", String.class, EventRecord::browserVersion),
      Column.of("os", "text[]", String.class, EventRecord::os),
      Column.of("os_version", "text[]", String.class, EventRecord::osVersion),
      Column.of("screen_width", "int4[]", Integer.class, EventRecord::screenWidth),
      Column.of("target_label", "text[]", String.class, EventRecord::targetLabel),
      Column.of("target_secondary", "text[]", String.class, EventRecord::targetSecondary),
      Column.cast("props", "?::jsonb", EventRecord::propsJson),
      Column.cast("tags", "case when ? is null then null else array(select jsonb_array_elements_text(?::jsonb)) end",
          e -> e.tags() == null ? null : new JsonArray(Arrays.asList(e.tags())).encode()),
      Column.cast("revenue_amount", "?::numeric", e -> decimal(e.revenueAmount())),
      Column.of("revenue_currency", "text[]", String.class, EventRecord::revenueCurrency),
      Column.cast("scroll_depth", "?::smallint", e -> e.scrollDepth() == null ? null : e.scrollDepth().toString()),
      Column.of("engagement_ms", "int4[]", Integer.class, EventRecord::engagementMs),
      Column.of("interactive", "bool[]", Boolean.class, EventRecord::interactive),
      Column.of("key_id", "int4[]", Integer.class, EventRecord::keyId),
      Column.of("stable_visitor", "bool[]", Boolean.class, EventRecord::stableVisitor),
      // last: the writer puts the accumulator's flags here when it keeps rollups (0 = none known, rollup_coverage.drill_since)
      Column.of("first_mask", "int4[]", Integer.class, e -> 0));
  /** Index of {@code first_mask} among the event columns (and so among a batch's arguments). */
  static final int FIRST_MASK = EVENT_COLUMNS.size() - 1;

  static final List<Column<SessionRow>> SESSION_COLUMNS = List.of(
      Column.of("site_id", "int4[]", Integer.class, SessionRow::siteId),
      Column.of("session_id", "int8[]", Long.class, SessionRow::sessionId),
      Column.of("started_at", "timestamptz[]", OffsetDateTime.class, s -> odt(s.startedAt())),
      Column.of("last_seen_at", "timestamptz[]", OffsetDateTime.class, s -> odt(s.lastSeenAt())),
      Column.of("visitor_id", "int8[]", Long.class, SessionRow::visitorId),
      Column.of("user_id", "text[]", String.class, SessionRow::userId),
      Column.of("salt_day", "date[]", LocalDate.class, SessionRow::saltDay),
      Column.of("entry_page", "text[]", String.class, SessionRow::entryPage),
      Column.of("exit_page", "text[]", String.class, SessionRow::exitPage),
      Column.of("hostname", "text[]", String.class, SessionRow::hostname),
      Column.of("referrer", "text[]", String.class, SessionRow::referrer),
      Column.of("referrer_host", "text[]", String.class, SessionRow::referrerHost),
      Column.of("source", "text[]", String.class, SessionRow::source),
      Column.of("channel", "text[]", String.class, SessionRow::channel),
      Column.of("click_id_param", "text[]", String.class, SessionRow::clickIdParam),
      Column.of("utm_source", "text[]", String.class, SessionRow::utmSource),
      Column.of("utm_medium", "text[]", String.class, SessionRow::utmMedium),
      Column.of("utm_campaign", "text[]", String.class, SessionRow::utmCampaign),
      Column.of("utm_content", "text[]", String.class, SessionRow::utmContent),
      Column.of("utm_term", "text[]", String.class, SessionRow::utmTerm),
      Column.of("country", "text[]", String.class, SessionRow::country),
      Column.of("region", "text[]", String.class, SessionRow::region),
      Column.of("city", "text[]", String.class, SessionRow::city),
      Column.of("device", "text[]", String.class, SessionRow::device),
      Column.of("browser", "text[]", String.class, SessionRow::browser),
      Column.of("browser_version", "text[]", String.class, SessionRow::browserVersion),
      Column.of("os", "text[]", String.class, SessionRow::os),
      Column.of("os_version", "text[]", String.class, SessionRow::osVersion),
      Column.of("screen_width", "int4[]", Integer.class, SessionRow::screenWidth),
      Column.of("pageviews", "int4[]", Integer.class, SessionRow::pageviews),
      Column.of("events", "int4[]", Integer.class, SessionRow::events),
      Column.of("interactive", "bool[]", Boolean.class, SessionRow::interactive),
      Column.of("clicks", "int4[]", Integer.class, SessionRow::clicks),
      Column.of("forms", "int4[]", Integer.class, SessionRow::forms),
      Column.cast("max_scroll", "?::smallint", s -> s.maxScroll() == null ? null : s.maxScroll().toString()),
      Column.of("engagement_ms", "int8[]", Long.class, SessionRow::engagementMs),
      Column.cast("revenue_amount", "?::numeric", s -> decimal(s.revenueAmount())),
      Column.of("revenue_currency", "text[]", String.class, SessionRow::revenueCurrency),
      Column.cast("key_ids", "?::int4[]", s -> "{" + Arrays.stream(s.keyIds()).map(String::valueOf).collect(Collectors.joining(",")) + "}"));

  /**
   * One statement, so one round trip and one implicit transaction: the events are inserted (a
   * data-modifying CTE) and their sessions upserted together, or neither. A session row is
   * replaced only by a state at least as far along: counters only grow, so (events, pageviews,
   * engagement, last seen) orders the snapshots even when two event loops hand theirs over in the
   * other order.
   */
  private static final String SESSION_UPSERT = Column.insertSql("sessions", SESSION_COLUMNS, EVENT_COLUMNS.size() + 1)
      + " on conflict (site_id, session_id, started_at) do update set "
      + SESSION_COLUMNS.stream().map(Column::name)
          .filter(n -> !List.of("site_id", "session_id", "started_at").contains(n))
          .map(n -> n + " = excluded." + n).collect(Collectors.joining(", "))
      + " where (excluded.events, excluded.pageviews, excluded.engagement_ms, excluded.last_seen_at)"
      + " >= (sessions.events, sessions.pageviews, sessions.engagement_ms, sessions.last_seen_at)";

  /** The client event ids of a batch's events ({@link EventKey}); a second copy of an id fails the statement (23505, {@link #KEYS_UNIQUE}). */
  static final List<Column<EventKey>> KEY_COLUMNS = List.of(
      Column.of("site_id", "int4[]", Integer.class, EventKey::siteId),
      Column.of("key", "int8[]", Long.class, EventKey::key),
      Column.of("received_at", "timestamptz[]", OffsetDateTime.class, k -> odt(k.receivedAt())),
      Column.of("session_id", "int8[]", Long.class, k -> k.answer().sessionId()),
      Column.of("page_visit_id", "int8[]", Long.class, k -> k.answer().pageVisitId() == 0 ? null : k.answer().pageVisitId()));
  /** The constraint a client event id stored before violates. */
  static final String KEYS_UNIQUE = "event_keys_pkey";

  /** Users linked to visitors ({@link IdentityLink}): a row moves only to a later link. */
  static final List<Column<IdentityLink>> LINK_COLUMNS = List.of(
      Column.of("site_id", "int4[]", Integer.class, IdentityLink::siteId),
      Column.of("user_key", "int8[]", Long.class, IdentityLink::userKey),
      Column.of("visitor_id", "int8[]", Long.class, IdentityLink::visitorId),
      Column.of("linked_at", "timestamptz[]", OffsetDateTime.class, l -> odt(l.linkedAt())));

  private static String upsertLinks(int firstParam) {
    return Column.insertSql("identity_links", LINK_COLUMNS, firstParam) + " on conflict (site_id, user_key) do update set "
        + "visitor_id = excluded.visitor_id, linked_at = excluded.linked_at where excluded.linked_at >= identity_links.linked_at";
  }

  /** The ids stored for some (site, key) pairs: $1 sites, $2 keys. */
  static final String STORED_KEYS = "select site_id, key, session_id, page_visit_id from event_keys "
      + "where (site_id, key) in (select * from unnest($1::int4[], $2::int8[]))";

  /** Parts a batch statement carries only when the batch has rows for them (bits of the variants' index). */
  static final int WITH_NEW_SITES = 1;
  static final int WITH_SKETCHES = 2;
  static final int WITH_KEYS = 4;
  static final int WITH_LINKS = 8;
  static final int WITH_GAPS = 16;
  /** Cluster mode: the statement fails unless its partition's epoch is the writer's ({@link #fence}). */
  static final int WITH_FENCE = 32;
  private static final int VARIANTS = 64;

  /** The SQLSTATE of a batch fenced off: its partition moved to another member since this writer took it (V26). */
  static final String FENCED = "SL409";

  /**
   * The fence of a batch statement (docs/cluster.md, "Fencing"): a data-modifying CTE, so PostgreSQL runs it whatever the rest
   * reads, that inserts nothing and fails the statement unless $partition's epoch is $epoch ({@code partition_fence}, V26).
   */
  private static String fence(int partitionParam, int epochParam) {
    return "fenced as (insert into partition_epochs (part, epoch) select $" + partitionParam + "::int2, $" + epochParam
        + "::int8 where partition_fence($" + partitionParam + "::int2, $" + epochParam + "::int8)), ";
  }

  /**
   * The events inserted and their sessions upserted, with {@link #WITH_KEYS} their client event ids inserted and with
   * {@link #WITH_LINKS} the identity links upserted: one statement. Indexed by parts (only those two and {@link #WITH_FENCE} apply);
   * parameters after the events' and sessions' arrays: the keys' arrays, then the links', then with the fence the partition and
   * its epoch.
   */
  static final String[] WRITE_BATCH = new String[VARIANTS];

  /**
   * The same batch with its rollup delta stored for the next fold ({@link RollupFold}), and, when the batch
   * carries any, the coverage of sites new to the rollups, the stable visitors' sketches, the client event ids and the identity
   * links: still one
   * statement and so one transaction. The delta of committed events is therefore always either pending
   * or folded, whatever crashes. Returns the pending row's id.
   *
   * <p>One variant per combination of those parts (index: 1 new sites, 2 sketches, 4 client event ids, 8 identity links, 16 gaps
   * of the bounded dedupe state), each
   * prepared once.
   * Most batches carry neither and take the lean variant: PostgreSQL re-plans these statements for each
   * batch's parameters, so every CTE a batch does not need is planning time saved.
   */
  static final String[] WRITE_BATCH_WITH_ROLLUPS = new String[VARIANTS];

  static {
    for (int parts = 0; parts < VARIANTS; parts++) {
      WRITE_BATCH[parts] = writePlain(parts);
      WRITE_BATCH_WITH_ROLLUPS[parts] = writeWithRollups(parts);
    }
  }

  private static String writePlain(int parts) {
    int p = EVENT_COLUMNS.size() + SESSION_COLUMNS.size() + 1;
    StringBuilder sql = new StringBuilder("with inserted_events as (").append(Column.insertSql("events", EVENT_COLUMNS)).append("), ");
    if ((parts & WITH_KEYS) != 0) {
      sql.append("keyed as (").append(Column.insertSql("event_keys", KEY_COLUMNS, p)).append("), ");
      p += KEY_COLUMNS.size();
    }
    if ((parts & WITH_LINKS) != 0) {
      sql.append("linked as (").append(upsertLinks(p)).append("), ");
      p += LINK_COLUMNS.size();
    }
    if ((parts & WITH_FENCE) != 0) {
      sql.append(fence(p, p + 1));
    }
    sql.setLength(sql.length() - 2); // the last ", "
    return sql.append(' ').append(SESSION_UPSERT).toString();
  }

  /**
   * Parameters after the events' and sessions' arrays: those of the parts present, in this order, then the writer partition, with
   * {@link #WITH_FENCE} the epoch, then the delta.
   */
  private static String writeWithRollups(int parts) {
    int p = EVENT_COLUMNS.size() + SESSION_COLUMNS.size() + 1;
    StringBuilder sql = new StringBuilder("with inserted_events as (").append(Column.insertSql("events", EVENT_COLUMNS))
        .append("), upserted_sessions as (").append(SESSION_UPSERT).append("), ");
    if ((parts & WITH_NEW_SITES) != 0) {
      sql.append("covered as (insert into rollup_coverage (site_id, since, drill_since, cross_since) select unnest($").append(p)
          .append("::int4[]), '-infinity', '-infinity', '-infinity' on conflict (site_id) do nothing), ");
      p += 1;
    }
    if ((parts & WITH_SKETCHES) != 0) {
      sql.append("sketched as (").append(RollupSql.upsertSketches(p)).append("), ");
      p += RollupSql.SKETCH_PARAMS;
    }
    if ((parts & WITH_KEYS) != 0) {
      sql.append("keyed as (").append(Column.insertSql("event_keys", KEY_COLUMNS, p)).append("), ");
      p += KEY_COLUMNS.size();
    }
    if ((parts & WITH_LINKS) != 0) {
      sql.append("linked as (").append(upsertLinks(p)).append("), ");
      p += LINK_COLUMNS.size();
    }
    if ((parts & WITH_GAPS) != 0) {
      sql.append("gapped as (insert into rollup_gaps (site_id, salt_day) select * from unnest($").append(p).append("::int4[], $")
          .append(p + 1).append("::date[]) on conflict do nothing), ");
      p += 2;
    }
    int partition = p++;
    if ((parts & WITH_FENCE) != 0) {
      sql.append(fence(partition, p++));
    }
    sql.setLength(sql.length() - 2); // the last ", "
    return sql.append(' ').append(RollupFold.insertPending(partition, p)).toString();
  }


  private EventSql() {
  }

  /** Without {@code Instant.atOffset}, which builds the offset's zone rules on every call (a hot path: per row and column). */
  private static OffsetDateTime odt(Instant t) {
    return OffsetDateTime.of(java.time.LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), ZoneOffset.UTC), ZoneOffset.UTC);
  }

  private static String decimal(BigDecimal d) {
    return d == null ? null : d.toPlainString();
  }
}
