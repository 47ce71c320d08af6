package io.sightline.tracker;

import io.sightline.ingest.EventType;
import io.sightline.ingest.IncomingEvent;
import io.sightline.ingest.http.PlausibleEventParser;
import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("integration")
class TrackerScriptTest {
  private static RunningServer server;

  @BeforeAll
  static void start() {
    server = RunningServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void isServedWithCachingHeadersAnEtagAndAVersionedPath() {
    TrackerScript script = TrackerScript.load();
    HttpResponse<String> r = server.get("/js/sightline.js");
    assertEquals(200, r.statusCode());
    assertEquals(script.body(), r.body());
    assertEquals("application/javascript; charset=utf-8", r.headers().firstValue("content-type").orElse(""));
    assertEquals("public, max-age=3600", r.headers().firstValue("cache-control").orElse(""));
    String etag = r.headers().firstValue("etag").orElseThrow();
    assertEquals("\"" + script.hash() + "\"", etag);
    assertEquals(304, server.get("/js/sightline.js", "If-None-Match", etag).statusCode());

    HttpResponse<String> pinned = server.get("/js/sightline." + script.hash() + ".js");
    assertEquals(200, pinned.statusCode());
    assertEquals("public, max-age=31536000, immutable", pinned.headers().firstValue("cache-control").orElse(""));
    assertEquals(404, server.get("/js/sightline.000000000000.js").statusCode());
  }

  @Test
  void isUnderTwoKilobytesGzippedAndKeepsNoCommentsOrIdentifiers() throws Exception {
    String body = TrackerScript.load().body();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(body.getBytes(StandardCharsets.UTF_8));
    }
    assertTrue(out.size() < 2048, "gzipped size " + out.size());
    assertFalse(body.contains("/*"), "comments stripped");
    assertFalse(body.contains("document.cookie"), "no cookies");
    assertFalse(body.contains("localStorage.setItem"), "stores nothing");
    HttpResponse<String> r = server.get("/js/sightline.js", "Accept-Encoding", "gzip");
    assertEquals("gzip", r.headers().firstValue("content-encoding").orElse(""), "compressed for browsers that accept it");
  }

  @Test
  void theEventEndpointReadsEveryFieldTheTrackerSends() {
    IncomingEvent click = PlausibleEventParser.parse(new JsonObject("""
        {"n":"Outbound Link: Click","t":"click","tl":"Partner offer","ts":"https://outbound.example/offer",
         "p":{"url":"https://outbound.example/offer"},"u":"https://a.example/x","d":"a.example","w":1280,
         "event_id":"0f8fad5b-d9cb-469f-a165-70867728950e"}"""));
    assertEquals(EventType.CLICK, click.type());
    assertEquals("Outbound Link: Click", click.name());
    assertEquals("Partner offer", click.targetLabel());
    assertEquals("https://outbound.example/offer", click.targetSecondary());
    assertEquals(1280, click.screenWidth());
    assertEquals("0f8fad5b-d9cb-469f-a165-70867728950e", click.eventId());
    IncomingEvent form = PlausibleEventParser.parse(new JsonObject("{\"n\":\"form\",\"t\":\"form\",\"tl\":\"signup\",\"ts\":\"/signup\",\"u\":\"https://a.example/\",\"d\":\"a.example\"}"));
    assertEquals(EventType.FORM, form.type());
    IncomingEvent engagement = PlausibleEventParser.parse(new JsonObject("{\"n\":\"engagement\",\"u\":\"https://a.example/\",\"d\":\"a.example\",\"sd\":55,\"e\":3200,\"i\":false}"));
    assertEquals(EventType.ENGAGEMENT, engagement.type());
    assertEquals(55, engagement.scrollDepth());
    assertEquals(3200, engagement.engagementMs());
    assertFalse(engagement.interactive());
    IncomingEvent custom = PlausibleEventParser.parse(new JsonObject("{\"n\":\"Purchase\",\"u\":\"https://a.example/\",\"d\":\"a.example\","
        + "\"p\":{\"plan\":\"pro\"},\"$\":{\"amount\":49.99,\"currency\":\"EUR\"},\"i\":true}"));
    assertEquals(EventType.CUSTOM, custom.type());
    assertEquals("EUR", custom.revenueCurrency());
  }
}
