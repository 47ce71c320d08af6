package io.sightline.apidocs;

import io.sightline.http.ApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The API reference: each API's OpenAPI 3.1 document ({@code openapi/<api>.json} in the jar) at
 * {@code /api/docs/<api>.json}, and a browsable page at {@code /api/docs} (Swagger UI, served from its
 * WebJar under {@code /api/docs/ui/}). Public: the documents describe the APIs, not any site's data.
 */
public final class ApiDocsRoutes {
  public static final String PATH = "/api/docs";

  /** The documents, in the order the page lists them: file name → title. */
  public static final Map<String, String> DOCUMENTS = documents();

  private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
  private final Map<String, Buffer> bodies = new LinkedHashMap<>();
  private final Buffer page;

  public ApiDocsRoutes() {
    for (String api : DOCUMENTS.keySet()) {
      bodies.put(api, Buffer.buffer(resource("openapi/" + api + ".json")));
    }
    this.page = Buffer.buffer(page().getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, String> documents() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("clickport", "Clickport (native)");
    m.put("ingestion", "Ingestion (events in)");
    m.put("datalyr", "DATALYR Public API");
    m.put("humblytics", "Humblytics External Analytics API v1");
    m.put("hubspot", "HubSpot Analytics API v2");
    m.put("hum", "Hum analytics sessions");
    m.put("admin", "Admin API");
    return java.util.Collections.unmodifiableMap(m);
  }

  public void mount(Router router) {
    router.get(PATH).handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache").end(page));
    router.get(PATH + "/ui/*").handler(StaticHandler.create(WEBJAR + swaggerUiVersion()).setCachingEnabled(true).setMaxAgeSeconds(86_400));
    router.get(PATH + "/:document").handler(this::document);
  }

  private void document(RoutingContext ctx) {
    String name = ctx.pathParam("document");
    Buffer body = name.endsWith(".json") ? bodies.get(name.substring(0, name.length() - ".json".length())) : null;
    if (body == null) {
      ctx.fail(ApiException.notFound("No API document " + name + "; known: "
          + String.join(", ", DOCUMENTS.keySet().stream().map(d -> d + ".json").toList())));
      return;
    }
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache").end(body);
  }

  /** The page: a list of the documents and Swagger UI with a selector over all of them. */
  private static String page() {
    StringBuilder links = new StringBuilder();
    StringBuilder urls = new StringBuilder();
    for (Map.Entry<String, String> d : DOCUMENTS.entrySet()) {
      links.append("<li><a href=\"").append(PATH).append('/').append(d.getKey()).append(".json\">").append(d.getValue())
          .append("</a> <code>").append(PATH).append('/').append(d.getKey()).append(".json</code></li>\n");
      urls.append(urls.length() == 0 ? "" : ",\n      ").append("{url: \"").append(PATH).append('/').append(d.getKey())
          .append(".json\", name: \"").append(d.getValue()).append("\"}");
    }
    return """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>Sightline API reference</title>
          <link rel="stylesheet" href="%1$s/ui/swagger-ui.css">
          <style>body{margin:0;font-family:sans-serif} nav{padding:12px 20px;border-bottom:1px solid #ddd} nav ul{margin:4px 0}</style>
        </head>
        <body>
        <nav>
          <strong>Sightline API reference</strong>: one OpenAPI 3.1 document per API (choose one in the bar below).
          <ul>
        %2$s  </ul>
        </nav>
        <div id="swagger-ui"></div>
        <script src="%1$s/ui/swagger-ui-bundle.js"></script>
        <script src="%1$s/ui/swagger-ui-standalone-preset.js"></script>
        <script>
          window.ui = SwaggerUIBundle({
            urls: [
              %3$s
            ],
            dom_id: "#swagger-ui",
            deepLinking: true,
            presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
            layout: "StandaloneLayout"
          });
        </script>
        </body>
        </html>
        """.formatted(PATH, links, urls);
  }

  /** The Swagger UI WebJar's version, from its Maven metadata, so that upgrading the dependency needs no code change. */
  static String swaggerUiVersion() {
    Properties p = new Properties();
    try (InputStream in = ApiDocsRoutes.class.getClassLoader().getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("the swagger-ui WebJar is not on the classpath");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version");
  }

  private static byte[] resource(String name) {
    try (InputStream in = ApiDocsRoutes.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** For tests and tools: the names of the documents. */
  public static List<String> names() {
    return List.copyOf(DOCUMENTS.keySet());
  }
}
