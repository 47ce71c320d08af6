package io.sightline.ingest.quota;

import io.sightline.site.Site;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Each site's events this calendar month (in the site's time zone), against
 * {@code ingest.monthlyEventQuota} (0 = unlimited). Counted in memory, one atomic counter per site
 * and month, so the ingestion pipeline never waits for the database: a site's counter is seeded
 * once from the stored events of the month ({@link #prepare}, which the ingest routes call before
 * running the pipeline, and which completes at once when the counter exists). An event takes a unit
 * when it passes the quota step and gives it back if the writer refuses it. Counts are kept per
 * process: with several nodes, each enforces the quota on its share.
 */
public final class MonthlyQuota {
  static final String COUNT = "select count(*) as n from events where site_id = $1 and ts >= $2 and ts < $3";

  record Key(int siteId, YearMonth month) {
  }

  private static final ConcurrentHashMap<String, ZoneId> ZONES = new ConcurrentHashMap<>();

  private final Pool pool;
  private final long limit;
  private final ConcurrentHashMap<Key, AtomicLong> counts = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Key, Future<Void>> loading = new ConcurrentHashMap<>();

  /**
   * @param pool  where the month's stored events are counted (null: counters start at 0, for pure tests)
   * @param limit events per site and month; 0 = unlimited (events are still counted for usage)
   */
  public MonthlyQuota(Pool pool, long limit) {
    this.pool = pool;
    this.limit = limit;
  }

  public static MonthlyQuota unlimited() {
    return new MonthlyQuota(null, 0);
  }

  /** Events per site and month, or 0 when unlimited. */
  public long limit() {
    return limit;
  }

  /** The site's zone (UTC when its id is invalid); parsed once per id, as each beacon asks for it. */
  public static ZoneId zone(Site site) {
    String id = site.timezone();
    if (id == null) {
      return ZoneOffset.UTC;
    }
    ZoneId known = ZONES.get(id);
    if (known != null) {
      return known;
    }
    ZoneId parsed;
    try {
      parsed = ZoneId.of(id);
    } catch (RuntimeException e) {
      parsed = ZoneOffset.UTC;
    }
    if (ZONES.size() < 1_000) {
      ZONES.put(id, parsed);
    }
    return parsed;
  }

  /** A zone's month and its bounds in epoch seconds, [from, to). */
  private record MonthSpan(YearMonth month, long from, long to) {
  }

  /** The month each zone was last asked about: every beacon asks, and the answer changes once a month. */
  private static final ConcurrentHashMap<ZoneId, MonthSpan> MONTHS = new ConcurrentHashMap<>();

  public static YearMonth month(Site site, Instant at) {
    ZoneId zone = zone(site);
    long second = at.getEpochSecond();
    MonthSpan span = MONTHS.get(zone);
    if (span != null && second >= span.from && second < span.to) {
      return span.month;
    }
    YearMonth month = YearMonth.from(at.atZone(zone));
    if (MONTHS.size() < 1_000) {
      MONTHS.put(zone, new MonthSpan(month, month.atDay(1).atStartOfDay(zone).toEpochSecond(),
          month.plusMonths(1).atDay(1).atStartOfDay(zone).toEpochSecond()));
    }
    return month;
  }

  /** Seeds the site's counter for the month of {@code now} from the database, once. */
  public Future<Void> prepare(Site site, Instant now) {
    Key key = new Key(site.id(), month(site, now));
    if (counts.containsKey(key) || pool == null) {
      return Future.succeededFuture();
    }
    return loading.computeIfAbsent(key, k -> {
      ZoneId zone = zone(site);
      OffsetDateTime from = k.month().atDay(1).atStartOfDay(zone).toOffsetDateTime();
      OffsetDateTime to = k.month().plusMonths(1).atDay(1).atStartOfDay(zone).toOffsetDateTime();
      return pool.preparedQuery(COUNT).execute(Tuple.of(k.siteId(), from, to))
          .<Void>map(rows -> {
            counts.putIfAbsent(k, new AtomicLong(rows.iterator().next().getLong("n")));
            counts.keySet().removeIf(other -> other.siteId() == k.siteId() && other.month().isBefore(k.month()));
            return null;
          })
          .onComplete(done -> loading.remove(k));
    });
  }

  /** Takes one unit for an event received at {@code at}; false when the site is over its quota. */
  public boolean tryAcquire(Site site, YearMonth month) {
    AtomicLong count = counts.computeIfAbsent(new Key(site.id(), month), k -> new AtomicLong());
    if (limit <= 0) {
      count.incrementAndGet();
      return true;
    }
    while (true) {
      long n = count.get();
      if (n >= limit) {
        return false;
      }
      if (count.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Gives back a unit taken for an event that was not stored. */
  public void release(int siteId, YearMonth month) {
    AtomicLong count = counts.get(new Key(siteId, month));
    if (count != null) {
      count.decrementAndGet();
    }
  }

  /** The site's events counted for the month of {@code now} (seeding the counter if needed). */
  public Future<Long> used(Site site, Instant now) {
    return prepare(site, now).map(v -> {
      AtomicLong n = counts.get(new Key(site.id(), month(site, now)));
      return n == null ? 0L : n.get();
    });
  }
}
