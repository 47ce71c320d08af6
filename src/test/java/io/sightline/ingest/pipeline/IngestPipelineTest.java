package io.sightline.ingest.pipeline;

import io.sightline.auth.RateLimiter;
import io.sightline.config.ConfigLoader;
import io.sightline.config.IngestConfig;
import io.sightline.event.EventRecord;
import io.sightline.ingest.EventType;
import io.sightline.ingest.IngestModule;
import io.sightline.ingest.RequestFacts;
import io.sightline.ingest.enrich.GeoLocation;
import io.sightline.ingest.enrich.UserAgentInfo;
import io.sightline.ingest.quota.MonthlyQuota;
import io.sightline.ingest.session.IdGenerator;
import io.sightline.ingest.session.IdentityLinks;
import io.sightline.ingest.session.SessionTracker;
import io.sightline.ingest.session.VisitorIds;
import io.sightline.net.IpAddresses;
import io.sightline.site.Site;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IngestPipelineTest {
  static final Instant NOW = Instant.parse("2026-05-20T10:00:00Z");
  static final UserAgentInfo CHROME = new UserAgentInfo("desktop", "Chrome", "131", "Windows", "10", null, null);
  static final UserAgentInfo BOT = new UserAgentInfo("desktop", null, null, null, null, io.sightline.ingest.enrich.BotLayer.CURATED, "pattern bot");
  static final String UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.0.0";
  static final Site SITE = new Site(7, "shop.example", "Shop", "UTC", List.of("shop-cdn.example"), OffsetDateTime.now());
  static final byte[] SALT_TODAY = new byte[32];
  static final byte[] SALT_YESTERDAY = new byte[32];

  static {
    SALT_TODAY[0] = 1;
    SALT_YESTERDAY[0] = 2;
  }

  final Map<LocalDate, byte[]> salts = new HashMap<>(Map.of(LocalDate.parse("2026-05-20"), SALT_TODAY,
      LocalDate.parse("2026-05-19"), SALT_YESTERDAY));
  final SessionTracker sessions = new SessionTracker(new IdGenerator(NOW::toEpochMilli));
  final GeoLocation berlin = new GeoLocation("DE", "DE-BE", "Berlin");
  final IdentityLinks identities = new IdentityLinks();

  IngestPipeline pipeline(String... settings) {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i < settings.length; i += 2) {
      flags.put(settings[i], settings[i + 1]);
    }
    IngestConfig config = new ConfigLoader().load(null, false, Map.of(), flags).ingest();
    return IngestModule.pipeline(config, address -> berlin, salts::get, sessions, new IdGenerator(NOW::toEpochMilli),
        new RateLimiter(NOW::toEpochMilli), MonthlyQuota.unlimited(), identities);
  }

  static RequestFacts facts(String ip, UserAgentInfo ua, boolean dnt, boolean gpc, Integer keyId) {
    return new RequestFacts(IpAddresses.literal(ip), ua == null ? null : UA, ua == null ? CHROME : ua, dnt, gpc, null, NOW, keyId);
  }

  static RequestFacts browser(String ip) {
    return facts(ip, CHROME, false, false, null);
  }

  EventDraft run(IngestPipeline p, EventBuilder event, RequestFacts facts) {
    EventDraft d = new EventDraft(SITE, event.build(), facts);
    p.run(d);
    return d;
  }

  DropReason dropOf(IngestPipeline p, EventBuilder event, RequestFacts facts) {
    return assertThrows(Dropped.class, () -> run(p, event, facts)).reason();
  }

  @Test
  void enrichesAnAcceptedPageviewIntoTheStoredRow() {
    EventDraft d = run(pipeline(), EventBuilder.pageview("https://www.shop.example/pricing?plan=pro&gclid=abc&utm_medium=cpc")
        .referrer("https://www.google.co.uk/search?q=shoes"), browser("203.0.113.10"));
    EventRecord r = d.record;
    assertEquals(7, r.siteId());
    assertEquals(NOW, r.ts());
    assertEquals("pageview", r.type());
    assertEquals("www.shop.example", r.hostname());
    assertEquals("/pricing", r.pathname());
    assertEquals("plan=pro", r.query(), "click id and utm removed");
    assertEquals("gclid", r.clickIdParam());
    assertEquals("https://www.google.co.uk/search", r.referrer(), "no query string kept");
    assertEquals("google.co.uk", r.referrerHost());
    assertEquals("Google", r.source());
    assertEquals("Paid Search", r.channel());
    assertEquals("cpc", r.utmMedium());
    assertEquals("DE", r.country());
    assertEquals("DE-BE", r.region());
    assertEquals("Berlin", r.city());
    assertEquals("desktop", r.device());
    assertEquals("Chrome", r.browser());
    assertEquals("Windows", r.os());
    assertEquals(1280, r.screenWidth());
    assertEquals(LocalDate.parse("2026-05-20"), r.saltDay());
    assertEquals(VisitorIds.anonymous(SALT_TODAY, 7, IpAddresses.literal("203.0.113.10"), UA), r.visitorId());
    assertEquals(r.eventId(), r.pageVisitId(), "a pageview is its own page visit");
    assertEquals("/pricing", d.session.entryPage());
    assertEquals(1, d.session.pageviews());
  }

  @Test
  void dropsVisitorsFromTheOperatorsDataCentreRangesAsBotsWithTheirLayer(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    java.nio.file.Path ranges = java.nio.file.Files.writeString(dir.resolve("dc.txt"), "# cloud\n34.64.0.0/10\n2600:1f00::/24\n");
    IngestPipeline p = pipeline("ingest.datacenterIpsFile", ranges.toString());
    EventBuilder ok = EventBuilder.pageview("https://shop.example/");
    Dropped d = assertThrows(Dropped.class, () -> run(p, ok, browser("34.100.7.1")));
    assertEquals(DropReason.BOT, d.reason());
    assertEquals(io.sightline.ingest.enrich.BotLayer.DATACENTER, d.layer());
    assertEquals(DropReason.BOT, dropOf(p, ok, browser("2600:1f18::9")));
    run(p, ok, browser("203.0.113.1"));
    assertEquals(io.sightline.ingest.enrich.BotLayer.CURATED,
        assertThrows(Dropped.class, () -> run(p, ok, facts("203.0.113.1", BOT, false, false, null))).layer(), "the User-Agent's layer");
    run(pipeline(), ok, browser("34.100.7.1")); // no ranges unless the operator lists them
  }

  @Test
  void dropsEachUnwantedRequestWithItsReason() {
    IngestPipeline p = pipeline("ingest.respectGpc", "true", "ingest.excludedIps", "198.51.100.0/24");
    EventBuilder ok = EventBuilder.pageview("https://shop.example/");
    assertEquals(DropReason.DNT, dropOf(p, ok, facts("203.0.113.1", CHROME, true, false, null)));
    assertEquals(DropReason.GPC, dropOf(p, ok, facts("203.0.113.1", CHROME, false, true, null)));
    assertEquals(DropReason.EXCLUDED_IP, dropOf(p, ok, browser("198.51.100.77")));
    assertEquals(DropReason.NO_USER_AGENT, dropOf(p, ok, facts("203.0.113.1", null, false, false, null)));
    assertEquals(DropReason.BOT, dropOf(p, ok, facts("203.0.113.1", BOT, false, false, null)));
    assertEquals(DropReason.REFERRER_SPAM, dropOf(p, EventBuilder.pageview("https://shop.example/").referrer("https://semalt.com/x"),
        browser("203.0.113.1")));
    assertEquals(DropReason.HOSTNAME_MISMATCH, dropOf(p, EventBuilder.pageview("https://elsewhere.example/"), browser("203.0.113.1")));
    assertEquals(DropReason.HOSTNAME_MISMATCH, dropOf(p, EventBuilder.pageview("https://notshop.example/"), browser("203.0.113.1")),
        "a suffix that is not a subdomain");
    assertEquals(DropReason.INVALID, dropOf(p, EventBuilder.pageview("not a url"), browser("203.0.113.1")));
    assertEquals(DropReason.INVALID, dropOf(p, ok.at(NOW.plus(Duration.ofMinutes(5))), browser("203.0.113.1")));
  }

  @Test
  void GpcIsHonouredOnlyWhenConfigured() {
    EventDraft d = run(pipeline(), EventBuilder.pageview("https://shop.example/"), facts("203.0.113.1", CHROME, false, true, null));
    assertTrue(d.eventId != 0);
  }

  @Test
  void acceptsSubdomainsAndExtraHostnames() {
    IngestPipeline p = pipeline();
    assertEquals("blog.shop.example", run(p, EventBuilder.pageview("https://blog.shop.example/"), browser("203.0.113.2")).record.hostname());
    assertEquals("shop-cdn.example", run(p, EventBuilder.pageview("https://shop-cdn.example/"), browser("203.0.113.2")).record.hostname());
  }

  @Test
  void rateLimitsKeylessBeaconsPerAddressButNotKeyedSenders() {
    IngestPipeline p = pipeline("ingest.keylessRateLimitPerMinute", "3");
    for (int i = 0; i < 3; i++) {
      run(p, EventBuilder.pageview("https://shop.example/" + i), browser("203.0.113.3"));
    }
    assertEquals(DropReason.RATE_LIMITED, dropOf(p, EventBuilder.pageview("https://shop.example/x"), browser("203.0.113.3")));
    run(p, EventBuilder.pageview("https://shop.example/y"), browser("203.0.113.4")); // another address
    for (int i = 0; i < 5; i++) {
      run(p, EventBuilder.pageview("https://shop.example/k" + i), facts("203.0.113.3", CHROME, false, false, 12));
    }
  }

  @Test
  void treatsSameSiteReferrersAsNoSource() {
    EventDraft d = run(pipeline(), EventBuilder.pageview("https://shop.example/b").referrer("https://shop.example/a"), browser("203.0.113.5"));
    assertNull(d.record.referrer());
    assertNull(d.record.source());
    assertEquals("Direct", d.record.channel());
  }

  @Test
  void utmFieldsWinOverTheUrlAndNameKnownSources() {
    EventDraft d = run(pipeline(), EventBuilder.pageview("https://shop.example/?utm_source=twitter&utm_campaign=url")
        .utm("utm_campaign", "field"), browser("203.0.113.6"));
    assertEquals("Twitter", d.record.source());
    assertEquals("field", d.record.utmCampaign());
    assertEquals("Organic Social", d.record.channel());
  }

  @Test
  void usesTheSendersStableIdAcrossDaysAndRequiresOneForOldBackfills() {
    IngestPipeline p = pipeline();
    Instant threeDaysAgo = NOW.minus(Duration.ofDays(3));
    assertEquals(DropReason.INVALID, dropOf(p, EventBuilder.pageview("https://shop.example/").at(threeDaysAgo), browser("203.0.113.7")));
    EventDraft old = run(p, EventBuilder.pageview("https://shop.example/").at(threeDaysAgo).visitor("crm-42"), browser("203.0.113.7"));
    EventDraft now = run(p, EventBuilder.pageview("https://shop.example/").visitor("crm-42"), browser("198.18.0.1"));
    assertEquals(VisitorIds.stable(7, "v:crm-42"), old.record.visitorId());
    assertEquals(old.record.visitorId(), now.record.visitorId());
    assertNotEquals(old.record.sessionId(), now.record.sessionId());
    assertEquals(DropReason.INVALID, dropOf(p, EventBuilder.pageview("https://shop.example/").at(NOW.minus(Duration.ofDays(8))).visitor("x"),
        browser("203.0.113.7")), "beyond ingest.backfillDays");
  }

  @Test
  void theStepsRunInTheDocumentedOrder() {
    assertEquals(List.of("validate", "privacy", "excluded_ip", "rate_limit", "bot", "referrer", "source", "geo", "visitor", "quota",
        "session"), pipeline().names());
  }

  @Test
  void dropsEventsBeyondTheSitesMonthlyQuotaAndCountsOnlyEventsThatPassEveryOtherStep() {
    IngestConfig config = new ConfigLoader().load(null, false, Map.of(), Map.of("ingest.monthlyEventQuota", "2")).ingest();
    io.sightline.ingest.quota.MonthlyQuota quota = new io.sightline.ingest.quota.MonthlyQuota(null, config.monthlyEventQuota());
    IngestPipeline p = IngestModule.pipeline(config, address -> berlin, salts::get, sessions, new IdGenerator(NOW::toEpochMilli),
        new RateLimiter(NOW::toEpochMilli), quota);
    EventBuilder ok = EventBuilder.pageview("https://shop.example/");
    assertEquals(DropReason.DNT, dropOf(p, ok, facts("203.0.113.1", CHROME, true, false, null)), "not counted");
    EventDraft first = run(p, ok, browser("203.0.113.1"));
    run(p, ok, browser("203.0.113.2"));
    assertEquals(DropReason.QUOTA, dropOf(p, ok, browser("203.0.113.3")));
    quota.release(SITE.id(), first.quotaMonth); // an event the writer refused gives its unit back
    run(p, ok, browser("203.0.113.4"));
    assertEquals(DropReason.QUOTA, dropOf(p, ok, browser("203.0.113.5")));
  }

  static Instant at(String iso) {
    return OffsetDateTime.parse(iso).withOffsetSameInstant(ZoneOffset.UTC).toInstant();
  }

  @Test
  void engagementAndNonInteractiveEventsDoNotEndABounce() {
    IngestPipeline p = pipeline();
    run(p, EventBuilder.pageview("https://shop.example/").at(NOW.minusSeconds(60)), browser("203.0.113.8"));
    run(p, new EventBuilder().type(EventType.ENGAGEMENT).scroll(80).at(NOW.minusSeconds(30)), browser("203.0.113.8"));
    EventDraft last = run(p, EventBuilder.custom("Video Autoplay", "https://shop.example/").nonInteractive().at(NOW.minusSeconds(20)),
        browser("203.0.113.8"));
    assertEquals(1, last.session.pageviews());
    assertEquals(false, last.session.interactive());
    assertEquals(80, last.session.maxScroll());
    assertEquals(2, last.session.events(), "engagement events are not counted as events");
    EventDraft click = run(p, new EventBuilder().type(EventType.CLICK).at(NOW.minusSeconds(10)), browser("203.0.113.8"));
    assertEquals(true, click.session.interactive());
    assertEquals(1, click.session.clicks());
    assertEquals(last.record.pageVisitId(), click.record.pageVisitId(), "clicks belong to the current pageview");
  }

  // ------------------------------------------------------------------ identity stitching

  static final long VISITOR = VisitorIds.stable(7, "v:anon-1");
  static final long USER = VisitorIds.stable(7, "u:user-1");

  @Test
  void anEventWithBothIdsCountsUnderTheVisitorAndItsSessionGoesOn() {
    IngestPipeline p = pipeline();
    EventDraft anonymous = run(p, EventBuilder.pageview("https://shop.example/plans").visitor("anon-1").at(NOW.minusSeconds(600)),
        browser("203.0.113.10"));
    EventDraft identified = run(p, EventBuilder.pageview("https://shop.example/checkout").visitor("anon-1").user("user-1")
        .at(NOW.minusSeconds(300)), browser("203.0.113.10"));
    assertEquals(VISITOR, anonymous.record.visitorId());
    assertEquals(VISITOR, identified.record.visitorId(), "the visitor's id, not the user's");
    assertEquals(anonymous.sessionId, identified.sessionId, "one session across the moment of identification");
    assertEquals(2, identified.session.pageviews());
    assertEquals(USER, identified.link.userKey());
    assertEquals(VISITOR, identified.link.visitorId());
    assertEquals("user-1", identified.record.userId());
  }

  @Test
  void aUserIdAloneCountsUnderTheVisitorTheUserWasLastLinkedTo() {
    IngestPipeline p = pipeline();
    EventDraft before = run(p, EventBuilder.custom("Login", "https://shop.example/").user("user-1").at(NOW.minusSeconds(900)),
        browser("198.51.100.1"));
    assertEquals(USER, before.record.visitorId(), "not linked yet: the user's own id (and it stays so)");
    assertNull(before.link);
    EventDraft identified = run(p, EventBuilder.pageview("https://shop.example/cart").visitor("anon-1").user("user-1")
        .at(NOW.minusSeconds(600)), browser("203.0.113.10"));
    EventDraft order = run(p, EventBuilder.custom("Order", "https://shop.example/cart").user("user-1").at(NOW.minusSeconds(300)),
        browser("198.51.100.1"));
    assertEquals(VISITOR, order.record.visitorId());
    assertEquals(identified.sessionId, order.sessionId, "a server-side event joins the visitor's open session");
    assertEquals(identified.link, order.link, "the link is not stored yet: it travels with the events relying on it");
    identified.link.markStored();
    EventDraft later = run(p, EventBuilder.custom("Refund", "https://shop.example/").user("user-1").at(NOW), browser("198.51.100.1"));
    assertEquals(VISITOR, later.record.visitorId());
    assertNull(later.link, "a stored link is not written again");
    EventDraft again = run(p, EventBuilder.pageview("https://shop.example/").visitor("anon-1").user("user-1").at(NOW),
        browser("203.0.113.10"));
    assertNull(again.link, "the same link, stored: nothing to write");
  }

  @Test
  void aUserMovesToAnotherVisitorOnlyWithALaterEvent() {
    IngestPipeline p = pipeline();
    long phone = VisitorIds.stable(7, "v:phone");
    run(p, EventBuilder.pageview("https://shop.example/").visitor("anon-1").user("user-1").at(NOW.minusSeconds(600)), browser("203.0.113.10"));
    EventDraft backfilled = run(p, EventBuilder.pageview("https://shop.example/").visitor("phone").user("user-1").at(NOW.minusSeconds(3600)),
        browser("203.0.113.11"));
    assertEquals(phone, backfilled.record.visitorId(), "an event always counts under its own visitor id");
    assertNull(backfilled.link, "an older event does not move the link");
    assertEquals(VISITOR, run(p, EventBuilder.custom("Order", "https://shop.example/").user("user-1").at(NOW.minusSeconds(500)),
        browser("198.51.100.1")).record.visitorId());
    EventDraft moved = run(p, EventBuilder.pageview("https://shop.example/").visitor("phone").user("user-1").at(NOW.minusSeconds(400)),
        browser("203.0.113.11"));
    assertEquals(phone, moved.link.visitorId());
    assertEquals(phone, run(p, EventBuilder.custom("Order", "https://shop.example/").user("user-1").at(NOW.minusSeconds(300)),
        browser("198.51.100.1")).record.visitorId());
  }
}
