package io.sightline.mail;

import java.util.List;
import java.util.Map;

/** A digest as an e-mail: its subject, a plain-text part and an HTML part (every value from the digest, text escaped in HTML). */
public record DigestMessage(String subject, String text, String html) {
  private static final List<String[]> STATS = List.of(new String[] {"visitors", "Visitors"}, new String[] {"sessions", "Visits"},
      new String[] {"pageviews", "Pageviews"}, new String[] {"bounce_rate", "Bounce rate"}, new String[] {"avg_duration", "Visit duration"});

  public static DigestMessage of(Digest d, String unsubscribeUrl) {
    Subscription s = d.subscription();
    String range = d.period().start() + " to " + d.period().lastDay();
    String subject = "Sightline " + s.frequency().id() + " report for " + s.domain() + ": " + range;
    String previous = d.previousPeriod().start() + " to " + d.previousPeriod().lastDay();

    StringBuilder text = new StringBuilder();
    text.append(s.domain()).append(", ").append(range).append(" (").append(s.timezone()).append("), compared with ").append(previous).append("\n\n");
    StringBuilder html = new StringBuilder("<!doctype html><html><body style=\"font-family:sans-serif\">");
    html.append("<h2>").append(esc(s.domain())).append("</h2><p>").append(esc(range)).append(" (").append(esc(s.timezone()))
        .append("), compared with ").append(esc(previous)).append("</p><table cellpadding=\"4\"><tr><th></th><th>this ")
        .append(s.frequency() == ReportFrequency.WEEKLY ? "week" : "month").append("</th><th>previous</th><th>change</th></tr>");
    for (String[] stat : STATS) {
      String value = value(stat[0], d.totals().get(stat[0]));
      String before = value(stat[0], d.previous().get(stat[0]));
      String change = change(d.change().get(stat[0]));
      text.append(stat[1]).append(": ").append(value).append(" (previous period: ").append(before).append(", change: ").append(change).append(")\n");
      html.append("<tr><td>").append(stat[1]).append("</td><td><b>").append(esc(value)).append("</b></td><td>").append(esc(before))
          .append("</td><td>").append(esc(change)).append("</td></tr>");
    }
    html.append("</table>");
    text.append("\nTop sources (visitors)\n");
    html.append("<h3>Top sources</h3><table cellpadding=\"4\">");
    for (Map<String, Object> row : d.sources()) {
      String name = row.get("source") == null ? "(direct)" : String.valueOf(row.get("source"));
      text.append("  ").append(name).append(": ").append(row.get("visitors")).append('\n');
      html.append("<tr><td>").append(esc(name)).append("</td><td>").append(row.get("visitors")).append(" visitors</td></tr>");
    }
    html.append("</table>");
    text.append("\nTop pages (visitors, pageviews)\n");
    html.append("<h3>Top pages</h3><table cellpadding=\"4\">");
    for (Map<String, Object> row : d.pages()) {
      String page = String.valueOf(row.get("page"));
      text.append("  ").append(page).append(": ").append(row.get("visitors")).append(", ").append(row.get("pageviews")).append('\n');
      html.append("<tr><td>").append(esc(page)).append("</td><td>").append(row.get("visitors")).append(" visitors</td><td>")
          .append(row.get("pageviews")).append(" pageviews</td></tr>");
    }
    html.append("</table>");
    text.append("\nStop these reports: ").append(unsubscribeUrl).append('\n');
    html.append("<p style=\"color:#666;font-size:small\">You get this ").append(s.frequency().id()).append(" report of ")
        .append(esc(s.domain())).append(" from Sightline. <a href=\"").append(esc(unsubscribeUrl)).append("\">Unsubscribe</a></p></body></html>");
    return new DigestMessage(subject, text.toString(), html.toString());
  }

  /** A metric as shown: bounce rate in %, duration in seconds, counts as numbers; "none" for no value. */
  static String value(String metric, Object v) {
    if (v == null) {
      return "none";
    }
    return switch (metric) {
      case "bounce_rate" -> v + "%";
      case "avg_duration" -> v + " s";
      default -> String.valueOf(v);
    };
  }

  /** The engine's percent change with its sign, or "n/a" when the previous value was 0. */
  static String change(Object v) {
    if (v == null) {
      return "n/a";
    }
    double d = ((Number) v).doubleValue();
    return (d > 0 ? "+" : "") + String.format(java.util.Locale.ROOT, "%.1f", d) + "%";
  }

  private static String esc(String s) {
    return Html.escape(s);
  }

}
