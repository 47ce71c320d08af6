package io.sightline.ingest.http;
import io.sightline.auth.ApiKeyAuthHandler;
import io.sightline.auth.ApiKeyAuthenticator;
import io.sightline.auth.ApiPrincipal;
import io.sightline.auth.Scope;
import io.sightline.config.IngestConfig;
import io.sightline.http.ApiException;
import io.sightline.http.JsonResponses;
import io.sightline.http.ReasonPhraseErrorRenderer;
import io.sightline.ingest.EventRouter;
import io.sightline.ingest.IncomingEvent;
import io.sightline.ingest.IngestService;
import io.sightline.ingest.Outcome;
import io.sightline.ingest.RequestFacts;
import io.sightline.ingest.Routed;
import io.sightline.ingest.enrich.UserAgentInfo;
import io.sightline.ingest.pipeline.DropReason;
import io.sightline.ingest.pipeline.EventDraft;
import io.sightline.net.ClientIpResolver;
import io.sightline.net.IpAddresses;
import io.sightline.site.Site;
import io.sightline.site.SiteCache;
import io.sightline.store.EventWriterVerticle;
import io.sightline.store.StoredIds;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /api/event} and {@code POST /api/event/batch}.
 * <ul>
 *   <li>With a key ({@code x-api-key} or Bearer, scope {@code ingest}): the Clickport body; 200
 *   {@code {"success":true,"session_id":…,"page_visit_id":…}} once committed; 400 for invalid
 *   events, bots and missing User-Agents; 200 {@code {"success":true}} for DNT and the like.</li>
 *   <li>Without a key: the Plausible Events API body (JSON or {@code text/plain}), site found by
 *   {@code domain}, CORS open to any origin; 202 {@code ok} once committed or dropped. A body that is
 *   not Plausible's ({@link PlausibleEventParser#isPlausibleShaped}: a Clickport event) is a 401.</li>
 *   <li>Batch (key required): an array of Clickport events, a result per event, one commit.</li>
 * </ul>
 * A 2xx with ids means committed. An event with an {@code event_id} the site has stored (or is storing) is a copy: it is not
 * stored again, and answered as the stored event was, once that is committed. When the writer queue is full: 503 with
 * {@code Retry-After}, nothing stored; when the commit is not confirmed in {@code writer.ackTimeoutSeconds}: 503, the events
 * may still be stored, and a retry with the same {@code event_id} stores each once.
 */
