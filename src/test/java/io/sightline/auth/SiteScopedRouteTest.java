package io.sightline.auth;

import io.sightline.http.FailureHandler;
import io.sightline.support.PgTestBase;
import io.sightline.db.MigrationRunner;
import io.sightline.site.SiteService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The check every dialect route that names a site will use: a key for site A asking about site B gets 403. */
@Tag("integration")
class SiteScopedRouteTest extends PgTestBase {

  @Test
  void aKeyForOneSiteIsForbiddenOnAnotherSitesRoute() throws Exception {
    await(new MigrationRunner(pool, MigrationRunner.bundled()).migrate());
    SiteService sites = new SiteService(pool);
    ApiKeyService keys = new ApiKeyService(pool);
    int siteA = await(sites.add("a.example", null, "UTC")).id();
    int siteB = await(sites.add("b.example", null, "UTC")).id();
    String keyA = await(keys.create(siteA, "reader", EnumSet.of(Scope.READ), null)).key();

    ApiKeyAuthenticator authenticator = new ApiKeyAuthenticator(keys, Duration.ofSeconds(5), System::currentTimeMillis);
    Router router = Router.router(vertx);
    router.get("/sites/:id/stats")
        .handler(ApiKeyAuthHandler.create(authenticator))
        .handler(new RateLimitHandler(new RateLimiter(System::currentTimeMillis), "admin", 100, new SimpleMeterRegistry()))
        .handler(RequireScope.of(Scope.READ))
        .handler(ctx -> {
          RequireScope.requireSite(ctx, Integer.parseInt(ctx.pathParam("id")));
          ctx.response().end("ok");
        })
        .failureHandler(new FailureHandler());
    HttpServer http = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));

    HttpClient client = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + http.actualPort() + "/sites/";
    HttpResponse<String> own = client.send(HttpRequest.newBuilder(URI.create(base + siteA + "/stats")).header("Authorization", "Bearer " + keyA).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> other = client.send(HttpRequest.newBuilder(URI.create(base + siteB + "/stats")).header("Authorization", "Bearer " + keyA).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, own.statusCode());
    assertEquals(403, other.statusCode());
    assertEquals("{\"error\":\"forbidden\",\"message\":\"This API key belongs to another site\"}", other.body());
    await(http.close());
  }
}
