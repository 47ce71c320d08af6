package io.sightline.api.hum;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Hum's session objects: flat order fields in the list, {@code order} and {@code cart_progression} in the detail (§3.3, §3.4). */
final class HumSessionJson {
  private HumSessionJson() {
  }

  static String respondedAt(Clock clock) {
    return time(clock.instant());
  }

  /** A time as Hum shows it: UTC, whole seconds ({@code 2026-03-01T12:00:00Z}). */
  static String time(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** A list item: id, created_at, campaign_id, address, furthest_step, then the order fields. */
  static JsonObject listItem(HumSessionsQuery.Session s) {
    JsonObject json = common(s);
    order(s).forEach(json::put);
    return json;
  }

  /** The detail: the list item's fields with the order nested ({@code null} without an order) and the steps reached. */
  static JsonObject detail(HumSessionsQuery.Session s, HumMapping mapping) {
    JsonObject json = common(s);
    json.put("order", s.orderedAt() == null ? null : new JsonObject(order(s)));
    Map<Integer, String> names = new HashMap<>();
    mapping.funnel().forEach(step -> names.put(step.step(), step.name()));
    JsonArray progression = new JsonArray();
    for (HumSessionsQuery.Reached r : s.reached()) {
      progression.add(new JsonObject().put("step", r.step()).put("step_name", names.get(r.step())).put("timestamp", time(r.at())));
    }
    json.put("cart_progression", progression);
    return json;
  }

  private static JsonObject common(HumSessionsQuery.Session s) {
    List<HumSessionsQuery.Reached> reached = s.reached();
    return new JsonObject()
        .put("id", HumSessionId.encode(s.siteId(), s.sessionId()).toString())
        .put("created_at", time(s.startedAt()))
        .put("campaign_id", s.campaign())
        .put("address", new JsonObject().put("street1", s.street1()).put("street2", s.street2()).put("city", s.city())
            .put("state", s.state()).put("zip", s.zip()))
        .put("furthest_step", reached.isEmpty() ? null : reached.get(reached.size() - 1).step());
  }

  private static Map<String, Object> order(HumSessionsQuery.Session s) {
    Map<String, Object> order = new java.util.LinkedHashMap<>();
    boolean ordered = s.orderedAt() != null;
    order.put("order_number", ordered ? s.orderNumber() : null);
    order.put("ordered_at", time(s.orderedAt()));
    order.put("installed", ordered ? (Boolean) (s.installedAt() != null) : null);
    order.put("installed_at", time(s.installedAt()));
    Long commission = cents(s.installCommission());
    order.put("commission_cents", commission != null ? commission : ordered ? cents(s.orderCommission()) : null);
    return order;
  }

  /** A whole number of cents ({@code 5000}, {@code -250}); anything else (decimals, text) is not a commission. */
  static Long cents(String raw) {
    if (raw == null) {
      return null;
    }
    String s = raw.strip();
    return s.matches("-?[0-9]{1,15}") ? Long.parseLong(s) : null;
  }
}
