package io.sightline.site;

import io.sightline.auth.ApiKeyInfo;
import io.sightline.auth.ApiKeyRecord;
import io.sightline.auth.ApiKeyService;
import io.sightline.auth.ApiKeyToken;
import io.sightline.auth.CreatedKey;
import io.sightline.auth.Scope;
import io.sightline.db.MigrationRunner;
import io.sightline.http.ApiException;
import io.sightline.support.PgTestBase;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("integration")
class SiteAndKeyServiceTest extends PgTestBase {
  private SiteService sites;
  private ApiKeyService keys;

  @BeforeEach
  void setUp() {
    await(new MigrationRunner(pool, MigrationRunner.bundled()).migrate());
    sites = new SiteService(pool);
    keys = new ApiKeyService(pool);
  }

  @Test
  void addsASiteWithANormalisedDomainAndValidatedTimezone() {
    Site site = await(sites.add("  Shop.Example.COM. ", null, "Europe/Berlin"));
    assertEquals("shop.example.com", site.domain());
    assertEquals("shop.example.com", site.name());
    assertEquals("Europe/Berlin", site.timezone());
    assertEquals(site, await(sites.resolve("shop.example.com")).orElseThrow());
    assertEquals(site, await(sites.resolve(Integer.toString(site.id()))).orElseThrow());
  }

  @Test
  void refusesBadDomainsTimezonesAndDuplicates() {
    for (String bad : List.of("", "https://x.com", "x.com/path", "a b.com", "x.com:8080", "<script>.com", "'; drop table sites; --")) {
      ApiException e = assertThrows(ApiException.class, () -> await(sites.add(bad, null, "UTC")), bad);
      assertEquals(400, e.status(), bad);
    }
    assertEquals(400, assertThrows(ApiException.class, () -> await(sites.add("ok.example", null, "Nowhere/City"))).status());
    await(sites.add("dup.example", null, "UTC"));
    assertEquals(409, assertThrows(ApiException.class, () -> await(sites.add("DUP.example", null, "UTC"))).status());
  }

  @Test
  void storesOnlyTheHashOfACreatedKey() {
    Site site = await(sites.add("keys.example", null, "UTC"));
    CreatedKey created = await(keys.create(site.id(), "server", EnumSet.of(Scope.INGEST, Scope.READ), 250));
    ApiKeyToken token = ApiKeyToken.parse(created.key()).orElseThrow();
    assertEquals(token.displayPrefix(), created.info().prefix());

    Row row = sql("select * from api_keys where id = " + created.info().id()).iterator().next();
    assertArrayEquals(token.hash(), row.getBuffer("secret_hash").getBytes());
    for (int i = 0; i < row.size(); i++) {
      Object value = row.getValue(i);
      assertFalse(value != null && value.toString().contains(created.key()), "column " + row.getColumnName(i) + " holds the key");
    }

    ApiKeyRecord record = await(keys.lookup(token.keyId())).orElseThrow();
    assertEquals(site.id(), record.siteId());
    assertEquals(EnumSet.of(Scope.INGEST, Scope.READ), record.scopes());
    assertEquals(250, record.rateLimitPerMinute());
    assertFalse(record.revoked());
  }

  @Test
  void listsAndRevokesKeysByPrefix() {
    Site site = await(sites.add("list.example", null, "UTC"));
    CreatedKey a = await(keys.create(site.id(), "a", EnumSet.of(Scope.READ), null));
    CreatedKey b = await(keys.create(site.id(), "b", EnumSet.of(Scope.ADMIN), null));
    List<ApiKeyInfo> listed = await(keys.list(site.id(), false));
    assertEquals(List.of(a.info().prefix(), b.info().prefix()), listed.stream().map(ApiKeyInfo::prefix).toList());

    ApiKeyInfo revoked = await(keys.revoke(site.id(), a.info().prefix())).orElseThrow();
    assertNotNull(revoked.revokedAt());
    assertTrue(await(keys.revoke(site.id(), a.info().prefix())).isEmpty(), "already revoked");
    assertEquals(List.of(b.info().prefix()), await(keys.list(site.id(), false)).stream().map(ApiKeyInfo::prefix).toList());
    assertEquals(2, await(keys.list(site.id(), true)).size());
    assertTrue(await(keys.lookup(ApiKeyToken.parse(a.key()).orElseThrow().keyId())).orElseThrow().revoked());
  }

  @Test
  void aKeyOfOneSiteCannotBeRevokedThroughAnother() {
    Site one = await(sites.add("one.example", null, "UTC"));
    Site two = await(sites.add("two.example", null, "UTC"));
    CreatedKey key = await(keys.create(one.id(), "k", EnumSet.of(Scope.READ), null));
    assertTrue(await(keys.revoke(two.id(), key.info().prefix())).isEmpty());
    assertFalse(await(keys.lookup(ApiKeyToken.parse(key.key()).orElseThrow().keyId())).orElseThrow().revoked());
  }

  @Test
  void refusesKeysWithoutNameOrScopesOrForAMissingSite() {
    Site site = await(sites.add("bad-keys.example", null, "UTC"));
    assertEquals(400, assertThrows(ApiException.class, () -> await(keys.create(site.id(), " ", EnumSet.of(Scope.READ), null))).status());
    assertEquals(400, assertThrows(ApiException.class, () -> await(keys.create(site.id(), "x", EnumSet.noneOf(Scope.class), null))).status());
    assertEquals(400, assertThrows(ApiException.class, () -> await(keys.create(site.id(), "x", EnumSet.of(Scope.READ), 0))).status());
    assertEquals(404, assertThrows(ApiException.class, () -> await(keys.create(999_999, "x", EnumSet.of(Scope.READ), null))).status());
  }

  @Test
  void removingASiteRemovesItsKeysAndEvents() {
    Site site = await(sites.add("gone.example", null, "UTC"));
    Site other = await(sites.add("stays.example", null, "UTC"));
    await(keys.create(site.id(), "k", EnumSet.of(Scope.READ), null));
    await(keys.create(other.id(), "k", EnumSet.of(Scope.READ), null));
    sql("select sightline_ensure_partitions(current_date, current_date)");
    for (Site s : List.of(site, other)) {
      sql("insert into events (site_id, ts, event_id, session_id, visitor_id, salt_day, type, name, hostname, pathname) values ("
          + s.id() + ", now(), 1, 1, 1, current_date, 'pageview', 'pageview', 'h', '/')");
    }
    assertTrue(await(sites.remove(site.id())));
    assertFalse(await(sites.remove(site.id())));
    assertEquals(0L, sql("select count(*) as n from api_keys where site_id = " + site.id()).iterator().next().getLong("n"));
    assertEquals(0L, sql("select count(*) as n from events where site_id = " + site.id()).iterator().next().getLong("n"));
    assertEquals(1L, sql("select count(*) as n from events where site_id = " + other.id()).iterator().next().getLong("n"));
    assertEquals(1L, sql("select count(*) as n from api_keys where site_id = " + other.id()).iterator().next().getLong("n"));
  }
}
