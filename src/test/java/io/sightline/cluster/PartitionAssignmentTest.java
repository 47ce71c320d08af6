package io.sightline.cluster;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The owners every member computes alike: the same for the same members in any order, spread, and moved only as needed. */
class PartitionAssignmentTest {
  @Test
  void everyMemberComputesTheSameOwnersWhateverTheOrderOfTheMembers() {
    List<String> members = members(3, 1);
    List<String> reversed = new ArrayList<>(members);
    java.util.Collections.reverse(reversed);
    assertArrayEquals(PartitionAssignment.owners(members, 12), PartitionAssignment.owners(reversed, 12));
    assertNull(PartitionAssignment.owners(List.of(), 4)[0], "no member, no owner");
  }

  @Test
  void partitionsSpreadOverTheMembersAndAJoinOrALeaveMovesOnlyWhatItMust() {
    List<String> three = members(3, 7);
    String[] before = PartitionAssignment.owners(three, 240);
    Map<String, Integer> counts = new HashMap<>();
    for (String o : before) {
      counts.merge(o, 1, Integer::sum);
    }
    assertEquals(3, counts.size());
    counts.values().forEach(n -> assertTrue(n > 50 && n < 110, "a member owns " + n + " of 240"));

    List<String> four = new ArrayList<>(three);
    four.add(UUID.nameUUIDFromBytes("joiner".getBytes()).toString());
    String[] joined = PartitionAssignment.owners(four, 240);
    int moved = 0;
    for (int p = 0; p < 240; p++) {
      if (!before[p].equals(joined[p])) {
        moved++;
        assertEquals(four.get(3), joined[p], "a partition moves only to the member that joined");
      }
    }
    assertTrue(moved > 30 && moved < 90, "about a quarter moved: " + moved);

    List<String> two = three.subList(0, 2);
    String[] left = PartitionAssignment.owners(two, 240);
    for (int p = 0; p < 240; p++) {
      if (!before[p].equals(three.get(2))) {
        assertEquals(before[p], left[p], "a partition of a member that stays does not move");
      }
    }
  }

  private static List<String> members(int n, int seed) {
    List<String> members = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      members.add(UUID.nameUUIDFromBytes(("member" + seed + "-" + i).getBytes()).toString());
    }
    return members;
  }
}
