package io.sightline.api.hum;

import io.sightline.cli.SightlineCommand;
import io.sightline.goal.GoalPatterns;
import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hum's Analytics Sessions API over a seeded set of sessions ingested through the real batch
 * endpoint with three ingest keys; every expected field is computed here, in plain Java, from the
 * events sent and the mapping rules set through the admin API and the CLI.
 */
@Tag("integration")
class HumSessionsApiTest {
  static final String UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
  static final List<String> ADDRESS_FIELDS = List.of("street1", "street2", "city", "state", "zip");
  static final List<String> LIST_FIELDS = List.of("id", "created_at", "campaign_id", "address", "furthest_step", "order_number",
      "ordered_at", "installed", "installed_at", "commission_cents"); // the seed's order
  static final List<String> DETAIL_FIELDS = List.of("id", "created_at", "campaign_id", "address", "furthest_step", "order",
      "cart_progression"); // api-specs §3.4
  static final String TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z";

  record Key(int id, String prefix, String key, String uuid) {
  }

  record Ev(Instant ts, String type, String name, String path, String label, Map<String, String> props, String campaign) {
  }

  static final class Sess {
    final String visitor;
    final List<Ev> events = new ArrayList<>();
    final List<Key> keys = new ArrayList<>(); // one per part: a split session is sent by two keys
    int split;
    long sessionId;

    Sess(String visitor) {
      this.visitor = visitor;
    }

    Instant start() {
      return events.get(0).ts();
    }

    Set<Integer> keyIds() {
      return keys.stream().map(Key::id).collect(Collectors.toSet());
    }

    boolean clicked() {
      return events.stream().anyMatch(e -> e.type().equals("click"));
    }
  }

  record Step(int step, String name, String goal, String type, String match) {
  }

  record Mapping(String orderEvent, String orderProp, String installEvent, String commissionProp, Map<String, String> address,
                 List<Step> funnel) {
  }

  static final Step PLAN = new Step(1, "plan_selection", "Plan chosen", "custom", "PlanSelected");
  static final Step ADDONS = new Step(2, "internet_addons", "Addons", "pageview", "/cart/addons*");
  static final Step CHECKOUT = new Step(3, "checkout", "Checkout click", "click", "Checkout");
  static final Step CUSTOMER = new Step(6, "customer_info", "Customer info", "form", "customer-info");
  static final Mapping CUSTOM_RULES = new Mapping("Purchase", "order_no", "Install confirmed", "commission",
      Map.of("street1", "addr1", "street2", "street2", "city", "city", "state", "state", "zip", "zip"), List.of(PLAN, ADDONS, CHECKOUT, CUSTOMER));
  static final Mapping DEFAULT_RULES = new Mapping("Order", "order_number", "Installed", "commission_cents",
      Map.of("street1", "street1", "street2", "street2", "city", "city", "state", "state", "zip", "zip"), List.of());

  static RunningServer server;
  static String readKey;
  static Key keyA;
  static Key keyB;
  static Key keyC;
  static Key otherSiteKey;
  static final Map<String, Integer> goalIds = new LinkedHashMap<>();
  static final List<Sess> sessions = new ArrayList<>();
  static Sess otherSiteSession;

  // ------------------------------------------------------------------ set-up

  static JsonObject admin(String method, String path, Object body, int status) {
    HttpResponse<String> r = server.send(method, path, body == null ? null : body.toString(), "x-api-key", server.adminKey(),
        "Content-Type", "application/json");
    assertEquals(status, r.statusCode(), method + " " + path + " → " + r.body());
    return r.body().isEmpty() ? null : new JsonObject(r.body());
  }

  static Key key(String site, String name, String scopes, int rateLimit) {
    JsonObject k = admin("POST", "/admin/v1/sites/" + site + "/keys", new JsonObject().put("name", name)
        .put("scopes", new JsonArray(List.of(scopes.split(",")))).put("rate_limit_per_minute", rateLimit), 201);
    return new Key(k.getInteger("id"), k.getString("prefix"), k.getString("key"), k.getString("uuid"));
  }

  static JsonObject mappingBody(Mapping m) {
    JsonArray funnel = new JsonArray();
    for (Step s : m.funnel()) {
      JsonObject step = new JsonObject().put("step", s.step()).put("name", s.name());
      // by name and by id, both ways the admin API accepts
      funnel.add(s.step() % 2 == 0 ? step.put("goal_id", goalIds.get(s.goal())) : step.put("goal", s.goal()));
    }
    return new JsonObject().put("order_event", m.orderEvent()).put("order_number_prop", m.orderProp())
        .put("installed_event", m.installEvent()).put("commission_prop", m.commissionProp())
        .put("address_props", new JsonObject(new LinkedHashMap<>(m.address()))).put("funnel", funnel);
  }

