package io.sightline.api.hum;

import io.sightline.goal.Goal;
import io.sightline.http.ApiException;
import io.sightline.http.TextInput;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How a site's sessions and events become Hum's session fields (stored in {@code hum_settings} and
 * {@code hum_funnel_steps}, V7):
 * <ul>
 *   <li>{@code address}: the properties named by {@link Address}, set by any event of the session;
 *       for each, the value of the latest event carrying it.</li>
 *   <li>{@code ordered_at}, {@code order_number}: the session's first custom event named
 *       {@code orderEvent}, and its {@code orderNumberProp} property.</li>
 *   <li>{@code installed}, {@code installed_at}: the first custom event named {@code installedEvent},
 *       in any session of the site, whose {@code orderNumberProp} property is the order's number,
 *       sent at or after the order (within {@link HumSessionsQuery#INSTALL_WINDOW}).</li>
 *   <li>{@code commission_cents}: the {@code commissionProp} property (a whole number) of the
 *       installed events, else of the order event.</li>
 *   <li>{@code furthest_step}, {@code cart_progression}: the funnel's steps whose goal the session
 *       completed (goal matching as {@link Goal} describes), with the first completion time.</li>
 * </ul>
 */
public record HumMapping(String orderEvent, String orderNumberProp, String installedEvent, String commissionProp,
                         Address address, List<Step> funnel) {
  public static final int MAX_NAME = 200;
  public static final int MAX_PROP = 300;
  public static final int MAX_STEP_NAME = 120;
  public static final int MAX_STEPS = 50;
  public static final int MAX_STEP_NUMBER = 1000;

  /** The rules of a site that has not set any. */
  public static final HumMapping DEFAULT = new HumMapping("Order", "order_number", "Installed", "commission_cents",
      new Address("street1", "street2", "city", "state", "zip"), List.of());

  /** The property names the five address fields come from. */
  public record Address(String street1, String street2, String city, String state, String zip) {
    JsonObject toJson() {
      return new JsonObject().put("street1", street1).put("street2", street2).put("city", city).put("state", state).put("zip", zip);
    }
  }

  /** A funnel step: its number (reported as {@code step}), its name ({@code step_name}) and the goal that reaches it. */
  public record Step(int step, String name, Goal goal) {
  }

  /** A funnel step as a user gives it: the goal by id or by name. */
  public record StepInput(int step, String name, Integer goalId, String goalName) {
  }

  /** The rules without the funnel, as a user gives them (validated). */
  public record Settings(String orderEvent, String orderNumberProp, String installedEvent, String commissionProp, Address address) {
  }

  public Settings settings() {
    return new Settings(orderEvent, orderNumberProp, installedEvent, commissionProp, address);
  }

  /** The rules as the admin API shows them. */
  public JsonObject toJson() {
    JsonArray steps = new JsonArray();
    funnel.forEach(s -> steps.add(new JsonObject().put("step", s.step()).put("name", s.name()).put("goal_id", s.goal().id())
        .put("goal", s.goal().name())));
    return new JsonObject()
        .put("order_event", orderEvent)
        .put("order_number_prop", orderNumberProp)
        .put("installed_event", installedEvent)
        .put("commission_prop", commissionProp)
        .put("address_props", address.toJson())
        .put("funnel", steps);
  }

  /** Settings from an admin request body; a missing field takes its default. 400 for a wrong type or value. */
  public static Settings settingsFromJson(JsonObject body) {
    Object addr = body.getValue("address_props");
    if (addr != null && !(addr instanceof JsonObject)) {
      throw ApiException.badRequest("address_props must be an object with street1, street2, city, state and zip");
    }
    JsonObject a = addr == null ? new JsonObject() : (JsonObject) addr;
    for (String key : a.fieldNames()) {
      if (!Set.of("street1", "street2", "city", "state", "zip").contains(key)) {
        throw ApiException.badRequest("address_props: unknown field '" + key + "' (known: street1, street2, city, state, zip)");
      }
    }
    Address d = DEFAULT.address();
    return new Settings(
        eventName(string(body, "order_event", DEFAULT.orderEvent()), "order_event"),
        prop(string(body, "order_number_prop", DEFAULT.orderNumberProp()), "order_number_prop"),
        eventName(string(body, "installed_event", DEFAULT.installedEvent()), "installed_event"),
        prop(string(body, "commission_prop", DEFAULT.commissionProp()), "commission_prop"),
        new Address(prop(string(a, "street1", d.street1()), "address_props.street1"), prop(string(a, "street2", d.street2()), "address_props.street2"),
            prop(string(a, "city", d.city()), "address_props.city"), prop(string(a, "state", d.state()), "address_props.state"),
            prop(string(a, "zip", d.zip()), "address_props.zip")));
  }

  /** Funnel steps from an admin request body ({@code funnel}: [{step, name, goal_id | goal}]); missing: none. */
  public static List<StepInput> stepsFromJson(JsonObject body) {
    Object raw = body.getValue("funnel");
    if (raw == null) {
      return List.of();
    }
    if (!(raw instanceof JsonArray array)) {
      throw ApiException.badRequest("funnel must be an array of {step, name, goal_id or goal}");
    }
    List<StepInput> steps = new ArrayList<>();
    for (Object o : array) {
      if (!(o instanceof JsonObject s)) {
        throw ApiException.badRequest("funnel must be an array of {step, name, goal_id or goal}");
      }
      Object number = s.getValue("step");
      if (!(number instanceof Integer || number instanceof Long) || ((Number) number).longValue() < 1
          || ((Number) number).longValue() > MAX_STEP_NUMBER) {
        throw ApiException.badRequest("funnel: step must be a whole number from 1 to " + MAX_STEP_NUMBER);
      }
      Object goalId = s.getValue("goal_id");
      if (goalId != null && !(goalId instanceof Integer)) {
        throw ApiException.badRequest("funnel: goal_id must be a goal's id (a whole number)");
      }
      Object goalName = s.getValue("goal");
      if (goalName != null && !(goalName instanceof String)) {
        throw ApiException.badRequest("funnel: goal must be a goal's name");
      }
      Object name = s.getValue("name");
      if (name != null && !(name instanceof String)) {
        throw ApiException.badRequest("funnel: name must be a string");
      }
      steps.add(new StepInput(((Number) number).intValue(), (String) name, (Integer) goalId, (String) goalName));
    }
    return validSteps(steps);
  }

  /** Checks a funnel: at most 50 steps, distinct numbers 1-1000, names 1-120 characters, each with one goal reference. */
  public static List<StepInput> validSteps(List<StepInput> steps) {
    if (steps.size() > MAX_STEPS) {
      throw ApiException.badRequest("funnel: at most " + MAX_STEPS + " steps");
    }
    Set<Integer> numbers = new HashSet<>();
    List<StepInput> out = new ArrayList<>();
    for (StepInput s : steps) {
      if (s.step() < 1 || s.step() > MAX_STEP_NUMBER) {
        throw ApiException.badRequest("funnel: step must be a whole number from 1 to " + MAX_STEP_NUMBER);
      }
      if (!numbers.add(s.step())) {
        throw ApiException.badRequest("funnel: step " + s.step() + " is given twice");
      }
      String name = text(s.name(), MAX_STEP_NAME, "funnel: name of step " + s.step());
      if ((s.goalId() == null) == (s.goalName() == null || s.goalName().isBlank())) {
        throw ApiException.badRequest("funnel: step " + s.step() + " needs exactly one of goal_id or goal (a goal's name)");
      }
      out.add(new StepInput(s.step(), name, s.goalId(), s.goalName() == null ? null : s.goalName().strip()));
    }
    return out;
  }

  /** A custom event name: 1-200 characters, no control characters; surrounding spaces removed (as ingestion does). */
  public static String eventName(String raw, String field) {
    return text(raw, MAX_NAME, field);
  }

  /** A property name: 1-300 characters, no control characters; surrounding spaces removed (as ingestion does). */
  public static String prop(String raw, String field) {
    return text(raw, MAX_PROP, field);
  }

  private static String text(String raw, int max, String field) {
    return TextInput.required(field, raw, max, "must not be empty");
  }

  private static String string(JsonObject o, String field, String fallback) {
    Object v = o.getValue(field);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof String s)) {
      throw ApiException.badRequest(field + " must be a string");
    }
    return s;
  }
}
