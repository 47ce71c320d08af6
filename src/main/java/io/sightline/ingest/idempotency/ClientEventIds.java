package io.sightline.ingest.idempotency;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.sightline.ingest.session.VisitorIds;
import io.sightline.store.StoredIds;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The client event ids this node remembers (docs/ingestion.md, "Client event ids"): an id is claimed while its event is processed
 * and written, then remembered with the ids its sender was answered with, so that a copy sent again (a retry) is answered the same
 * and neither processed nor stored again. A copy that arrives while the first is still being written waits for its outcome.
 *
 * <p>Shared by every event loop: a concurrent cache, in which an id is claimed atomically. Claims are never evicted (they end when
 * the writer settles their event); remembered answers are kept for the backfill window, at most {@code ingest.eventIdsInMemory} of
 * them, and the newest are loaded from {@code event_keys} at start. A copy of an id the node no longer remembers (or that reached
 * another node) is still stored once: {@code event_keys}' primary key fails the writer's statement, and the writer answers it with the
 * stored event's ids.
 */
public final class ClientEventIds {
  /** Why a copy waiting for its first was not answered with ids: the first was not stored (dropped, refused or not storable). */
  public static final RuntimeException NOT_STORED = new RuntimeException("the first copy of this event was not stored", null, false, false) {
  };

  /** A claim: the id's event is being processed or written; its outcome completes the copies that wait for it. */
  private static final class Claim {
    final Promise<StoredIds> outcome = Promise.promise();
  }

  /** Values: a {@link Claim}, or the {@link StoredIds} answered. Claims weigh nothing, so only answers count towards the capacity. */
  private final Cache<Long, Object> ids;
  private final Map<Long, Object> map;
  private final int capacity;
  private final Duration window;

  /**
   * @param capacity answers remembered at most (0: none; copies are then recognised only by the database, or while in flight)
   * @param window   how long an id is recognised: the backfill window (and a day)
   */
  public ClientEventIds(int capacity, Duration window) {
    this.capacity = capacity;
    this.window = window;
    this.ids = Caffeine.newBuilder().maximumWeight(capacity).weigher((Long k, Object v) -> v instanceof Claim ? 0 : 1)
        .expireAfterWrite(window).build();
    this.map = ids.asMap();
  }

  /** The digest an id is known by, here and in {@code event_keys}: 63 bits of SHA-256 over the site and the id, never 0. */
  public static long key(int siteId, String clientEventId) {
    long key = VisitorIds.stable(siteId, "e:" + clientEventId);
    return key == 0 ? 1 : key;
  }

  /**
   * Claims an id for an event about to be processed. Null when the id is new: the caller processes and writes the event, then calls
   * {@link #stored} or {@link #released}. Otherwise the answer of the first copy, once known (the future fails with
   * {@link #NOT_STORED} if it was not stored; it may complete on another thread).
   */
  public Future<StoredIds> claim(long key) {
    Claim claim = new Claim();
    Object existing = map.putIfAbsent(key, claim);
    if (existing == null) {
      return null;
    }
    return existing instanceof Claim c ? c.outcome.future() : Future.succeededFuture((StoredIds) existing);
  }

  /** The id's event is stored (or was found stored): copies are answered with {@code answer}. */
  public void stored(long key, StoredIds answer) {
    Object previous = map.put(key, answer);
    if (previous instanceof Claim c) {
      c.outcome.tryComplete(answer);
    }
  }

  /** The id's event was not stored (dropped, refused, or not storable): the id is free again, and waiting copies learn it. */
  public void released(long key) {
    Object[] claim = new Object[1];
    map.computeIfPresent(key, (k, v) -> {
      if (v instanceof Claim) {
        claim[0] = v;
        return null;
      }
      return v;
    });
    if (claim[0] instanceof Claim c) {
      c.outcome.tryFail(NOT_STORED);
    }
  }

  /** Loads the newest ids of the window from {@code event_keys} (at start, before traffic); returns how many. */
  public Future<Integer> restore(Pool pool, Instant now) {
    if (capacity == 0) {
      return Future.succeededFuture(0);
    }
    return pool.preparedQuery(EventIdSql.NEWEST).execute(Tuple.of(now.minus(window).atOffset(ZoneOffset.UTC), capacity)).map(rows -> {
      List<Row> newestFirst = new ArrayList<>(rows.size());
      rows.forEach(newestFirst::add);
      for (int i = newestFirst.size() - 1; i >= 0; i--) { // oldest first, so that the newest are the last written
        Row r = newestFirst.get(i);
        Long visit = r.getLong("page_visit_id");
        map.putIfAbsent(r.getLong("key"), new StoredIds(r.getLong("session_id"), visit == null ? 0 : visit));
      }
      return newestFirst.size();
    });
  }

  /** Deletes the stored ids older than the window; returns how many. */
  public Future<Integer> expire(Pool pool, Instant now) {
    return pool.preparedQuery(EventIdSql.EXPIRE).execute(Tuple.of(now.minus(window).atOffset(ZoneOffset.UTC))).map(rows -> rows.rowCount());
  }

  /** Ids remembered or claimed (approximate). */
  public long size() {
    return ids.estimatedSize();
  }
}