  @BeforeAll
  static void ingest() {
    server = RunningServer.start();
    readKey = key("1", "hum dashboard", "read", 100_000).key();
    keyA = key("1", "shop backend", "ingest", 100_000);
    keyB = key("1", "call centre", "ingest", 100_000);
    keyC = key("1", "installer", "ingest", 100_000);
    admin("POST", "/admin/v1/sites", new JsonObject().put("domain", "other.example"), 201);
    otherSiteKey = key("other.example", "other", "ingest,read", 100_000);
    for (Step s : CUSTOM_RULES.funnel()) {
      JsonObject g = admin("POST", "/admin/v1/sites/1/goals", new JsonObject().put("name", s.goal()).put("type", s.type()).put("match", s.match()), 201);
      goalIds.put(s.goal(), g.getInteger("id"));
    }
    admin("PUT", "/admin/v1/sites/1/hum", mappingBody(CUSTOM_RULES), 200);

    Random random = new Random(20261123);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    List<String> paths = List.of("/", "/plans", "/cart/addons", "/cart/addons/tv", "/about", "/cart");
    List<String> cities = List.of("Detroit", "Ann Arbor", "Lansing", "Flint");
    List<Sess> installs = new ArrayList<>();
    for (int i = 0; i < 132; i++) {
      Sess s = new Sess("v" + i);
      Instant t = now.minusSeconds(3600 + i * 3500L + random.nextInt(1200));
      String campaign = random.nextInt(2) == 0 ? "spring_promo_" + random.nextInt(3) : null;
      s.events.add(new Ev(t, "pageview", null, paths.get(random.nextInt(paths.size())), null, Map.of(), campaign));
      int more = random.nextInt(9);
      boolean ordered = false;
      for (int j = 0; j < more; j++) {
        t = t.plusSeconds(10 + random.nextInt(290));
        int kind = random.nextInt(10);
        Ev e = switch (kind) {
          case 0, 1 -> new Ev(t, "pageview", null, paths.get(random.nextInt(paths.size())), null, Map.of(), null);
          case 2 -> new Ev(t, "custom", "PlanSelected", "/plans", null, Map.of("plan", "fiber"), null);
          case 3 -> new Ev(t, "click", null, "/cart", random.nextBoolean() ? "Checkout" : "Back", Map.of(), null);
          case 4 -> new Ev(t, "form", null, "/cart", random.nextBoolean() ? "customer-info" : "newsletter", Map.of(), null);
          case 5, 6 -> {
            Map<String, String> p = new LinkedHashMap<>();
            if (random.nextBoolean()) {
              p.put("addr1", random.nextInt(900) + " Main St");
            }
            if (random.nextInt(3) == 0) {
              p.put("street1", "unmapped " + random.nextInt(99)); // the default name: used only under the default rules
            }
            if (random.nextInt(3) == 0) {
              p.put("street2", "Apt " + random.nextInt(9));
            }
            p.put("city", cities.get(random.nextInt(cities.size())));
            if (random.nextBoolean()) {
              p.put("state", "MI");
              p.put("zip", "48" + (100 + random.nextInt(800)));
            }
            yield new Ev(t, "custom", "Address", "/address", null, p, null);
          }
          case 7 -> {
            Map<String, String> p = new LinkedHashMap<>();
            if (random.nextInt(6) != 0) {
              p.put("order_no", "HUM-" + i + (ordered ? "-again" : ""));
            }
            int c = random.nextInt(4);
            if (c == 0) {
              p.put("commission", Integer.toString(1000 * (1 + random.nextInt(9))));
            } else if (c == 1) {
              p.put("commission", "12.50"); // not whole cents: no commission
            }
            if (random.nextBoolean()) {
              p.put("commission_cents", "777");
            }
            ordered = true;
            yield new Ev(t, "custom", "Purchase", "/checkout/done", null, p, null);
          }
          case 8 -> new Ev(t, "custom", "Order", "/checkout/done", null, Map.of("order_number", "D-" + i, "commission_cents", "4200"), null);
          default -> new Ev(t, "pageview", null, "/cart/addons/" + random.nextInt(3), null, Map.of(), null);
        };
        s.events.add(e);
      }
      // installs of this session's first Purchase with a number: later, from the installer's backend, or right after in the session
      Ev order = s.events.stream().filter(e -> e.type().equals("custom") && e.name().equals("Purchase")).findFirst().orElse(null);
      if (order != null && order.props().containsKey("order_no") && random.nextInt(3) != 0) {
        Instant latest = now.minusSeconds(120);
        long room = Duration.between(order.ts(), latest).getSeconds();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("order_no", order.props().get("order_no"));
        if (random.nextBoolean()) {
          p.put("commission", Integer.toString(500 * (1 + random.nextInt(20))));
        }
        if (random.nextInt(4) == 0 && s.events.get(s.events.size() - 1) == order) {
          s.events.add(new Ev(order.ts().plusSeconds(30), "custom", "Install confirmed", "/install", null, p, null));
        } else if (room > 4000) {
          Sess inst = new Sess("installer-" + i);
          inst.events.add(new Ev(order.ts().plusSeconds(3600 + random.nextLong(room - 3600)), "custom", "Install confirmed", "/install", null, p, null));
          inst.keys.add(keyC);
          inst.split = 1;
          installs.add(inst);
        }
      }
      Key main = List.of(keyA, keyB, keyC).get(random.nextInt(3));
      s.keys.add(main);
      s.split = s.events.size();
      if (s.events.size() >= 2 && random.nextInt(5) == 0) {
        s.split = 1 + random.nextInt(s.events.size() - 1);
        s.keys.add(main == keyA ? keyB : keyA);
      }
      sessions.add(s);
    }
    sessions.addAll(installs);
    for (Sess s : sessions) {
      send(s, "localhost");
    }
    otherSiteSession = new Sess("elsewhere");
    otherSiteSession.events.add(new Ev(now.minusSeconds(600), "pageview", null, "/", null, Map.of(), null));
    otherSiteSession.keys.add(otherSiteKey);
    otherSiteSession.split = 1;
    send(otherSiteSession, "other.example");
  }

