package io.sightline.ingest.user;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.sightline.ingest.pipeline.EventDraft;
import io.sightline.ingest.session.VisitorIds;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Identified users: after a batch of events is committed, every sender {@code user_id} in it
 * upserts its profile in {@code users} (e-mail and traits, first and last seen, and the visitor ids
 * seen with it). A {@code visitor_id} sent together with a {@code user_id} links that visitor's
 * earlier anonymous events (stored under the stable id of the {@code visitor_id}) to the profile.
 * Sender visitor ids sent without a user id are registered in {@code stable_visitors}, so that
 * attribution can tell them from daily-rotating anonymous ids. Asynchronous statements after the
 * commit, never blocking an event loop.
 */
public final class UserProfiles {
  private final Pool pool;
  /** Sender visitor ids already registered as stable (so most batches need no statement for them). */
  private final Cache<String, Boolean> knownStable = Caffeine.newBuilder().maximumSize(100_000).build();

  public UserProfiles(Pool pool) {
    this.pool = pool;
  }

  private static final class Pending {
    final int site;
    final String userId;
    String email;
    final Map<String, String> traits = new LinkedHashMap<>();
    Instant first;
    Instant last;
    final Set<Long> visitorIds = new LinkedHashSet<>();
    final Set<String> anonymousIds = new LinkedHashSet<>();

    Pending(int site, String userId) {
      this.site = site;
      this.userId = userId;
    }
  }

  /**
   * Upserts the profiles of the users in these (committed) events, and registers the sender-supplied
   * visitor ids not seen before; completes at once when there is nothing to record.
   */
  public Future<Void> record(List<EventDraft> drafts) {
    return Future.all(users(drafts), stableVisitors(drafts)).mapEmpty();
  }

  private Future<Void> stableVisitors(List<EventDraft> drafts) {
    Map<String, EventDraft> fresh = new LinkedHashMap<>();
    for (EventDraft d : drafts) {
      if (d.in.userId() == null && d.in.visitorId() != null) {
        String key = d.site.id() + ":" + d.visitorId;
        if (knownStable.getIfPresent(key) == null) {
          fresh.putIfAbsent(key, d);
        }
      }
    }
    if (fresh.isEmpty()) {
      return Future.succeededFuture();
    }
    List<EventDraft> list = List.copyOf(fresh.values());
    return pool.preparedQuery(UserSql.STABLE_VISITORS).execute(Tuple.of(
            list.stream().map(d -> d.site.id()).toArray(Integer[]::new), list.stream().map(d -> d.visitorId).toArray(Long[]::new),
            list.stream().map(d -> d.in.visitorId()).toArray(String[]::new),
            list.stream().map(d -> OffsetDateTime.ofInstant(d.ts, ZoneOffset.UTC)).toArray(OffsetDateTime[]::new)))
        .onSuccess(rows -> fresh.keySet().forEach(k -> knownStable.put(k, Boolean.TRUE)))
        .mapEmpty();
  }

  private Future<Void> users(List<EventDraft> drafts) {
    Map<String, Pending> users = new LinkedHashMap<>();
    for (EventDraft d : drafts) {
      String userId = d.in.userId();
      if (userId == null) {
        continue;
      }
      Pending p = users.computeIfAbsent(d.site.id() + "\u0000" + userId, k -> new Pending(d.site.id(), userId));
      if (d.in.email() != null) {
        p.email = d.in.email();
      }
      if (d.in.traits() != null) {
        p.traits.putAll(d.in.traits());
      }
      p.first = p.first == null || d.ts.isBefore(p.first) ? d.ts : p.first;
      p.last = p.last == null || d.ts.isAfter(p.last) ? d.ts : p.last;
      p.visitorIds.add(d.visitorId);
      if (d.in.visitorId() != null) {
        p.visitorIds.add(VisitorIds.stable(d.site.id(), "v:" + d.in.visitorId()));
        p.anonymousIds.add(d.in.visitorId());
      }
    }
    if (users.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>();
    for (Pending p : users.values()) {
      batch.add(Tuple.from(List.of(p.site, p.userId)).addString(p.email)
          .addString(p.traits.isEmpty() ? null : new JsonObject(new LinkedHashMap<>(p.traits)).encode())
          .addOffsetDateTime(OffsetDateTime.ofInstant(p.first, ZoneOffset.UTC))
          .addOffsetDateTime(OffsetDateTime.ofInstant(p.last, ZoneOffset.UTC))
          .addArrayOfLong(p.visitorIds.toArray(Long[]::new)).addArrayOfString(p.anonymousIds.toArray(String[]::new)));
    }
    return pool.preparedQuery(UserSql.UPSERT).executeBatch(batch).mapEmpty();
  }
}
