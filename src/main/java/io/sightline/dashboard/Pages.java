package io.sightline.dashboard;

import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The dashboard's two HTML documents (the page shell and the login form), filled in per request.
 * Every URL in them is relative to the document, so Sightline works under any path of a reverse proxy.
 * Values are HTML-escaped unless they are markup of this class's own.
 */
final class Pages {
  private final String shell = new String(DashboardAssets.read("/dashboard/index.html"), StandardCharsets.UTF_8);
  private final String login = new String(DashboardAssets.read("/dashboard/login.html"), StandardCharsets.UTF_8);
  private final String assets;

  Pages(DashboardAssets assets) {
    this.assets = assets.path();
  }

  /**
   * The dashboard shell.
   *
   * @param root the site root relative to the document ({@code ./} at {@code /}, {@code ../} at {@code /share/<token>})
   * @param api  the data endpoints relative to the document
   * @param csrf the session's CSRF token for the logout form, or null for a shared link (no logout)
   */
  String shell(String root, String api, String mode, String title, String csrf) {
    String logout = csrf == null ? "" : "<form method=\"post\" action=\"" + root + "logout\" class=\"logout\"><input type=\"hidden\" "
        + "name=\"csrf\" value=\"" + escape(csrf) + "\"><button type=\"submit\" id=\"logout\">Log out</button></form>";
    return fill(shell, Map.of("root", escape(root), "api", escape(api), "mode", escape(mode), "title", escape(title),
        "assets", escape(root + assets), "home", escape(csrf == null ? "" : root), "logout", logout));
  }

  String loginForm(String root, String action, String message, String email, String next) {
    String fields = "<label>E-mail <input type=\"email\" name=\"email\" id=\"email\" autocomplete=\"username\" required value=\""
        + escape(email) + "\"></label>";
    return fill(login, Map.of("title", "Log in", "assets", escape(root + assets), "action", escape(action),
        "intro", "Log in to see your sites' analytics.", "message", escape(message), "fields", fields, "next", escape(next),
        "button", "Log in"));
  }

  String sharePassword(String root, String action, String siteName, String message) {
    return fill(login, Map.of("title", escape(siteName), "assets", escape(root + assets), "action", escape(action),
        "intro", "The dashboard of " + escape(siteName) + " is shared with a password.", "message", escape(message), "fields", "",
        "next", "", "button", "Open"));
  }

  static void send(RoutingContext ctx, int status, String html) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store")
        .putHeader("X-Frame-Options", "DENY").putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            + "frame-ancestors 'none'; form-action 'self'")
        .end(html);
  }

  private static String fill(String template, Map<String, String> values) {
    StringBuilder out = new StringBuilder(template.length() + 256);
    int i = 0;
    while (true) {
      int open = template.indexOf("{{", i);
      if (open < 0) {
        out.append(template, i, template.length());
        return out.toString();
      }
      int close = template.indexOf("}}", open);
      out.append(template, i, open);
      String key = template.substring(open + 2, close);
      out.append(values.getOrDefault(key, ""));
      i = close + 2;
    }
  }

  static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
