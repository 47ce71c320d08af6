package io.sightline.mail;

import io.sightline.http.ApiException;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Creates, lists and removes report subscriptions. */
public final class MailSubscriptions {
  /** One address: no spaces or control characters, one {@code @}, a dot in the domain; at most 254 characters. */
  private static final Pattern ADDRESS = Pattern.compile("[^@\\s\\p{Cntrl}<>,;\"]+@[^@\\s\\p{Cntrl}<>,;\"]+\\.[^@\\s\\p{Cntrl}<>,;\"]+");

  private final Pool pool;

  public MailSubscriptions(Pool pool) {
    this.pool = pool;
  }

  /** 400 for a bad address or frequency, 409 if the recipient has this frequency for the site already. */
  public Future<Subscription> create(int siteId, String recipient, String frequency) {
    ReportFrequency f;
    String to;
    try {
      f = ReportFrequency.parse(frequency);
      to = recipient == null ? "" : recipient.trim();
      if (to.length() > 254 || !ADDRESS.matcher(to).matches()) {
        throw ApiException.badRequest("recipient must be one e-mail address");
      }
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    return pool.preparedQuery(MailSql.INSERT).execute(Tuple.of(siteId, to, f.id())).map(rows -> toSubscription(rows.iterator().next()))
        .recover(err -> Future.failedFuture(err instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? ApiException.conflict(to + " already gets the " + f.id() + " report of this site") : err));
  }

  public Future<List<Subscription>> list(int siteId) {
    return pool.preparedQuery(MailSql.LIST).execute(Tuple.of(siteId)).map(MailSubscriptions::all);
  }

  /** Every subscription of every site, by id. */
  public Future<List<Subscription>> all() {
    return pool.preparedQuery(MailSql.ALL).execute(Tuple.tuple()).map(MailSubscriptions::all);
  }

  public Future<Optional<Subscription>> find(int id) {
    return pool.preparedQuery(MailSql.FIND).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toSubscription(rows.iterator().next())));
  }

  public Future<Boolean> delete(int siteId, int id) {
    return pool.preparedQuery(MailSql.DELETE).execute(Tuple.of(siteId, id)).map(rows -> rows.rowCount() > 0);
  }

  /** Removes a subscription by its id alone (an unsubscribe link). */
  public Future<Boolean> delete(int id) {
    return pool.preparedQuery(MailSql.DELETE_BY_ID).execute(Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  private static List<Subscription> all(RowSet<Row> rows) {
    List<Subscription> out = new ArrayList<>();
    rows.forEach(r -> out.add(toSubscription(r)));
    return out;
  }

  private static Subscription toSubscription(Row r) {
    return new Subscription(r.getInteger("id"), r.getInteger("site_id"), r.getString("domain"), r.getString("timezone"),
        r.getString("recipient"), ReportFrequency.parse(r.getString("frequency")), r.getOffsetDateTime("created_at"));
  }
}