  static void send(Sess s, String host) {
    Set<Long> ids = new HashSet<>();
    for (int part = 0; part < s.keys.size(); part++) {
      List<Ev> evs = part == 0 ? s.events.subList(0, s.split) : s.events.subList(s.split, s.events.size());
      JsonArray batch = new JsonArray();
      for (Ev e : evs) {
        JsonObject b = new JsonObject().put("type", e.type()).put("url", "https://" + host + e.path()).put("timestamp", e.ts().toString())
            .put("visitor_id", s.visitor);
        if (e.name() != null) {
          b.put("name", e.name());
        }
        if (e.label() != null) {
          b.put("target_label", e.label());
        }
        if (!e.props().isEmpty()) {
          b.put("props", new JsonObject(new LinkedHashMap<>(e.props())));
        }
        if (e.campaign() != null) {
          b.put("utm_campaign", e.campaign());
        }
        batch.add(b);
      }
      HttpResponse<String> r = server.send("POST", "/api/event/batch", batch.encode(), "x-api-key", s.keys.get(part).key(),
          "User-Agent", UA, "X-Forwarded-For", "198.18.0." + (Math.abs(s.visitor.hashCode()) % 200 + 1));
      assertEquals(200, r.statusCode(), r.body());
      JsonObject body = new JsonObject(r.body());
      assertEquals(evs.size(), body.getInteger("accepted"), r.body());
      body.getJsonArray("results").forEach(o -> ids.add(((JsonObject) o).getLong("session_id")));
    }
    assertEquals(1, ids.size(), "one session per generated session: " + s.visitor);
    s.sessionId = ids.iterator().next();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  // ------------------------------------------------------------------ the oracle

  static boolean completes(Step st, Ev e) {
    return switch (st.type()) {
      case "pageview" -> e.type().equals("pageview") && GoalPatterns.matchesPath(st.match(), e.path());
      case "custom" -> e.type().equals("custom") && e.name().equals(st.match());
      case "click" -> e.type().equals("click") && st.match().equals(e.label());
      default -> e.type().equals("form") && (st.match().equals("*") || st.match().equals(e.label()));
    };
  }

  static Long cents(String raw) {
    return raw != null && raw.strip().matches("-?\\d{1,15}") ? Long.valueOf(raw.strip()) : null;
  }

  static String time(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static String id(Sess s) {
    return HumSessionId.encode(1, s.sessionId).toString();
  }

  /** The session as the list shows it (detail: with {@code order} nested and {@code cart_progression}). */
  static JsonObject expected(Sess s, Mapping m, boolean detail) {
    JsonObject address = new JsonObject();
    for (String f : ADDRESS_FIELDS) {
      String prop = m.address().get(f);
      String value = null;
      for (Ev e : s.events) {
        if (e.props().get(prop) != null) {
          value = e.props().get(prop); // the latest event carrying it
        }
      }
      address.put(f, value);
    }
    TreeMap<Integer, Instant> reached = new TreeMap<>();
    for (Step st : m.funnel()) {
      s.events.stream().filter(e -> completes(st, e)).map(Ev::ts).min(Comparator.naturalOrder()).ifPresent(t -> reached.put(st.step(), t));
    }
    Ev order = s.events.stream().filter(e -> e.type().equals("custom") && e.name().equals(m.orderEvent())).findFirst().orElse(null);
    String number = order == null ? null : order.props().get(m.orderProp());
    List<Ev> installs = new ArrayList<>();
    if (number != null) {
      for (Sess other : sessions) {
        for (Ev e : other.events) {
          if (e.type().equals("custom") && e.name().equals(m.installEvent()) && number.equals(e.props().get(m.orderProp()))
              && !e.ts().isBefore(order.ts()) && e.ts().isBefore(order.ts().plus(Duration.ofDays(90)))) {
            installs.add(e);
          }
        }
      }
    }
    installs.sort(Comparator.comparing(Ev::ts));
    Instant installedAt = installs.isEmpty() ? null : installs.get(0).ts();
    Long installCommission = installs.stream().filter(e -> e.props().get(m.commissionProp()) != null).findFirst()
        .map(e -> cents(e.props().get(m.commissionProp()))).orElse(null);
    Long commission = order == null ? null : installCommission != null ? installCommission : cents(order.props().get(m.commissionProp()));

    JsonObject json = new JsonObject().put("id", id(s)).put("created_at", time(s.start()))
        .put("campaign_id", s.events.get(0).campaign()).put("address", address)
        .put("furthest_step", reached.isEmpty() ? null : reached.lastKey());
    JsonObject orderJson = new JsonObject().put("order_number", number).put("ordered_at", time(order == null ? null : order.ts()))
        .put("installed", order == null ? null : installedAt != null).put("installed_at", time(installedAt)).put("commission_cents", commission);
    if (!detail) {
      orderJson.forEach(f -> json.put(f.getKey(), f.getValue()));
      return json;
    }
    json.put("order", order == null ? null : orderJson);
    JsonArray progression = new JsonArray();
    Map<Integer, String> names = m.funnel().stream().collect(Collectors.toMap(Step::step, Step::name));
    reached.forEach((step, t) -> progression.add(new JsonObject().put("step", step).put("step_name", names.get(step)).put("timestamp", time(t))));
    return json.put("cart_progression", progression);
  }

  /** The sessions a filter keeps, newest first (ties: the later session id first), as the list must order them. */
  static List<Sess> expectedOrder(Predicate<Sess> filter) {
    return sessions.stream().filter(filter).sorted(Comparator.comparing(Sess::start).thenComparingLong(s -> s.sessionId).reversed()).toList();
  }

  // ------------------------------------------------------------------ requests

  static HttpResponse<String> get(String pathAndQuery, String key) {
    return key == null ? server.get(pathAndQuery) : server.get(pathAndQuery, "Authorization", "Bearer " + key);
  }

  static JsonObject ok(String pathAndQuery) {
    HttpResponse<String> r = get(pathAndQuery, readKey);
    assertEquals(200, r.statusCode(), pathAndQuery + " → " + r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    return new JsonObject(r.body());
  }

  static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Pages through the list with the given query and checks every page against the oracle. */
  static void assertListMatches(String query, Predicate<Sess> filter, Mapping m) {
    List<Sess> expected = expectedOrder(filter);
    int pages = Math.max(1, (expected.size() + 49) / 50);
    Set<String> seen = new HashSet<>();
    for (int page = 1; page <= pages + 1; page++) {
      JsonObject body = ok("/analytics/sessions?page=" + page + query);
      assertEquals("Analytics sessions", body.getString("message"));
      assertEquals("ok", body.getString("request_status"));
      JsonObject meta = body.getJsonObject("meta");
      assertEquals(page, meta.getInteger("page"));
      assertEquals(pages, meta.getInteger("pages"), query);
      assertEquals(expected.size(), meta.getInteger("count"), query);
      assertTrue(meta.getString("responded_at").matches(TIME), meta.encode());
      List<Sess> slice = expected.subList(Math.min(expected.size(), (page - 1) * 50), Math.min(expected.size(), page * 50));
      JsonArray data = body.getJsonArray("data");
      assertEquals(slice.size(), data.size(), "page " + page + query);
      for (int i = 0; i < slice.size(); i++) {
        assertEquals(expected(slice.get(i), m, false).encode(), data.getJsonObject(i).encode(), "page " + page + " item " + i + query);
        assertTrue(seen.add(data.getJsonObject(i).getString("id")), "a session appears once");
      }
    }
    assertEquals(expected.size(), seen.size());
  }

  static void assertError(HttpResponse<String> r, int status, String messagePart) {
    assertEquals(status, r.statusCode(), r.body());
    JsonObject body = new JsonObject(r.body());
    assertEquals(List.of("message", "request_status", "data", "meta"), new ArrayList<>(body.fieldNames()), r.body());
    assertEquals("error", body.getString("request_status"));
    assertTrue(body.containsKey("data") && body.getValue("data") == null);
    assertTrue(body.getJsonObject("meta").getString("responded_at").matches(TIME), r.body());
    assertTrue(body.getString("message").contains(messagePart), body.getString("message") + " should mention " + messagePart);
  }

  // ------------------------------------------------------------------ tests

  @Test
  void pagingVisitsEverySessionOnceNewestFirstWithEveryFieldFromTheMappingRules() {
    assertTrue(sessions.size() > 100, "at least three pages");
    assertListMatches("", s -> true, CUSTOM_RULES);
  }

  @Test
  void dateBoundsAreInclusiveOnTheCreationSecond() {
    List<Sess> order = expectedOrder(s -> true);
    Sess newer = order.get(10);
    Sess older = order.get(70);
    assertListMatches("&start_date=" + q(time(older.start())) + "&end_date=" + q(time(newer.start())),
        s -> !s.start().isBefore(older.start()) && !s.start().isAfter(newer.start()), CUSTOM_RULES);
    // the same instants with an offset
    assertListMatches("&start_date=" + q(older.start().atOffset(java.time.ZoneOffset.ofHours(2)).toString())
        + "&end_date=" + q(newer.start().atOffset(java.time.ZoneOffset.ofHours(-5)).toString()),
        s -> !s.start().isBefore(older.start()) && !s.start().isAfter(newer.start()), CUSTOM_RULES);
    // a start half a second after a creation second excludes it; an end half a second into it includes it
    assertListMatches("&start_date=" + q(older.start().plusMillis(500).toString()), s -> s.start().isAfter(older.start()), CUSTOM_RULES);
    assertListMatches("&end_date=" + q(newer.start().plusMillis(500).toString()), s -> !s.start().isAfter(newer.start()), CUSTOM_RULES);
    // a date alone: the whole UTC day; a date-time without offset: UTC
    java.time.LocalDate day = java.time.LocalDate.ofInstant(order.get(40).start(), java.time.ZoneOffset.UTC);
    assertListMatches("&start_date=" + day + "&end_date=" + day,
        s -> java.time.LocalDate.ofInstant(s.start(), java.time.ZoneOffset.UTC).equals(day), CUSTOM_RULES);
    assertListMatches("&start_date=" + q(time(older.start()).replace("Z", "")), s -> !s.start().isBefore(older.start()), CUSTOM_RULES);
    // the seed's own example range (2026 Q1) holds none of these sessions
    JsonObject empty = ok("/analytics/sessions?page=1&start_date=2026-01-01T00:00:00Z&end_date=2026-03-31T23:59:59Z");
    JsonObject meta = empty.getJsonObject("meta");
    assertEquals(List.of(1, 1, 0), List.of(meta.getInteger("page"), meta.getInteger("pages"), meta.getInteger("count")));
    assertEquals(0, empty.getJsonArray("data").size());
  }

  @Test
  void tokenIdsKeepTheSessionsTheirKeysSentAndOtherSitesKeysAreForbidden() {
    assertListMatches("&token_ids[]=" + keyA.id(), s -> s.keyIds().contains(keyA.id()), CUSTOM_RULES);
    assertListMatches("&token_ids%5B%5D=" + keyC.id() + "&token_ids%5B%5D=" + keyB.prefix(),
        s -> s.keyIds().contains(keyC.id()) || s.keyIds().contains(keyB.id()), CUSTOM_RULES);
    assertListMatches("&token_ids[]=" + keyB.id() + "&with_clicks=true", s -> s.keyIds().contains(keyB.id()) && s.clicked(), CUSTOM_RULES);
    // Hum's schema: token ids are UUIDs (the keys' public UUIDs), also mixed with the other forms
    assertListMatches("&token_ids[]=" + keyA.uuid(), s -> s.keyIds().contains(keyA.id()), CUSTOM_RULES);
    assertListMatches("&token_ids[]=" + keyC.uuid().toUpperCase(java.util.Locale.ROOT) + "&token_ids[]=" + keyB.prefix(),
        s -> s.keyIds().contains(keyC.id()) || s.keyIds().contains(keyB.id()), CUSTOM_RULES);
    assertTrue(sessions.stream().anyMatch(s -> s.keyIds().size() == 2), "some sessions were sent by two keys");

    assertError(get("/analytics/sessions?token_ids[]=" + otherSiteKey.id(), readKey), 403, "token_ids");
    assertError(get("/analytics/sessions?token_ids[]=" + keyA.id() + "&token_ids[]=" + otherSiteKey.prefix(), readKey), 403, "token_ids");
    assertError(get("/analytics/sessions?token_ids[]=999999", readKey), 403, "token_ids");
    assertError(get("/analytics/sessions?token_ids[]=" + UUID.randomUUID(), readKey), 403, "token_ids");
    assertError(get("/analytics/sessions?token_ids[]=" + otherSiteKey.uuid(), readKey), 403, "token_ids");
    assertError(get("/analytics/sessions?token_ids[]=" + keyA.uuid() + "&token_ids[]=" + otherSiteKey.uuid(), readKey), 403, "token_ids");
    assertError(get("/analytics/sessions?token_ids[]=" + q("1 or 1=1"), readKey), 422, "token_ids");
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 101; i++) {
      many.append("&token_ids[]=").append(keyA.id());
    }
    assertError(get("/analytics/sessions?page=1" + many, readKey), 422, "token_ids");
    // the other site's key sees only its own session
    HttpResponse<String> other = get("/analytics/sessions?token_ids[]=" + otherSiteKey.id(), otherSiteKey.key());
    assertEquals(200, other.statusCode(), other.body());
    assertEquals(1, new JsonObject(other.body()).getJsonObject("meta").getInteger("count"));
  }

  @Test
  void withClicksKeepsOnlySessionsWithAClick() {
    assertListMatches("&with_clicks=true", Sess::clicked, CUSTOM_RULES);
    assertListMatches("&with_clicks=false", s -> true, CUSTOM_RULES);
    assertTrue(sessions.stream().anyMatch(Sess::clicked) && sessions.stream().anyMatch(s -> !s.clicked()));
  }

  @Test
  void theDetailNestsTheOrderAndListsTheStepsReachedAndUnknownIdsAre404() {
    int withOrder = 0;
    int installed = 0;
    int progressions = 0;
    for (Sess s : sessions) {
      JsonObject body = ok("/analytics/sessions/" + id(s));
      assertEquals(List.of("message", "request_status", "data", "meta"), new ArrayList<>(body.fieldNames()));
      assertEquals("Analytics session", body.getString("message"));
      assertEquals("ok", body.getString("request_status"));
      assertEquals(List.of("responded_at"), new ArrayList<>(body.getJsonObject("meta").fieldNames()));
      JsonObject expected = expected(s, CUSTOM_RULES, true);
      assertEquals(expected.encode(), body.getJsonObject("data").encode(), s.visitor);
      withOrder += expected.getValue("order") != null ? 1 : 0;
      installed += expected.getValue("order") != null && Boolean.TRUE.equals(expected.getJsonObject("order").getBoolean("installed")) ? 1 : 0;
      progressions += expected.getJsonArray("cart_progression").size() > 1 ? 1 : 0;
    }
    assertTrue(withOrder > 10 && installed > 3 && progressions > 10, withOrder + " orders, " + installed + " installed, " + progressions);
    // the id is stable: the same in the list and the detail, and upper case is the same UUID
    Sess first = expectedOrder(s -> true).get(0);
    assertEquals(id(first), ok("/analytics/sessions").getJsonArray("data").getJsonObject(0).getString("id"));
    assertEquals(id(first), ok("/analytics/sessions/" + id(first).toUpperCase()).getJsonObject("data").getString("id"));

    assertError(get("/analytics/sessions/" + UUID.randomUUID(), readKey), 404, "Session not found");
    assertError(get("/analytics/sessions/" + HumSessionId.encode(1, 12345L), readKey), 404, "Session not found");
    assertError(get("/analytics/sessions/not-a-uuid", readKey), 404, "Session not found");
    assertError(get("/analytics/sessions/" + q("' or 1=1 --"), readKey), 404, "Session not found");
    // another site's session, asked with this site's key, and this site's session with the other site's key
    assertError(get("/analytics/sessions/" + HumSessionId.encode(2, otherSiteSession.sessionId), readKey), 404, "Session not found");
    assertError(get("/analytics/sessions/" + id(first), otherSiteKey.key()), 404, "Session not found");
    assertEquals(200, get("/analytics/sessions/" + HumSessionId.encode(2, otherSiteSession.sessionId), otherSiteKey.key()).statusCode());
    assertError(get("/analytics/sessions/" + id(first) + "/more", readKey), 404, "Not found");
  }

  @Test
  void theSeedsExampleReplaysWithTheSameEnvelopeAndShapes() {
    // curl --request GET --url {base}/analytics/sessions --header 'Authorization: Bearer <token>'
    HttpResponse<String> r = server.get("/analytics/sessions", "Authorization", "Bearer " + readKey);
    assertEquals(200, r.statusCode());
    JsonObject body = new JsonObject(r.body());
    assertEquals(List.of("message", "request_status", "data", "meta"), new ArrayList<>(body.fieldNames()));
    assertEquals(List.of("responded_at", "page", "pages", "count"), new ArrayList<>(body.getJsonObject("meta").fieldNames()));
    assertEquals(1, body.getJsonObject("meta").getInteger("page"));
    JsonArray data = body.getJsonArray("data");
    assertEquals(50, data.size());
    for (Object o : data) {
      JsonObject item = (JsonObject) o;
      assertEquals(LIST_FIELDS, new ArrayList<>(item.fieldNames()));
      assertEquals(ADDRESS_FIELDS, new ArrayList<>(item.getJsonObject("address").fieldNames()));
      assertEquals(item.getString("id"), UUID.fromString(item.getString("id")).toString());
      assertTrue(item.getString("created_at").matches(TIME));
      assertTrue(item.getValue("campaign_id") == null || item.getValue("campaign_id") instanceof String);
      assertTrue(item.getValue("furthest_step") == null || item.getValue("furthest_step") instanceof Integer);
      assertTrue(item.getValue("ordered_at") == null || item.getString("ordered_at").matches(TIME));
      assertTrue(item.getValue("installed_at") == null || item.getString("installed_at").matches(TIME));
      assertTrue(item.getValue("installed") == null || item.getValue("installed") instanceof Boolean);
      assertTrue(item.getValue("commission_cents") == null || item.getValue("commission_cents") instanceof Number);
      if (item.getValue("ordered_at") == null) { // the seed's second item: no order, every order field null
        for (String f : List.of("order_number", "installed", "installed_at", "commission_cents")) {
          assertTrue(item.getValue(f) == null, f);
        }
      }
    }
    // the detail of a session with an order, an installation and steps, field by field (§3.4)
    Sess full = sessions.stream().filter(s -> {
      JsonObject e = expected(s, CUSTOM_RULES, true);
      return e.getValue("order") != null && e.getJsonObject("order").getValue("installed_at") != null
          && e.getJsonObject("order").getValue("commission_cents") != null && e.getJsonArray("cart_progression").size() >= 2;
    }).findFirst().orElseThrow();
    JsonObject detail = ok("/analytics/sessions/" + id(full)).getJsonObject("data");
    assertEquals(DETAIL_FIELDS, new ArrayList<>(detail.fieldNames()));
    assertEquals(List.of("order_number", "ordered_at", "installed", "installed_at", "commission_cents"),
        new ArrayList<>(detail.getJsonObject("order").fieldNames()));
    assertEquals(Boolean.TRUE, detail.getJsonObject("order").getBoolean("installed"));
    for (Object o : detail.getJsonArray("cart_progression")) {
      assertEquals(List.of("step", "step_name", "timestamp"), new ArrayList<>(((JsonObject) o).fieldNames()));
      assertTrue(((JsonObject) o).getString("timestamp").matches(TIME));
    }
    assertEquals(detail.getInteger("furthest_step"), detail.getJsonArray("cart_progression")
        .getJsonObject(detail.getJsonArray("cart_progression").size() - 1).getInteger("step"));
    // x-api-key works too
    assertEquals(200, server.get("/analytics/sessions", "x-api-key", readKey).statusCode());
  }

  @Test
  void badInputIsAnErrorInHumsEnvelope() {
    assertError(get("/analytics/sessions", null), 401, "");
    assertError(get("/analytics/sessions", "sl_AAAAAAAAAA_" + "A".repeat(32)), 401, "");
    assertError(get("/analytics/sessions/" + UUID.randomUUID(), null), 401, "");
    assertError(get("/analytics/sessions", keyA.key()), 403, "read");
    for (String page : List.of("0", "-1", "abc", "1.5", "99999999", "", "1e3")) {
      assertError(get("/analytics/sessions?page=" + q(page), readKey), 422, "page");
    }
    assertError(get("/analytics/sessions?page=1&page=2", readKey), 422, "page");
    for (String date : List.of("yesterday", "2026-13-01", "2026-02-30T00:00:00Z", "1e9", "'; drop table sessions; --", "x".repeat(5000),
        "0001-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z")) {
      assertError(get("/analytics/sessions?start_date=" + q(date), readKey), 422, "start_date");
      assertError(get("/analytics/sessions?end_date=" + q(date), readKey), 422, "end_date");
    }
    assertError(get("/analytics/sessions?start_date=2026-03-02T00:00:00Z&end_date=2026-03-01T00:00:00Z", readKey), 422, "start_date");
    assertError(get("/analytics/sessions?with_clicks=maybe", readKey), 422, "with_clicks");
    assertError(server.send("POST", "/analytics/sessions", "{}", "Authorization", "Bearer " + readKey), 405, "");
    // a page past the end is empty, not an error
    JsonObject past = ok("/analytics/sessions?page=1000000");
    assertEquals(0, past.getJsonArray("data").size());
    assertEquals(sessions.size(), past.getJsonObject("meta").getInteger("count"));
    // rate limit: 429 in the envelope, with the limit headers
    Key limited = key("1", "limited", "read", 1);
    assertEquals(200, get("/analytics/sessions", limited.key()).statusCode());
    HttpResponse<String> r = get("/analytics/sessions", limited.key());
    assertError(r, 429, "");
    assertTrue(r.headers().firstValue("Retry-After").isPresent());
    // the database is intact after the SQL-looking inputs
    assertEquals(sessions.size(), ok("/analytics/sessions").getJsonObject("meta").getInteger("count"));
  }

  // ------------------------------------------------------------------ the mapping rules

  private record Cli(int code, String out, String err) {
  }

  static Cli cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--database-url");
    all.add(server.db.url());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = SightlineCommand.create(Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
        .execute(all.toArray(String[]::new));
    return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void mappingRulesAreManagedThroughTheAdminApiAndTheCliAndApplyToEveryAnswer() {
    try {
      JsonObject shown = admin("GET", "/admin/v1/sites/1/hum", null, 200);
      assertEquals("Purchase", shown.getString("order_event"));
      assertEquals("addr1", shown.getJsonObject("address_props").getString("street1"));
      JsonArray funnel = shown.getJsonArray("funnel");
      assertEquals(4, funnel.size());
      for (int i = 0; i < 4; i++) {
        Step st = CUSTOM_RULES.funnel().get(i);
        assertEquals(new JsonObject().put("step", st.step()).put("name", st.name()).put("goal_id", goalIds.get(st.goal())).put("goal", st.goal()),
            funnel.getJsonObject(i));
      }
      // the other site has the defaults
      assertEquals("Order", admin("GET", "/admin/v1/sites/other.example/hum", null, 200).getString("order_event"));

      // invalid rules are refused and change nothing
      JsonObject unknownGoal = mappingBody(CUSTOM_RULES);
      unknownGoal.getJsonArray("funnel").add(new JsonObject().put("step", 9).put("name", "x").put("goal", "No such goal"));
      assertTrue(admin("PUT", "/admin/v1/sites/1/hum", unknownGoal, 400).getString("message").contains("no goal"));
      JsonObject otherSitesGoal = admin("POST", "/admin/v1/sites/other.example/goals",
          new JsonObject().put("name", "Elsewhere").put("type", "custom").put("match", "X"), 201);
      JsonObject foreign = mappingBody(CUSTOM_RULES);
      foreign.getJsonArray("funnel").add(new JsonObject().put("step", 9).put("name", "x").put("goal_id", otherSitesGoal.getInteger("id")));
      admin("PUT", "/admin/v1/sites/1/hum", foreign, 400);
      for (String bad : List.of("{\"order_event\":\"\"}", "{\"order_event\":5}", "{\"address_props\":{\"country\":\"c\"}}",
          "{\"address_props\":\"addr\"}", "{\"commission_prop\":\"a\\u0000b\"}", "{\"funnel\":{}}",
          "{\"funnel\":[{\"step\":0,\"name\":\"a\",\"goal_id\":1}]}", "{\"funnel\":[{\"step\":1,\"name\":\"a\"}]}",
          "{\"funnel\":[{\"step\":1,\"name\":\"a\",\"goal_id\":1},{\"step\":1,\"name\":\"b\",\"goal_id\":1}]}",
          "{\"funnel\":[{\"step\":1,\"name\":\"\",\"goal_id\":1}]}", "{\"funnel\":[{\"step\":\"1\",\"name\":\"a\",\"goal_id\":1}]}", "[]")) {
        admin("PUT", "/admin/v1/sites/1/hum", bad, 400);
      }
      assertEquals(shown, admin("GET", "/admin/v1/sites/1/hum", null, 200));
      admin("GET", "/admin/v1/sites/nosuch.example/hum", null, 404);
      assertEquals(403, server.get("/admin/v1/sites/1/hum", "x-api-key", readKey).statusCode());

      // the CLI: other properties and a shorter funnel; the answers follow at once
      Cli set = cli("hum", "set", "localhost", "--commission-prop", "commission_cents", "--address-prop", "street1=street1",
          "--step", "2:" + goalIds.get("Addons") + ":addons", "--step", "5:" + goalIds.get("Plan chosen") + ":plan: chosen");
      assertEquals(0, set.code(), set.err());
      Mapping viaCli = new Mapping("Purchase", "order_no", "Install confirmed", "commission_cents", DEFAULT_RULES.address(),
          List.of(new Step(2, "addons", "Addons", "pageview", "/cart/addons*"), new Step(5, "plan: chosen", "Plan chosen", "custom", "PlanSelected")));
      Cli show = cli("hum", "show", "1");
      assertEquals(0, show.code(), show.err());
      assertTrue(show.out().contains("plan: chosen") && show.out().contains("commission_cents") && show.out().contains("/cart/addons*"), show.out());
      assertListMatches("", s -> true, viaCli);
      assertEquals(expected(sessions.get(3), viaCli, true).encode(), ok("/analytics/sessions/" + id(sessions.get(3))).getJsonObject("data").encode());
      assertEquals(2, cli("hum", "set", "localhost", "--step", "1:x:name").code());
      assertEquals(2, cli("hum", "set", "localhost", "--address-prop", "country=c").code());
      assertEquals(2, cli("hum", "set", "localhost", "--step", "1:999999:name").code(), "an unknown goal id is refused");

      // removing a goal removes its step
      JsonObject extra = admin("POST", "/admin/v1/sites/1/goals", new JsonObject().put("name", "Temporary").put("type", "form").put("match", "*"), 201);
      JsonObject withExtra = mappingBody(CUSTOM_RULES);
      withExtra.getJsonArray("funnel").add(new JsonObject().put("step", 7).put("name", "any_form").put("goal_id", extra.getInteger("id")));
      assertEquals(5, admin("PUT", "/admin/v1/sites/1/hum", withExtra, 200).getJsonArray("funnel").size());
      admin("DELETE", "/admin/v1/sites/1/goals/" + extra.getInteger("id"), null, 204);
      assertEquals(4, admin("GET", "/admin/v1/sites/1/hum", null, 200).getJsonArray("funnel").size());

      // the defaults: the address from street1..zip, orders from Order events and their order_number
      Cli reset = cli("hum", "reset", "localhost");
      assertEquals(0, reset.code(), reset.err());
      assertTrue(reset.out().contains("funnel:             none"), reset.out());
      assertListMatches("", s -> true, DEFAULT_RULES);
      JsonObject deleted = admin("DELETE", "/admin/v1/sites/1/hum", null, 200);
      assertEquals("Order", deleted.getString("order_event"));
      assertEquals(0, deleted.getJsonArray("funnel").size());
    } finally {
      admin("PUT", "/admin/v1/sites/1/hum", mappingBody(CUSTOM_RULES), 200);
    }
  }
}
