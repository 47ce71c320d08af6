package io.sightline.api.hum;

import io.sightline.goal.Goal;
import io.sightline.goal.GoalType;
import io.sightline.http.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads, replaces and resets a site's Hum mapping rules ({@link HumMapping}). */
public final class HumMappingService {
  private final Pool pool;

  public HumMappingService(Pool pool) {
    this.pool = pool;
  }

  /** The site's rules: its own settings or the defaults, and its funnel (empty if none). */
  public Future<HumMapping> get(int siteId) {
    Future<HumMapping.Settings> settings = pool.preparedQuery(HumMappingSql.SETTINGS).execute(Tuple.of(siteId)).map(rows -> {
      if (rows.size() == 0) {
        return HumMapping.DEFAULT.settings();
      }
      Row r = rows.iterator().next();
      return new HumMapping.Settings(r.getString("order_event"), r.getString("order_number_prop"), r.getString("installed_event"),
          r.getString("commission_prop"), new HumMapping.Address(r.getString("street1_prop"), r.getString("street2_prop"),
          r.getString("city_prop"), r.getString("state_prop"), r.getString("zip_prop")));
    });
    Future<List<HumMapping.Step>> steps = pool.preparedQuery(HumMappingSql.STEPS).execute(Tuple.of(siteId)).map(rows -> {
      List<HumMapping.Step> list = new ArrayList<>();
      rows.forEach(r -> list.add(new HumMapping.Step(r.getInteger("step"), r.getString("name"), new Goal(r.getInteger("id"),
          r.getInteger("site_id"), r.getString("goal_name"), GoalType.parse(r.getString("type")), r.getString("match")))));
      return list;
    });
    return Future.all(settings, steps).map(done -> {
      HumMapping.Settings s = settings.result();
      return new HumMapping(s.orderEvent(), s.orderNumberProp(), s.installedEvent(), s.commissionProp(), s.address(), steps.result());
    });
  }

  /**
   * Replaces the site's rules and funnel in one transaction. A step naming a goal the site does not
   * have fails with 400 and changes nothing.
   */
  public Future<HumMapping> save(int siteId, HumMapping.Settings s, List<HumMapping.StepInput> rawSteps) {
    List<HumMapping.StepInput> steps;
    try {
      steps = HumMapping.validSteps(rawSteps);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    HumMapping.Address a = s.address();
    Tuple settings = Tuple.of(siteId, s.orderEvent(), s.orderNumberProp(), s.installedEvent(), s.commissionProp(), a.street1(),
        a.street2(), a.city(), a.state(), a.zip());
    Tuple stepArgs = Tuple.of(siteId, steps.stream().map(HumMapping.StepInput::step).toArray(Integer[]::new),
        steps.stream().map(HumMapping.StepInput::name).toArray(String[]::new),
        steps.stream().map(HumMapping.StepInput::goalId).toArray(Integer[]::new),
        steps.stream().map(HumMapping.StepInput::goalName).toArray(String[]::new));
    return pool.withTransaction(conn -> conn.preparedQuery(HumMappingSql.UPSERT_SETTINGS).execute(settings)
        .compose(v -> conn.preparedQuery(HumMappingSql.DELETE_STEPS).execute(Tuple.of(siteId)))
        .compose(v -> steps.isEmpty() ? Future.succeededFuture(null) : conn.preparedQuery(HumMappingSql.INSERT_STEPS).execute(stepArgs)
            .compose(rows -> {
              Set<Integer> inserted = new HashSet<>();
              rows.forEach(r -> inserted.add(r.getInteger("step")));
              for (HumMapping.StepInput in : steps) {
                if (!inserted.contains(in.step())) {
                  String goal = in.goalId() != null ? "id " + in.goalId() : "'" + in.goalName() + "'";
                  return Future.failedFuture(ApiException.badRequest("funnel: step " + in.step() + ": this site has no goal " + goal));
                }
              }
              return Future.succeededFuture(null);
            })))
        .compose(v -> get(siteId));
  }

  /** Back to the defaults, without a funnel. */
  public Future<HumMapping> reset(int siteId) {
    return pool.withTransaction(conn -> conn.preparedQuery(HumMappingSql.DELETE_STEPS).execute(Tuple.of(siteId))
        .compose(v -> conn.preparedQuery(HumMappingSql.DELETE_SETTINGS).execute(Tuple.of(siteId))))
        .compose(v -> get(siteId));
  }
}
