package io.sightline.ingest.session;

import io.sightline.event.SessionRow;
import io.sightline.ingest.EventType;
import io.sightline.ingest.pipeline.EventDraft;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * One visitor's session in memory: attributes of its first event (source, UTMs, geo, device),
 * its entry and exit page, and counters. Mutated only inside {@link SessionTracker}'s per-key
 * atomic update.
 */
final class SessionState {
  final long sessionId;
  final long visitorId;
  final LocalDate saltDay;
  final Instant startedAt;
  Instant lastSeenAt;
  String userId;
  String entryPage;
  String exitPage;
  final String hostname;
  final String referrer;
  final String referrerHost;
  final String source;
  final String channel;
  final String clickIdParam;
  final String utmSource;
  final String utmMedium;
  final String utmCampaign;
  final String utmContent;
  final String utmTerm;
  final String country;
  final String region;
  final String city;
  final String device;
  final String browser;
  final String browserVersion;
  final String os;
  final String osVersion;
  Integer screenWidth;
  int pageviews;
  int events;
  boolean interactive;
  int clicks;
  int forms;
  Integer maxScroll;
  long engagementMs;
  BigDecimal revenueAmount;
  String revenueCurrency;
  Integer[] keyIds = new Integer[0];
  long currentPageVisitId;

  SessionState(long sessionId, long visitorId, LocalDate saltDay, EventDraft d) {
    this.sessionId = sessionId;
    this.visitorId = visitorId;
    this.saltDay = saltDay;
    this.startedAt = d.ts;
    this.lastSeenAt = d.ts;
    this.hostname = d.url.hostname();
    this.referrer = d.referrer;
    this.referrerHost = d.referrerHost;
    this.source = d.source;
    this.channel = d.channel;
    this.clickIdParam = d.url.clickIdParam();
    this.utmSource = d.utmSource;
    this.utmMedium = d.utmMedium;
    this.utmCampaign = d.utmCampaign;
    this.utmContent = d.utmContent;
    this.utmTerm = d.utmTerm;
    this.country = d.geo.country();
    this.region = d.geo.region();
    this.city = d.geo.city();
    this.device = d.facts.userAgentInfo().device();
    this.browser = d.facts.userAgentInfo().browser();
    this.browserVersion = d.facts.userAgentInfo().browserVersion();
    this.os = d.facts.userAgentInfo().os();
    this.osVersion = d.facts.userAgentInfo().osVersion();
  }

  /** A session restored from its stored row. */
  SessionState(SessionRow r, long currentPageVisitId) {
    this.sessionId = r.sessionId();
    this.visitorId = r.visitorId();
    this.saltDay = r.saltDay();
    this.startedAt = r.startedAt();
    this.lastSeenAt = r.lastSeenAt();
    this.userId = r.userId();
    this.entryPage = r.entryPage();
    this.exitPage = r.exitPage();
    this.hostname = r.hostname();
    this.referrer = r.referrer();
    this.referrerHost = r.referrerHost();
    this.source = r.source();
    this.channel = r.channel();
    this.clickIdParam = r.clickIdParam();
    this.utmSource = r.utmSource();
    this.utmMedium = r.utmMedium();
    this.utmCampaign = r.utmCampaign();
    this.utmContent = r.utmContent();
    this.utmTerm = r.utmTerm();
    this.country = r.country();
    this.region = r.region();
    this.city = r.city();
    this.device = r.device();
    this.browser = r.browser();
    this.browserVersion = r.browserVersion();
    this.os = r.os();
    this.osVersion = r.osVersion();
    this.screenWidth = r.screenWidth();
    this.pageviews = r.pageviews();
    this.events = r.events();
    this.interactive = r.interactive();
    this.clicks = r.clicks();
    this.forms = r.forms();
    this.maxScroll = r.maxScroll();
    this.engagementMs = r.engagementMs();
    this.revenueAmount = r.revenueAmount();
    this.revenueCurrency = r.revenueCurrency();
    this.keyIds = r.keyIds() == null ? new Integer[0] : r.keyIds().clone();
    this.currentPageVisitId = currentPageVisitId;
  }

  /** Counts the event in; {@code eventId} becomes the current page visit if it is a pageview. */
  void add(EventDraft d, long eventId) {
    boolean latest = !d.ts.isBefore(lastSeenAt);
    if (latest) {
      lastSeenAt = d.ts;
    }
    if (d.in.userId() != null) {
      userId = d.in.userId();
    }
    if (d.in.screenWidth() != null && screenWidth == null) {
      screenWidth = d.in.screenWidth();
    }
    EventType type = d.in.type();
    if (type != EventType.ENGAGEMENT) {
      events++;
    }
    switch (type) {
      case PAGEVIEW -> {
        pageviews++;
        if (entryPage == null) {
          entryPage = d.url.pathname();
        }
        if (latest) {
          exitPage = d.url.pathname();
          currentPageVisitId = eventId;
        }
      }
      case CLICK -> clicks++;
      case FORM -> forms++;
      default -> {
      }
    }
    if (type != EventType.PAGEVIEW && type != EventType.ENGAGEMENT && d.in.interactive()) {
      interactive = true;
    }
    if (d.in.scrollDepth() != null) {
      maxScroll = maxScroll == null ? d.in.scrollDepth() : Math.max(maxScroll, d.in.scrollDepth());
    }
    if (d.in.engagementMs() != null) {
      engagementMs += d.in.engagementMs();
    }
    if (d.in.revenueAmount() != null) {
      if (revenueCurrency == null || revenueCurrency.equals(d.in.revenueCurrency())) {
        revenueAmount = revenueAmount == null ? d.in.revenueAmount() : revenueAmount.add(d.in.revenueAmount());
        revenueCurrency = d.in.revenueCurrency();
      }
    }
    Integer keyId = d.facts.keyId();
    if (keyId != null && Arrays.stream(keyIds).noneMatch(keyId::equals)) {
      keyIds = Arrays.copyOf(keyIds, keyIds.length + 1);
      keyIds[keyIds.length - 1] = keyId;
    }
  }

  SessionRow snapshot(int siteId) {
    return new SessionRow(siteId, sessionId, startedAt, lastSeenAt, visitorId, userId, saltDay, entryPage, exitPage, hostname,
        referrer, referrerHost, source, channel, clickIdParam, utmSource, utmMedium, utmCampaign, utmContent, utmTerm, country,
        region, city, device, browser, browserVersion, os, osVersion, screenWidth, pageviews, events, interactive, clicks, forms,
        maxScroll, engagementMs, revenueAmount, revenueCurrency, keyIds.clone());
  }
}