public final class IngestRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(IngestRoutes.class);
  public static final String PATH = "/api/event";

  private final IngestService ingest;
  private final ApiKeyAuthenticator authenticator;
  private final SiteCache sites;
  private final ClientIpResolver clientIps;
  private final IngestConfig config;
  private final long maxBodyBytes;
  /** Cluster mode: each event goes to its visitor's owner (docs/cluster.md); null on a single node. */
  private final EventRouter router;

  public IngestRoutes(IngestService ingest, ApiKeyAuthenticator authenticator, SiteCache sites, IngestConfig config, long maxBodyBytes) {
    this(ingest, authenticator, sites, config, maxBodyBytes, null);
  }

  public IngestRoutes(IngestService ingest, ApiKeyAuthenticator authenticator, SiteCache sites, IngestConfig config, long maxBodyBytes,
                      EventRouter router) {
    this.router = router;
    this.ingest = ingest;
    this.authenticator = authenticator;
    this.sites = sites;
    this.clientIps = new ClientIpResolver(config.trustedProxies());
    this.config = config;
    this.maxBodyBytes = maxBodyBytes;
  }

  public void mount(Router router) {
    var renderer = new ReasonPhraseErrorRenderer().install();
    router.options(PATH).handler(IngestRoutes::preflight);
    router.options(PATH + "/batch").handler(IngestRoutes::preflight);
    // (an oversized body fails in the body handler: the public router's /api/* route has already chosen Clickport's shape)
    router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes)).handler(renderer).handler(this::single);
    router.post(PATH + "/batch").handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes)).handler(renderer).handler(this::batch);
  }

  private static void preflight(RoutingContext ctx) {
    ctx.response().setStatusCode(204)
        .putHeader("Access-Control-Allow-Origin", "*")
        .putHeader("Access-Control-Allow-Methods", "POST, OPTIONS")
        .putHeader("Access-Control-Allow-Headers", "Content-Type, X-Api-Key, Authorization")
        .putHeader("Access-Control-Max-Age", "86400")
        .end();
  }

  private void single(RoutingContext ctx) {
    ctx.response().putHeader("Access-Control-Allow-Origin", "*");
    String key = keyOf(ctx.request());
    if (key == null) {
      keyless(ctx);
      return;
    }
    authenticateIngest(key)
        .compose(principal -> {
          IncomingEvent event = ClickportEventParser.parse(JsonResponses.bodyObject(ctx));
          return site(principal.siteId()).compose(site -> ingest.prepare(site).compose(ready -> facts(ctx, principal.apiKeyId()))
              .compose(facts -> {
                if (router != null) {
                  return router.route(site, event, facts).compose(routed -> answer(ctx, routed));
                }
                Outcome outcome = ingest.process(site, event, facts);
                if (outcome.isDuplicate()) {
                  return outcome.original().compose(ids -> JsonResponses.send(ctx, 200, success(ids)));
                }
                if (!outcome.isAccepted()) {
                  return rejectOrIgnore(ctx, outcome);
                }
                EventDraft d = outcome.draft();
                return ingest.commit(List.of(d)).compose(committed -> JsonResponses.send(ctx, 200, success(d)));
              }));
        })
        .onFailure(err -> fail(ctx, err));
  }

  private void batch(RoutingContext ctx) {
    String key = keyOf(ctx.request());
    if (key == null) {
      ctx.fail(ApiException.unauthorized("Missing API key: send 'x-api-key: <key>' or 'Authorization: Bearer <key>'"));
      return;
    }
    authenticateIngest(key)
        .compose(principal -> {
          JsonArray array = bodyArray(ctx);
          return site(principal.siteId()).compose(site -> ingest.prepare(site).compose(ready -> facts(ctx, principal.apiKeyId())).compose(facts -> {
            if (router != null) {
              return routedBatch(ctx, site, array, facts);
            }
            List<JsonObject> results = new ArrayList<>();
            List<EventDraft> accepted = new ArrayList<>();
            List<Future<?>> copies = new ArrayList<>();
            for (int i = 0; i < array.size(); i++) {
              results.add(batchItem(site, array.getValue(i), i, facts, accepted, copies));
            }
            // a copy of an event sent before (its event_id) counts as accepted, answered with the stored event's ids once it is stored
            return ingest.commit(accepted).compose(committed -> Future.all(copies)).compose(answered -> {
              for (EventDraft d : accepted) {
                if (d.original != null) { // found stored by the writer: not stored again
                  results.set(d.index, success(d.original).put("index", d.index));
                }
              }
              return JsonResponses.send(ctx, 200, new JsonObject().put("accepted", accepted.size() + copies.size())
                  .put("results", new JsonArray(results)));
            });
          }));
        })
        .onFailure(err -> fail(ctx, err));
  }

  /** Cluster mode: each item goes to its visitor's owner; answered once every owner has answered (any failure fails the request). */
  private Future<Void> routedBatch(RoutingContext ctx, Site site, JsonArray array, RequestFacts facts) {
    List<JsonObject> results = new ArrayList<>();
    List<Future<Routed>> sent = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      int index = i;
      if (!(array.getValue(i) instanceof JsonObject o)) {
        results.add(failure(index, "each event must be a JSON object"));
        continue;
      }
      IncomingEvent event;
      try {
        event = ClickportEventParser.parse(o);
      } catch (ApiException e) {
        results.add(failure(index, e.getMessage()));
        continue;
      }
      JsonObject result = new JsonObject();
      results.add(result);
      sent.add(router.route(site, event, facts).onSuccess(routed -> {
        if (routed.answered()) {
          result.mergeIn(success(routed.ids())).put("index", index);
        } else if (routed.dropped().rejects()) {
          result.mergeIn(failure(index, routed.message()).put("reason", routed.dropped().id()));
        } else {
          result.put("index", index).put("success", true).put("dropped", routed.dropped().id());
        }
      }));
    }
    return Future.all(sent).compose(all -> {
      long accepted = sent.stream().filter(f -> f.result().answered()).count();
      return JsonResponses.send(ctx, 200, new JsonObject().put("accepted", accepted).put("results", new JsonArray(results)));
    });
  }

  /** A routed single event's answer: as {@link #single} answers it on one node. */
  private static Future<Void> answer(RoutingContext ctx, Routed routed) {
    if (routed.answered()) {
      return JsonResponses.send(ctx, 200, success(routed.ids()));
    }
    if (routed.dropped().rejects()) {
      return Future.failedFuture(ApiException.badRequest(routed.message()));
    }
    return JsonResponses.send(ctx, 200, new JsonObject().put("success", true));
  }

  private JsonObject batchItem(Site site, Object item, int index, RequestFacts facts, List<EventDraft> accepted, List<Future<?>> copies) {
    if (!(item instanceof JsonObject o)) {
      return failure(index, "each event must be a JSON object");
    }
    IncomingEvent event;
    try {
      event = ClickportEventParser.parse(o);
    } catch (ApiException e) {
      return failure(index, e.getMessage());
    }
    Outcome outcome = ingest.process(site, event, facts);
    if (outcome.isDuplicate()) {
      JsonObject result = new JsonObject();
      copies.add(outcome.original().onSuccess(ids -> result.mergeIn(success(ids)).put("index", index)));
      return result;
    }
    if (outcome.isAccepted()) {
      accepted.add(outcome.draft());
      outcome.draft().index = index;
      return success(outcome.draft()).put("index", index);
    }
    if (outcome.dropReason().rejects()) {
      return failure(index, outcome.message()).put("reason", outcome.dropReason().id());
    }
    return new JsonObject().put("index", index).put("success", true).put("dropped", outcome.dropReason().id());
  }

  private JsonArray bodyArray(RoutingContext ctx) {
    Object parsed;
    try {
      parsed = ctx.body().length() == 0 ? null : io.vertx.core.json.Json.decodeValue(ctx.body().buffer());
    } catch (RuntimeException e) {
      throw ApiException.badRequest("Request body is not valid JSON");
    }
    JsonArray array = parsed instanceof JsonArray a ? a
        : parsed instanceof JsonObject o && o.getValue("events") instanceof JsonArray a2 ? a2 : null;
    if (array == null) {
      throw ApiException.badRequest("Request body must be a JSON array of events (or {\"events\": [...]})");
    }
    if (array.isEmpty() || array.size() > config.maxBatchEvents()) {
      throw ApiException.badRequest("a batch holds 1 to " + config.maxBatchEvents() + " events");
    }
    return array;
  }

  private void keyless(RoutingContext ctx) {
    IncomingEvent event;
    try {
      JsonObject body;
      try {
        body = ctx.body().length() == 0 ? null : new JsonObject(ctx.body().buffer());
      } catch (RuntimeException e) {
        throw ApiException.badRequest("Request body is not a valid JSON object");
      }
      if (body == null) {
        throw ApiException.badRequest("Request body must be a JSON object");
      }
      if (!PlausibleEventParser.isPlausibleShaped(body)) {
        // a Clickport event (no domain to find the site by) is a keyed request that forgot its key
        throw ApiException.unauthorized("Missing API key: send 'x-api-key: <key>' or 'Authorization: Bearer <key>'");
      }
      event = PlausibleEventParser.parse(body);
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    List<String> domains = new ArrayList<>();
    for (String d : event.domain().split(",")) {
      if (!d.isBlank() && domains.size() < 10) {
        domains.add(d.trim());
      }
    }
    facts(ctx, null).compose(facts -> {
      List<Future<Optional<Site>>> lookups = domains.stream()
          .map(domain -> sites.byDomain(domain).compose(s -> s.isEmpty() ? Future.succeededFuture(s) : ingest.prepare(s.get()).map(s)))
          .toList();
      return Future.all(lookups).compose(all -> {
        if (router != null) {
          List<Future<Routed>> sent = new ArrayList<>();
          for (Future<Optional<Site>> lookup : lookups) {
            lookup.result().ifPresentOrElse(site -> sent.add(router.route(site, event, facts)),
                () -> ingest.metrics().dropped(DropReason.UNKNOWN_SITE, null));
          }
          return Future.all(sent).<Void>mapEmpty();
        }
        List<EventDraft> accepted = new ArrayList<>();
        List<Future<?>> copies = new ArrayList<>();
        for (Future<Optional<Site>> lookup : lookups) {
          Optional<Site> site = lookup.result();
          if (site.isEmpty()) {
            ingest.metrics().dropped(DropReason.UNKNOWN_SITE, null);
            continue;
          }
          Outcome outcome = ingest.process(site.get(), event, facts);
          if (outcome.isAccepted()) {
            accepted.add(outcome.draft());
          } else if (outcome.isDuplicate()) {
            copies.add(outcome.original()); // answered once the first copy is stored
          }
        }
        return ingest.commit(accepted).compose(v -> Future.all(copies)).mapEmpty();
      });
    }).onSuccess(v -> ctx.response().setStatusCode(202).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").end("ok"))
        .onFailure(err -> fail(ctx, err));
  }

  private Future<ApiPrincipal> authenticateIngest(String key) {
    return authenticator.resolve(key).compose(p -> p.has(Scope.INGEST) ? Future.succeededFuture(p)
        : Future.failedFuture(ApiException.forbidden("This API key does not have the 'ingest' scope")));
  }

  private Future<Site> site(int id) {
    return sites.byId(id).compose(s -> s.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ApiException.forbidden("This API key's site no longer exists"))));
  }

  private Future<RequestFacts> facts(RoutingContext ctx, Integer keyId) {
    HttpServerRequest req = ctx.request();
    String ua = req.getHeader(HttpHeaders.USER_AGENT);
    String xff = req.getHeader("X-Forwarded-For");
    byte[] ip = keyId != null && xff != null ? senderForwarded(xff) : null;
    if (ip == null) {
      // the connection's peer (kept per connection): the routed request's remoteAddress() runs Vert.x's forwarded-header
      // parser on every call, and forwarding headers are the resolver's to judge (trusted proxies only)
      SocketAddress peer = req.connection() == null ? req.remoteAddress() : req.connection().remoteAddress();
      ip = clientIps.resolve(peer == null ? null : peer.hostAddress(), xff, req.getHeader("Forwarded"));
    }
    if (ip == null) {
      ip = new byte[4];
    }
    byte[] clientIp = ip;
    String cdnCountry = config.cdnCountryHeader().map(req::getHeader).orElse(null);
    Instant received = Instant.now();
    return ingest.userAgent(ua).map((UserAgentInfo info) -> new RequestFacts(clientIp, ua, info,
        "1".equals(req.getHeader("DNT")), "1".equals(req.getHeader("Sec-GPC")), cdnCountry, received, keyId));
  }

  /**
   * A keyed (server-side) sender names its visitor's address in {@code X-Forwarded-For}, as with
   * Plausible's Events API: the key vouches for it. The first address is the visitor's.
   */
  private static byte[] senderForwarded(String xff) {
    String first = xff.split(",")[0].trim();
    return IpAddresses.literal(first);
  }

  private static Future<Void> rejectOrIgnore(RoutingContext ctx, Outcome outcome) {
    if (outcome.dropReason().rejects()) {
      return Future.failedFuture(ApiException.badRequest(outcome.message()));
    }
    return JsonResponses.send(ctx, 200, new JsonObject().put("success", true));
  }

  private static JsonObject success(EventDraft d) {
    return success(d.answer());
  }

  /** The answer to a stored event, and to every copy of it sent again with its {@code event_id}. */
  private static JsonObject success(StoredIds ids) {
    JsonObject body = new JsonObject().put("success", true).put("session_id", ids.sessionId());
    if (ids.pageVisitId() != 0) {
      body.put("page_visit_id", Long.toHexString(ids.pageVisitId()));
    }
    return body;
  }

  private static JsonObject failure(int index, String message) {
    return new JsonObject().put("index", index).put("success", false).put("error", message);
  }

  private static void fail(RoutingContext ctx, Throwable err) {
    if (ctx.response().ended()) {
      return;
    }
    if (err instanceof ReplyException reply && reply.failureCode() == EventWriterVerticle.UNSTORABLE) {
      ctx.fail(ApiException.badRequest("The event could not be stored (invalid data); it was not recorded"));
      return;
    }
    if (err instanceof ReplyException reply) {
      boolean refused = reply.failureCode() == EventWriterVerticle.QUEUE_FULL || reply.failureType() == ReplyFailure.TIMEOUT
          || reply.failureType() == ReplyFailure.NO_HANDLERS;
      if (refused) {
        LOG.debug("Event not accepted by the writer: {}", reply.getMessage());
        ctx.response().putHeader("Retry-After", "5");
        // a timeout: the writer keeps the events and may still commit them once PostgreSQL answers; refused: nothing of this
        // request reached a writer, but a batch split over writer partitions may have had other parts committed
        boolean batch = ctx.request().path().endsWith("/batch");
        String message = reply.failureType() == ReplyFailure.TIMEOUT
            ? "The commit was not confirmed within the writer's time limit: the events may still be stored. Retry with the same "
              + "event_id, which stores each event once (an event sent without one may then be stored twice)"
            : batch ? "Events cannot be stored right now. Events of other writer partitions may have been stored: retry with the same "
              + "event_id values, which stores each event once"
            : "Events cannot be stored right now; nothing was stored. Retry later";
        ctx.fail(new ApiException(503, "unavailable", message));
        return;
      }
    }
    ctx.fail(err);
  }

  private static String keyOf(HttpServerRequest req) {
    return ApiKeyAuthHandler.keyFrom(req);
  }
}
