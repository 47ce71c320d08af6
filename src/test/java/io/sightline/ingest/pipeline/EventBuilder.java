package io.sightline.ingest.pipeline;

import io.sightline.ingest.EventType;
import io.sightline.ingest.IncomingEvent;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Incoming events for tests, with defaults for everything not set. */
final class EventBuilder {
  EventType type = EventType.PAGEVIEW;
  String name = "pageview";
  String url = "https://shop.example/";
  String referrer;
  Map<String, String> utm = new HashMap<>();
  Map<String, String> props = Map.of();
  BigDecimal revenue;
  String currency;
  String targetLabel;
  Integer scroll;
  Integer engagement;
  String visitorId;
  String userId;
  Instant timestamp;
  boolean interactive = true;

  static EventBuilder pageview(String url) {
    EventBuilder b = new EventBuilder();
    b.url = url;
    return b;
  }

  static EventBuilder custom(String name, String url) {
    EventBuilder b = pageview(url);
    b.type = EventType.CUSTOM;
    b.name = name;
    return b;
  }

  EventBuilder type(EventType t) {
    type = t;
    name = t.id();
    return this;
  }

  EventBuilder referrer(String r) {
    referrer = r;
    return this;
  }

  EventBuilder at(Instant t) {
    timestamp = t;
    return this;
  }

  EventBuilder visitor(String id) {
    visitorId = id;
    return this;
  }

  EventBuilder user(String id) {
    userId = id;
    return this;
  }

  EventBuilder utm(String key, String value) {
    utm.put(key, value);
    return this;
  }

  EventBuilder nonInteractive() {
    interactive = false;
    return this;
  }

  EventBuilder scroll(int s) {
    scroll = s;
    return this;
  }

  EventBuilder revenue(String amount, String cur) {
    revenue = new BigDecimal(amount);
    currency = cur;
    return this;
  }

  IncomingEvent build() {
    return new IncomingEvent(type, name, url, referrer, null, Map.copyOf(utm), 1280, null, revenue, currency, props, List.of(),
        targetLabel, null, scroll, engagement, visitorId, userId, timestamp, interactive);
  }
}
