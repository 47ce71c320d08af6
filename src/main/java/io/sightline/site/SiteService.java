package io.sightline.site;

import io.sightline.http.ApiException;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Adds, finds and removes sites. */
public final class SiteService {
  private final Pool pool;

  public SiteService(Pool pool) {
    this.pool = pool;
  }

  /** Adds a site; a bad domain, name or timezone fails with 400, an existing domain with 409. */
  public Future<Site> add(String domain, String name, String timezone) {
    String d;
    String tz;
    String n;
    try {
      d = SiteValidation.domain(domain);
      tz = SiteValidation.timezone(timezone);
      n = SiteValidation.name(name, d);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    return pool.preparedQuery(SiteSql.INSERT).execute(Tuple.of(d, n, tz))
        .map(rows -> toSite(rows.iterator().next()))
        .recover(err -> Future.failedFuture(err instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? ApiException.conflict("a site with domain " + d + " already exists") : err));
  }

  public Future<List<Site>> list() {
    return pool.query(SiteSql.LIST).execute().map(SiteService::toSites);
  }

  public Future<Optional<Site>> find(int id) {
    return pool.preparedQuery(SiteSql.BY_ID).execute(Tuple.of(id)).map(rows -> toSites(rows).stream().findFirst());
  }

  public Future<Optional<Site>> findByDomain(String domain) {
    return pool.preparedQuery(SiteSql.BY_DOMAIN).execute(Tuple.of(domain)).map(rows -> toSites(rows).stream().findFirst());
  }

  /** Finds a site by numeric id or by domain. */
  public Future<Optional<Site>> resolve(String idOrDomain) {
    if (idOrDomain != null && idOrDomain.matches("\\d{1,9}")) {
      return find(Integer.parseInt(idOrDomain));
    }
    String domain;
    try {
      domain = SiteValidation.domain(idOrDomain);
    } catch (ApiException e) {
      return Future.succeededFuture(Optional.empty());
    }
    return findByDomain(domain);
  }

  public Future<Long> count() {
    return pool.query(SiteSql.COUNT).execute().map(rows -> rows.iterator().next().getLong("n"));
  }

  /** Removes a site with its keys, events and sessions, in one transaction; false if there was no such site. */
  public Future<Boolean> remove(int id) {
    Tuple args = Tuple.of(id);
    return pool.withTransaction(conn -> conn.preparedQuery(SiteSql.DELETE_EVENTS).execute(args)
        .compose(v -> conn.preparedQuery(SiteSql.DELETE_SESSIONS).execute(args))
        .compose(v -> conn.preparedQuery(SiteSql.DELETE).execute(args))
        .map(rows -> rows.rowCount() > 0));
  }

  private static List<Site> toSites(RowSet<Row> rows) {
    List<Site> sites = new ArrayList<>();
    rows.forEach(row -> sites.add(toSite(row)));
    return sites;
  }

  private static Site toSite(Row row) {
    String[] extra = row.getArrayOfStrings("extra_hostnames");
    return new Site(row.getInteger("id"), row.getString("domain"), row.getString("name"), row.getString("timezone"),
        extra == null ? List.of() : Arrays.asList(extra), row.getOffsetDateTime("created_at"));
  }
}
