package io.sightline.mail;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The unsubscribe link of e-mail reports, without login: {@code GET /mail/unsubscribe?token=…}
 * shows what would stop and a button (a GET changes nothing, so mail scanners that open links do no
 * harm); {@code POST} with the same token removes the subscription, which is also what a mail
 * client's one-click unsubscribe (RFC 8058) sends.
 */
public final class UnsubscribeRoutes {
  public static final String PATH = UnsubscribeTokens.PATH;
  private final MailSubscriptions subscriptions;
  private final UnsubscribeTokens tokens;

  public UnsubscribeRoutes(Pool pool) {
    this.subscriptions = new MailSubscriptions(pool);
    this.tokens = new UnsubscribeTokens(pool);
  }

  public void mount(Router router) {
    router.get(PATH).handler(this::confirm);
    router.post(PATH).handler(this::unsubscribe);
  }

  private void confirm(RoutingContext ctx) {
    String token = ctx.request().getParam("token");
    subscription(token).onSuccess(found -> {
      if (found.isEmpty()) {
        page(ctx, 404, "Link not valid", "<p>This unsubscribe link is not valid, or the report was already stopped.</p>");
        return;
      }
      Subscription s = found.get();
      page(ctx, 200, "Unsubscribe", "<p>Stop sending the " + s.frequency().id() + " report of <b>" + Html.escape(s.domain()) + "</b> to <b>"
          + Html.escape(s.recipient()) + "</b>?</p><form method=\"post\" action=\"" + PATH + "?token=" + Html.escape(token)
          + "\"><button type=\"submit\">Unsubscribe</button></form>");
    }).onFailure(ctx::fail);
  }

  private void unsubscribe(RoutingContext ctx) {
    tokens.verify(ctx.request().getParam("token"))
        .compose(id -> id.isEmpty() ? Future.succeededFuture(false) : subscriptions.delete(id.getAsInt()))
        .onSuccess(deleted -> {
          if (deleted) {
            page(ctx, 200, "Unsubscribed", "<p>You are unsubscribed: no more of these reports will be sent.</p>");
          } else {
            page(ctx, 404, "Link not valid", "<p>This unsubscribe link is not valid, or the report was already stopped.</p>");
          }
        }).onFailure(ctx::fail);
  }

  private Future<Optional<Subscription>> subscription(String token) {
    return tokens.verify(token).compose((OptionalInt id) -> id.isEmpty() ? Future.succeededFuture(Optional.empty())
        : subscriptions.find(id.getAsInt()));
  }

  private static void page(RoutingContext ctx, int status, String title, String body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader("X-Robots-Tag", "noindex")
        .end("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title + "</title></head>"
            + "<body style=\"font-family:sans-serif;max-width:40em;margin:3em auto\"><h1>" + title + "</h1>" + body + "</body></html>");
  }
}
