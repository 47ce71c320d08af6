package io.sightline.ingest.session;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Identity stitching (docs/ingestion.md, "Identified users"), on the model of Segment's alias and PostHog's identify: an event
 * with both a sender {@code visitor_id} and a {@code user_id} counts under the visitor's id, as the visitor's earlier events do,
 * and links the user to that visitor; an event with only the {@code user_id} then counts under the visitor the user was last
 * linked to (by event time). So the visitor's session goes on across the moment of identification, its anonymous history and
 * its identified events are one visitor, and a server-side event of the user joins them. Nothing stored is rewritten: events a
 * user sent before its first link keep the user's own id.
 *
 * <p>Shared by every event loop (a concurrent map keyed by the user's own stable id, which includes the site). Only events with a
 * {@code user_id} look it up. Links are stored in {@code identity_links} by the writer, in the batch statement of the first
 * event that relies on them, so a stored event's link is stored too; all of them are loaded at start.
 */
public final class IdentityLinks {
  /** A user's link to a visitor. {@code stored}: known to be in {@code identity_links}; until then it travels with the events using it. */
  public static final class Link {
    private final int siteId;
    private final long userKey;
    private final long visitorId;
    private final Instant linkedAt;
    private volatile boolean stored;
    private final IdentityLinks links;

    Link(IdentityLinks links, int siteId, long userKey, long visitorId, Instant linkedAt, boolean stored) {
      this.links = links;
      this.siteId = siteId;
      this.userKey = userKey;
      this.visitorId = visitorId;
      this.linkedAt = linkedAt;
      this.stored = stored;
    }

    public int siteId() {
      return siteId;
    }

    /** The visitor id the user id alone gives ({@link VisitorIds#stable} of {@code "u:" + user_id}). */
    public long userKey() {
      return userKey;
    }

    public long visitorId() {
      return visitorId;
    }

    public Instant linkedAt() {
      return linkedAt;
    }

    public boolean stored() {
      return stored;
    }

    /** The writer committed an event carrying this link: later events need not carry it. */
    public void markStored() {
      if (!stored) {
        stored = true;
        java.util.function.Consumer<Link> listener = links.storedListener;
        if (listener != null) {
          listener.accept(this);
        }
      }
    }
  }

  private final ConcurrentHashMap<Long, Link> links = new ConcurrentHashMap<>();
  private volatile java.util.function.Consumer<Link> storedListener;

  /** Cluster mode: told each link this process stored, so that the other members learn it ({@link #learn}). */
  public void onStored(java.util.function.Consumer<Link> listener) {
    this.storedListener = listener;
  }

  /** A link another cluster member stored: kept unless a later link of the user is known. */
  public void learn(int siteId, long userKey, long visitorId, Instant linkedAt) {
    links.merge(userKey, new Link(this, siteId, userKey, visitorId, linkedAt, true), (old, learnt) -> old.linkedAt.isAfter(learnt.linkedAt) ? old : learnt);
  }

  /** The user's current link, or null if it was never sent with a visitor id. */
  public Link linked(long userKey) {
    return links.get(userKey);
  }

  /**
   * An event at {@code at} carries both ids: links the user to the visitor, unless a later event linked it to another one.
   *
   * @return the link the event must be stored with (new, moved, or not stored yet), or null
   */
  public Link link(int siteId, long userKey, long visitorId, Instant at) {
    Link current = links.get(userKey);
    if (current != null && current.visitorId == visitorId) {
      return current.stored ? null : current; // the usual case: the same link again, no write to the map
    }
    Link[] relied = new Link[1];
    links.compute(userKey, (k, old) -> {
      if (old == null || old.visitorId != visitorId && !old.linkedAt.isAfter(at)) {
        old = new Link(this, siteId, userKey, visitorId, at, false);
      }
      relied[0] = old.visitorId == visitorId && !old.stored ? old : null;
      return old;
    });
    return relied[0];
  }

  /** Loads every stored link (at start, before traffic); returns how many. */
  public Future<Integer> restore(Pool pool) {
    return pool.query(IdentitySql.ALL).execute().map(rows -> {
      for (Row r : rows) {
        long userKey = r.getLong("user_key");
        links.put(userKey, new Link(this, r.getInteger("site_id"), userKey, r.getLong("visitor_id"),
            r.getOffsetDateTime("linked_at").toInstant(), true));
      }
      return rows.size();
    });
  }

  public int size() {
    return links.size();
  }
}
