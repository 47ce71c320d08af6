package io.sightline.api.humblytics;

import io.sightline.api.humblytics.HumblyticsParams.Range;
import io.sightline.api.humblytics.HumblyticsRoutes.Call;
import io.sightline.goal.Goal;
import io.sightline.goal.GoalService;
import io.sightline.http.ApiException;
import io.sightline.query.FunnelQuery;
import io.sightline.query.FunnelQuery.Mode;
import io.sightline.query.FunnelQuery.Step;
import io.sightline.query.FunnelQuery.StepKind;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code funnels?steps=<JSON>&mode=unbounded|sequential}: the visitors who reached each step
 * ({@link FunnelQuery} defines both modes). {@code steps} is a JSON array of 1-10 steps, each
 * {@code {"type": "page"|"event"|"goal", "value": "..."}}, or the short forms {@code {"page": "/pricing"}},
 * {@code {"event": "Signup"}}, {@code {"goal": "Signup"}}, or a plain string (a path if it starts
 * with {@code /}, else an event name). Default mode {@code unbounded}. {@code breakdownBy} is not
 * supported (400).
 */
final class HumblyticsFunnels {
  static final int MAX_VALUE_LENGTH = 500;
  private final FunnelQuery funnels;
  private final GoalService goals;

  HumblyticsFunnels(FunnelQuery funnels, GoalService goals) {
    this.funnels = funnels;
    this.goals = goals;
  }

  /** A step as requested, before goal names are resolved. */
  record Requested(StepKind kind, String value) {
  }

  Future<JsonObject> funnel(Call c) {
    Range r = HumblyticsParams.range(c.params());
    List<Requested> requested = steps(c.params().get("steps"));
    Mode mode = mode(c.params().get("mode"));
    String breakdown = c.params().get("breakdownBy");
    if (breakdown != null && !breakdown.isEmpty()) {
      throw ApiException.badRequest("breakdownBy is not supported by this server");
    }
    boolean needsGoals = requested.stream().anyMatch(s -> s.kind() == StepKind.GOAL);
    Future<List<Goal>> defined = needsGoals ? goals.list(c.site()) : Future.succeededFuture(List.of());
    return defined.compose(list -> {
      List<Step> steps = new ArrayList<>();
      for (Requested s : requested) {
        if (s.kind() == StepKind.GOAL) {
          Optional<Goal> g = list.stream().filter(x -> x.name().equals(s.value())).findFirst();
          if (g.isEmpty()) {
            return Future.failedFuture(ApiException.badRequest("Unknown goal: " + HumblyticsParams.shorten(s.value())));
          }
          steps.add(new Step(s.kind(), s.value(), g.get().toMatch()));
        } else {
          steps.add(new Step(s.kind(), s.value(), null));
        }
      }
      return funnels.run(c.site(), r.start(), r.end(), steps, mode);
    }).map(counts -> {
      JsonArray out = new JsonArray();
      long first = counts.get(0);
      for (int i = 0; i < counts.size(); i++) {
        long visitors = counts.get(i);
        long previous = i == 0 ? visitors : counts.get(i - 1);
        out.add(new JsonObject().put("step", i + 1).put("type", requested.get(i).kind().name().toLowerCase(Locale.ROOT))
            .put("value", requested.get(i).value()).put("visitors", visitors)
            .put("conversion_rate", i == 0 ? (first == 0 ? 0.0 : 1.0) : HumblyticsQueries.share(visitors, first))
            .put("drop_off", previous - visitors).put("drop_off_rate", HumblyticsQueries.share(previous - visitors, previous)));
      }
      String modeId = mode.name().toLowerCase(Locale.ROOT);
      return new JsonObject()
          .put("meta", c.meta(r, null).put("timezone", r.timezone()).put("mode", modeId).put("step_count", counts.size()))
          .put("data", new JsonObject().put("mode", modeId).put("steps", out)
              .put("overall_conversion_rate", first == 0 ? 0.0 : HumblyticsQueries.share(counts.get(counts.size() - 1), first)));
    });
  }

  static Mode mode(String raw) {
    if (raw == null || raw.equals("unbounded")) {
      return Mode.UNBOUNDED;
    }
    if (raw.equals("sequential")) {
      return Mode.SEQUENTIAL;
    }
    throw ApiException.badRequest("mode must be unbounded or sequential");
  }

  static List<Requested> steps(String raw) {
    if (raw == null || raw.isBlank()) {
      throw ApiException.badRequest("steps is required: a JSON array such as [{\"type\":\"page\",\"value\":\"/\"},{\"type\":\"event\",\"value\":\"Signup\"}]");
    }
    JsonArray array;
    try {
      array = new JsonArray(raw);
    } catch (DecodeException | ClassCastException e) {
      throw ApiException.badRequest("steps must be a JSON array of steps");
    }
    if (array.isEmpty() || array.size() > FunnelQuery.MAX_STEPS) {
      throw ApiException.badRequest("steps must hold 1 to " + FunnelQuery.MAX_STEPS + " steps");
    }
    List<Requested> out = new ArrayList<>();
    for (Object o : array) {
      out.add(step(o));
    }
    return out;
  }

  private static Requested step(Object o) {
    if (o instanceof String s) {
      return checked(s.startsWith("/") ? StepKind.PAGE : StepKind.EVENT, s);
    }
    if (o instanceof JsonObject j) {
      if (j.getValue("type") instanceof String type) {
        StepKind kind = switch (type) {
          case "page", "pageview" -> StepKind.PAGE;
          case "event" -> StepKind.EVENT;
          case "goal" -> StepKind.GOAL;
          default -> throw ApiException.badRequest("A step's type is page, event or goal");
        };
        return checked(kind, j.getValue("value"));
      }
      for (StepKind kind : StepKind.values()) {
        String key = kind.name().toLowerCase(Locale.ROOT);
        if (j.containsKey(key)) {
          return checked(kind, j.getValue(key));
        }
      }
    }
    throw ApiException.badRequest("Each step is {\"type\": \"page\"|\"event\"|\"goal\", \"value\": \"...\"} or a string");
  }

  private static Requested checked(StepKind kind, Object value) {
    if (!(value instanceof String s) || s.isEmpty() || s.length() > MAX_VALUE_LENGTH) {
      throw ApiException.badRequest("A step's value is a non-empty string of at most " + MAX_VALUE_LENGTH + " characters");
    }
    if (kind == StepKind.PAGE && !s.startsWith("/")) {
      throw ApiException.badRequest("A page step's value is a path starting with /");
    }
    return new Requested(kind, s);
  }
}
