package io.sightline.rollup;

import io.sightline.event.Dimension;
import io.sightline.event.EventRecord;
import io.sightline.event.SessionRow;

import java.util.function.Function;

/**
 * The dimensions kept per UTC day in {@code rollup_dim}, with their stored ids (never reorder: the
 * ids are in the table). Four kinds:
 * <ul>
 *   <li>{@link Kind#SESSION_ATTRIBUTE}: an attribute every event of a session carries (source,
 *   country, device...): visitors and event counts by event time, session counters by the session's start;</li>
 *   <li>{@link Kind#SESSION_PAGE}: entry and exit page, facts of the whole session: session counters only;</li>
 *   <li>{@link Kind#EVENT}: page and hostname (of pageviews), event name (of any event but engagement
 *   beacons): visitors of the member events, pageviews and events.</li>
 *   <li>{@link Kind#GOAL}: like EVENT, but an event has one value per goal of its site it completes
 *   (none to several), so the writer evaluates the site's goals ({@link GoalRule}) instead of reading a
 *   column; value = {@link GoalRule#key}; events = conversions.</li>
 * </ul>
 */
public enum RollupDim {
  PAGE(1, Kind.EVENT, Dimension.PAGE, EventRecord::pathname, null),
  ENTRY_PAGE(2, Kind.SESSION_PAGE, Dimension.ENTRY_PAGE, null, SessionRow::entryPage),
  EXIT_PAGE(3, Kind.SESSION_PAGE, Dimension.EXIT_PAGE, null, SessionRow::exitPage),
  SOURCE(4, Kind.SESSION_ATTRIBUTE, Dimension.SOURCE, EventRecord::source, SessionRow::source),
  CHANNEL(5, Kind.SESSION_ATTRIBUTE, Dimension.CHANNEL, EventRecord::channel, SessionRow::channel),
  UTM_SOURCE(6, Kind.SESSION_ATTRIBUTE, Dimension.UTM_SOURCE, EventRecord::utmSource, SessionRow::utmSource),
  UTM_MEDIUM(7, Kind.SESSION_ATTRIBUTE, Dimension.UTM_MEDIUM, EventRecord::utmMedium, SessionRow::utmMedium),
  UTM_CAMPAIGN(8, Kind.SESSION_ATTRIBUTE, Dimension.UTM_CAMPAIGN, EventRecord::utmCampaign, SessionRow::utmCampaign),
  UTM_CONTENT(9, Kind.SESSION_ATTRIBUTE, Dimension.UTM_CONTENT, EventRecord::utmContent, SessionRow::utmContent),
  UTM_TERM(10, Kind.SESSION_ATTRIBUTE, Dimension.UTM_TERM, EventRecord::utmTerm, SessionRow::utmTerm),
  COUNTRY(11, Kind.SESSION_ATTRIBUTE, Dimension.COUNTRY, EventRecord::country, SessionRow::country),
  REGION(12, Kind.SESSION_ATTRIBUTE, Dimension.REGION, EventRecord::region, SessionRow::region),
  CITY(13, Kind.SESSION_ATTRIBUTE, Dimension.CITY, EventRecord::city, SessionRow::city),
  DEVICE(14, Kind.SESSION_ATTRIBUTE, Dimension.DEVICE, EventRecord::device, SessionRow::device),
  BROWSER(15, Kind.SESSION_ATTRIBUTE, Dimension.BROWSER, EventRecord::browser, SessionRow::browser),
  OS(16, Kind.SESSION_ATTRIBUTE, Dimension.OS, EventRecord::os, SessionRow::os),
  EVENT_NAME(17, Kind.EVENT, Dimension.EVENT_NAME, EventRecord::name, null),
  HOSTNAME(18, Kind.EVENT, Dimension.HOSTNAME, EventRecord::hostname, null),
  GOAL(19, Kind.GOAL, Dimension.GOAL, null, null);

  public enum Kind { SESSION_ATTRIBUTE, SESSION_PAGE, EVENT, GOAL }

  private static final RollupDim[] BY_DIMENSION = new RollupDim[Dimension.values().length];

  static {
    for (RollupDim d : values()) {
      BY_DIMENSION[d.dimension.ordinal()] = d;
    }
  }

  final short id;
  final Kind kind;
  final Dimension dimension;
  private final Function<EventRecord, String> ofEvent;
  private final Function<SessionRow, String> ofSession;

  RollupDim(int id, Kind kind, Dimension dimension, Function<EventRecord, String> ofEvent, Function<SessionRow, String> ofSession) {
    this.id = (short) id;
    this.kind = kind;
    this.dimension = dimension;
    this.ofEvent = ofEvent;
    this.ofSession = ofSession;
  }

  public short id() {
    return id;
  }

  public Kind kind() {
    return kind;
  }

  public Dimension dimension() {
    return dimension;
  }

  /**
   * The {@code rollup_drill.filter_dim} of the rows of dimension {@code dim} among the events with one value of
   * {@code filter}: the filter's id for pages (the rows the table was made for), else {@code filter id * 32 + dim id}
   * (ids stay below 32), the row's {@code page} column then holding the dimension's value.
   */
  public static short drillCode(RollupDim filter, RollupDim dim) {
    return dim == PAGE ? filter.id : (short) (filter.id * 32 + dim.id);
  }

  /** The rollup dimension of a query dimension, or null when rollups do not keep it. */
  public static RollupDim of(Dimension d) {
    return BY_DIMENSION[d.ordinal()];
  }

  String valueOf(EventRecord e) {
    return ofEvent.apply(e);
  }

  String valueOf(SessionRow s) {
    return ofSession.apply(s);
  }

  /** Whether the event is a member of this dimension's rows (counts toward its visitors). */
  boolean member(EventRecord e) {
    return switch (this) {
      case PAGE, HOSTNAME -> "pageview".equals(e.type());
      case EVENT_NAME -> !"engagement".equals(e.type());
      default -> true;
    };
  }
}
