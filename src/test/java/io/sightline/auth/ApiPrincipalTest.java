package io.sightline.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authorization.PermissionBasedAuthorization;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class ApiPrincipalTest {
  @Test
  void aKeyWithSeveralScopesHasEachOfThem() {
    User user = new ApiPrincipal(1, "sl_abc", 1, EnumSet.allOf(Scope.class), null).toUser();
    for (Scope s : Scope.values()) {
      assertTrue(PermissionBasedAuthorization.create(s.id()).match(user), s.id());
    }
    User two = new ApiPrincipal(2, "sl_def", 1, EnumSet.of(Scope.INGEST, Scope.READ), null).toUser();
    assertTrue(PermissionBasedAuthorization.create("ingest").match(two));
    assertTrue(PermissionBasedAuthorization.create("read").match(two));
    assertEquals(false, PermissionBasedAuthorization.create("admin").match(two));
  }
}
