package io.sightline.query;

import io.sightline.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QueryGateTest {
  @Test
  void runsAtMostItsPermitsAtOnceInArrivalOrderAndRefusesBeyondTheQueue() {
    QueryGate gate = QueryGate.withPermits(2);
    List<Promise<String>> started = new ArrayList<>();
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < 2 + QueryGate.MAX_WAITING; i++) {
      results.add(gate.run(() -> {
        Promise<String> p = Promise.promise();
        started.add(p);
        return p.future();
      }));
    }
    assertEquals(2, started.size(), "only two start");
    assertEquals(2, gate.running());
    Future<String> refused = gate.run(() -> Future.succeededFuture("never"));
    assertTrue(refused.failed());
    assertEquals(503, assertInstanceOf(ApiException.class, refused.cause()).status());

    started.get(1).complete("b");
    assertEquals("b", results.get(1).result());
    assertEquals(3, started.size(), "the first waiting query took the freed permit");
    started.get(0).fail("boom"); // a failed query frees its permit too
    assertTrue(results.get(0).failed());
    assertEquals(4, started.size());
    for (int i = 2; i < started.size(); i++) {
      started.get(i).complete("q" + i);
    }
    assertEquals(2 + QueryGate.MAX_WAITING, started.size(), "every waiting query ran, in order");
    assertEquals("q" + (1 + QueryGate.MAX_WAITING), results.get(results.size() - 1).result());
    assertEquals(0, gate.running());
  }

  @Test
  void aQueryThatThrowsFreesItsPermit() {
    QueryGate gate = QueryGate.withPermits(1);
    Future<String> f = gate.run(() -> {
      throw new IllegalStateException("planning failed");
    });
    assertTrue(f.failed());
    assertEquals(0, gate.running());
    assertEquals("ok", gate.run(() -> Future.succeededFuture("ok")).result());
  }
}
